"""``content sync`` holds workflows to their grammar and refuses a broken one, naming the node."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rightsdesk.content.models import Page
from tests.content.pages import failing_sync, sync
from tests.safety.workflows.samples import OTHER, SMALL

pytestmark = pytest.mark.django_db

# How messages name the file: its path in the content tree.
SHOWN = "en/safety/doxxed.md"
HEAD = "---\ntitle: {title}\nkind: workflow\nposition: {position}\n---\n\n"


def tree(directory: Path, doxxed: str = SMALL, *, other: str | None = OTHER) -> None:
    """Write the workflows into ``<directory>/en/safety/``; each body starts on line 7."""
    folder = directory / "en" / "safety"
    folder.mkdir(parents=True, exist_ok=True)
    files = [("doxxed", "I am being doxxed", 1, doxxed)]
    if other is not None:
        files.append(("account-lost", "My account was taken", 2, other))
    for slug, title, position, body in files:
        (folder / f"{slug}.md").write_text(
            HEAD.format(title=title, position=position) + textwrap.dedent(body).strip() + "\n",
            encoding="utf-8",
        )


def test_valid_workflows_are_loaded_with_their_position(tmp_path: Path):
    tree(tmp_path)
    run = sync(tmp_path)
    stdout, stderr = run.stdout, run.stderr
    assert stderr == ""
    assert "2 file(s) loaded" in stdout
    page = Page.objects.get(slug="doxxed")
    assert (page.kind, page.details) == ("workflow", {"position": 1})


def test_check_refuses_a_broken_workflow_naming_the_node(tmp_path: Path):
    tree(tmp_path, SMALL.replace("- [Done](#done)", "- [Done](#finished)"))
    error, stderr = failing_sync(tmp_path, "--check")
    assert "nothing was changed" in str(error)
    assert stderr.splitlines() == [
        f"{SHOWN}:24: node 'on-wiki': the answer 'Done' leads to an unknown node 'finished'",
        f"{SHOWN}:28: node 'done' cannot be reached from the start",
    ]
    assert not Page.objects.exists()


def test_sync_refuses_a_loop_with_no_way_out(tmp_path: Path):
    looping = SMALL.replace("- [Done](#done)", "- [Again](#start)").replace(
        "- [My account was taken over as well](workflow:account-lost)\n", ""
    )
    tree(tmp_path, looping)
    _error, stderr = failing_sync(tmp_path)
    assert (
        f"{SHOWN}:8: node 'start': no end node and no other workflow can be reached from here "
        "(a loop with no way out)"
    ) in stderr.splitlines()
    assert not Page.objects.exists()


def test_sync_refuses_a_link_to_a_workflow_that_is_not_in_the_tree(tmp_path: Path):
    tree(tmp_path, other=None)
    _error, stderr = failing_sync(tmp_path)
    assert stderr.splitlines() == [
        f"{SHOWN}:15: node 'start': the answer 'My account was taken over as well' leads to "
        "'account-lost', which is not a workflow page"
    ]
