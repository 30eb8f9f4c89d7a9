"""The workflow grammar: what a workflow reads as, and every rule ``content sync`` holds it to."""

from __future__ import annotations

import pytest

from rightsdesk.content.source import SourceError
from rightsdesk.safety.workflows.grammar import (
    answer_links,
    parse_workflow,
    workflow_problems,
    workflow_tree_problems,
)
from rightsdesk.safety.workflows.partners import SERVICES
from tests.safety.workflows.samples import OTHER, SMALL, workflow_source


def problems(body: str) -> list[SourceError]:
    return workflow_problems(workflow_source(body, path="en/safety/doxxed.md"), partners=SERVICES)


def messages(body: str) -> list[str]:
    return [str(problem) for problem in problems(body)]


def test_a_workflow_reads_as_nodes_with_their_blocks_and_answers():
    page = workflow_source(SMALL)
    parsed = parse_workflow(page.slug, page.units, partners=SERVICES)
    assert parsed.problems == []
    workflow = parsed.workflow
    assert [node.id for node in workflow.nodes] == ["start", "on-wiki", "done"]
    start = workflow.start
    assert start is not None
    assert (start.heading, start.body, start.answers_unit) == ("1", ("2",), "3")
    assert [(a.label, a.kind, a.target) for a in start.answers] == [
        ("On a wiki page", "node", "on-wiki"),
        ("My account was taken over as well", "workflow", "account-lost"),
    ]
    assert not start.is_end
    done = workflow.node("done")
    assert done is not None
    assert done.is_end
    assert done.partner_services == ("legal-aid", "psychosocial-support")
    assert workflow.linked_workflows == ("account-lost",)


def test_a_node_without_an_answer_list_is_an_end_node():
    page = workflow_source(OTHER, slug="account-lost")
    workflow = parse_workflow(page.slug, page.units, partners=SERVICES).workflow
    secured = workflow.node("secured")
    assert secured is not None
    assert secured.is_end
    assert secured.answers == ()
    assert secured.body == ("4",)


def test_a_plain_list_as_last_block_is_text_not_answers():
    body = """
        ## What to keep {#start}

        - screenshots
        - links to the edits
        """
    page = workflow_source(body)
    workflow = parse_workflow(page.slug, page.units, partners=SERVICES).workflow
    assert problems(body) == []
    start = workflow.start
    assert start is not None
    assert start.answers == ()
    assert len(start.body) == 1


def test_the_body_must_start_with_a_node_heading():
    found = messages(
        """
        A paragraph before any node.

        ## First {#start}
        """
    )
    assert found == [
        "en/safety/doxxed.md:6: a workflow starts with a node heading: '## Heading {#id}'"
    ]


def test_an_empty_workflow_is_refused():
    assert messages("") == [
        "en/safety/doxxed.md:1: a workflow needs at least one node: a '## Heading {#id}' and "
        "its text"
    ]


def test_a_heading_without_an_id_names_the_heading_and_line():
    found = messages(
        """
        ## First {#start}

        - [On](#second)

        ## Second node

        Text.
        """
    )
    assert (
        "en/safety/doxxed.md:10: the node heading 'Second node' has no id: end it with {#node-id}"
        in found
    )


@pytest.mark.parametrize("node_id", ["Start", "two--hyphens", "with space", "-lead", "x" * 41, ""])
def test_an_invalid_node_id_is_refused(node_id):
    found = messages(f"## First {{#{node_id}}}\n\nText.\n")
    assert len(found) == 1
    assert f"node id {node_id!r}: use lower-case letters, digits and single hyphens" in found[0]
    assert found[0].startswith("en/safety/doxxed.md:6:")


def test_a_node_id_used_twice_is_refused():
    found = messages(
        """
        ## First {#start}

        - [On](#start)
        - [Out](#end)

        ## Second {#start}

        ## Last {#end}
        """
    )
    assert found == ["en/safety/doxxed.md:11: node id 'start' is used twice (first on line 6)"]


@pytest.mark.parametrize("level", ["#", "###", "####"])
def test_other_heading_levels_are_refused(level):
    found = messages(
        f"""
        ## First {{#start}}

        {level} A sub-heading

        Text.
        """
    )
    depth = len(level)
    assert found == [
        f"en/safety/doxxed.md:8: only '##' node headings are allowed in a workflow "
        f"(this is a level-{depth} heading)"
    ]


@pytest.mark.parametrize(
    "item",
    [
        "[On a wiki](#end) and more words",
        "Go [on a wiki](#end)",
        "[One](#end) [two](#end)",
        "just words",
    ],
)
def test_an_answer_item_that_is_not_exactly_one_link_is_refused(item):
    found = messages(
        f"""
        ## First {{#start}}

        - [Fine](#end)
        - {item}

        ## Last {{#end}}
        """
    )
    assert found == [
        "en/safety/doxxed.md:9: node 'start': every item of an answer list is exactly one link "
        "and nothing else"
    ]


def test_an_answer_to_another_kind_of_target_is_refused():
    found = messages(
        """
        ## First {#start}

        - [Fine](#end)
        - [A lesson](lesson:doxxing-beginner)

        ## Last {#end}
        """
    )
    assert len(found) == 1
    assert found[0].startswith(
        "en/safety/doxxed.md:9: node 'start': the answer 'A lesson' leads to"
    )


def test_answers_must_be_the_last_block():
    found = messages(
        """
        ## First {#start}

        - [Fine](#end)

        A paragraph after the answers.

        ## Last {#end}
        """
    )
    assert found == [
        "en/safety/doxxed.md:8: node 'start': the answer list must be the node's last block",
        # The list is not read as answers, so nothing leads on.
        "en/safety/doxxed.md:12: node 'end' cannot be reached from the start",
    ]


def test_an_answer_to_an_unknown_node_is_refused():
    found = messages(
        """
        ## First {#start}

        - [Fine](#end)
        - [Lost](#nowhere)

        ## Last {#end}
        """
    )
    assert found == [
        "en/safety/doxxed.md:9: node 'start': the answer 'Lost' leads to an unknown node 'nowhere'"
    ]


def test_an_unknown_partner_service_is_refused():
    found = messages(
        """
        ## First {#start}

        - [Get a lawyer](partners:lawyers)
        """
    )
    assert len(found) == 1
    assert found[0].startswith(
        "en/safety/doxxed.md:8: node 'start': unknown partner service 'lawyers' (known: "
    )
    assert "legal-aid" in found[0]


def test_a_workflow_linking_to_itself_is_refused():
    found = messages(
        """
        ## First {#start}

        - [Again](workflow:doxxed)
        """
    )
    assert found == [
        "en/safety/doxxed.md:8: node 'start': the answer 'Again' leads to this workflow "
        "itself; link to its first node (#start) instead"
    ]


def test_an_unreachable_node_is_named():
    found = messages(
        """
        ## First {#start}

        - [Out](#end)

        ## Forgotten {#lost}

        Nobody links here.

        ## Last {#end}
        """
    )
    assert found == ["en/safety/doxxed.md:10: node 'lost' cannot be reached from the start"]


def test_a_loop_with_no_way_out_is_named_for_each_node_in_it():
    found = messages(
        """
        ## First {#start}

        - [Round](#a)
        - [Out](#end)

        ## A {#a}

        - [And round](#b)

        ## B {#b}

        - [Again](#a)

        ## Last {#end}
        """
    )
    assert found == [
        "en/safety/doxxed.md:11: node 'a': no end node and no other workflow can be reached "
        "from here (a loop with no way out)",
        "en/safety/doxxed.md:15: node 'b': no end node and no other workflow can be reached "
        "from here (a loop with no way out)",
    ]


def test_a_loop_that_leads_to_another_workflow_has_a_way_out():
    assert (
        messages(
            """
            ## First {#start}

            - [Round](#a)

            ## A {#a}

            - [Back](#start)
            - [Elsewhere](workflow:account-lost)
            """
        )
        == []
    )


def test_a_loop_back_to_the_start_is_fine_when_an_end_can_be_reached():
    assert problems(SMALL) == []


def test_every_problem_is_reported_at_once_in_line_order():
    found = messages(
        """
        ## First {#start}

        - [Lost](#nowhere)
        - [Bad](partners:nobody)

        ## No id

        ### Deeper {#deeper}
        """
    )
    assert [message.split(": ", 1)[1][:30] for message in found] == [
        "node 'start': no end node and ",
        "node 'start': the answer 'Lost",
        "node 'start': unknown partner ",
        "the node heading 'No id' has n",
        "only '##' node headings are al",
    ]


def test_cross_workflow_links_must_name_a_workflow_in_the_tree():
    doxxed = workflow_source(SMALL, path="en/safety/doxxed.md")
    other = workflow_source(OTHER, slug="account-lost", path="en/safety/account-lost.md")
    assert workflow_tree_problems([doxxed, other], partners=SERVICES) == []
    found = [str(p) for p in workflow_tree_problems([doxxed], partners=SERVICES)]
    assert found == [
        "en/safety/doxxed.md:14: node 'start': the answer 'My account was taken over as well' "
        "leads to 'account-lost', which is not a workflow page"
    ]
    not_a_workflow = workflow_source(OTHER, slug="account-lost", kind="page")
    assert len(workflow_tree_problems([doxxed, not_a_workflow], partners=SERVICES)) == 1


def test_answer_links_reads_a_translated_list_and_skips_broken_items():
    text = "- [روی ویکی](#on-wiki)\n- متن بدون پیوند\n- [حساب](workflow:account-lost)\n"
    assert answer_links(text) == [("روی ویکی", "#on-wiki"), ("حساب", "workflow:account-lost")]
    assert answer_links("Just a paragraph.") is None
