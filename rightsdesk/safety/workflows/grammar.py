"""The shape of an emergency workflow: a question tree written as Markdown.

Every ``##`` heading opens a node and ends with the node's id; the first node is the start. A
node's answers are its last block when that block is a bullet list whose every item is one link
and nothing else::

    ## Where did your private information appear? {#start}

    Short, calm explanation.

    - [On a wiki page](#on-wiki)
    - [My account was also taken over](workflow:account-taken-over)

    ## You are not alone {#danger}

    - [Find legal help](partners:legal-aid)

An answer leads to another node (``#<id>``), to another workflow's start (``workflow:<slug>``) or
to partner services (``partners:<service>``). A node none of whose answers leads to a node or a
workflow is an end node: there the reader may ask the team for help.

:func:`parse_workflow` reads the units of a page into a :class:`Workflow` and lists every problem
(each naming its node and line) instead of stopping at the first, so that an author can fix a
file in one go. Nothing here touches Django: ``content sync``, the editor and the views share it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from rightsdesk.content.source import SourceError, SourcePage, SourceUnit, body_units

NODE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NODE_ID_LENGTH = 40
# The ``{#id}`` that ends a node heading (also in a translated heading, which may drop it).
HEADING_ID = re.compile(r"\s*\{#(?P<id>[^{}]*)\}\s*$")
WORKFLOW_SCHEME = "workflow:"
PARTNERS_SCHEME = "partners:"
TargetKind = Literal["node", "workflow", "partners"]
# Records one problem: its message and its line.
Problem = Callable[[str, int], None]

_parser = MarkdownIt("commonmark", {"html": True}).enable("table")


@dataclass(frozen=True)
class Answer:
    label: str
    kind: TargetKind
    target: str
    # The link target as written (``#on-wiki``): how a translated list is matched to this one.
    href: str
    line: int = 0

    @property
    def leads_on(self) -> bool:
        """Whether the answer takes the reader further (to a node or another workflow)."""
        return self.kind in ("node", "workflow")


@dataclass(frozen=True)
class Node:
    id: str
    # Unit keys: the heading, the blocks after it (without the answer list), the answer list.
    heading: str
    body: tuple[str, ...] = ()
    answers_unit: str | None = None
    answers: tuple[Answer, ...] = ()
    line: int = 0

    @property
    def is_end(self) -> bool:
        return not any(answer.leads_on for answer in self.answers)

    @property
    def partner_services(self) -> tuple[str, ...]:
        return tuple(answer.target for answer in self.answers if answer.kind == "partners")

    def answers_to(self, node_id: str) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if a.kind == "node" and a.target == node_id)


@dataclass(frozen=True)
class Workflow:
    slug: str
    nodes: tuple[Node, ...]
    title: str = "title"

    @property
    def start(self) -> Node | None:
        return self.nodes[0] if self.nodes else None

    def node(self, node_id: str) -> Node | None:
        return next((node for node in self.nodes if node.id == node_id), None)

    @property
    def linked_workflows(self) -> tuple[str, ...]:
        return tuple(
            answer.target
            for node in self.nodes
            for answer in node.answers
            if answer.kind == "workflow"
        )


@dataclass(frozen=True)
class ParsedWorkflow:
    workflow: Workflow
    problems: list[SourceError] = field(default_factory=list)


def _first_block(text: str) -> list[Token]:
    return _parser.parse(text)


def heading_level(text: str) -> int | None:
    """The level of a block that is a heading, or None."""
    tokens = _first_block(text)
    if tokens and tokens[0].type == "heading_open":
        return int(tokens[0].tag[1])
    return None


def heading_text(text: str) -> str:
    """The words of a heading block as written, without the ``#`` marks and the ``{#id}``."""
    tokens = _first_block(text)
    inline = tokens[1].content if len(tokens) > 1 and tokens[1].type == "inline" else text
    return HEADING_ID.sub("", inline).strip()


def strip_heading_id(text: str) -> str:
    """``text`` without a trailing ``{#id}``."""
    return HEADING_ID.sub("", text).rstrip()


def target_kind(href: str) -> tuple[TargetKind, str] | None:
    """What an answer link leads to, or None when it is not an answer's kind of target."""
    if href.startswith("#"):
        return "node", href[1:]
    if href.startswith(WORKFLOW_SCHEME):
        return "workflow", href.removeprefix(WORKFLOW_SCHEME)
    if href.startswith(PARTNERS_SCHEME):
        return "partners", href.removeprefix(PARTNERS_SCHEME)
    return None


@dataclass(frozen=True)
class ListItem:
    # (label, href) when the item is exactly one link and nothing else.
    link: tuple[str, str] | None
    # Every link target in the item.
    hrefs: tuple[str, ...]
    # 0-based line of the item inside the block.
    offset: int


def list_items(text: str) -> list[ListItem] | None:
    """The items of a block that is one bullet list, or None when it is something else."""
    tokens = _parser.parse(text)
    if not tokens or tokens[0].type != "bullet_list_open" or tokens[-1].type != "bullet_list_close":
        return None
    items: list[ListItem] = []
    index = 1
    while index < len(tokens) - 1:
        opening = tokens[index]
        if opening.type != "list_item_open" or opening.level != 1:
            index += 1
            continue
        depth, inner = 0, []
        index += 1
        while not (tokens[index].type == "list_item_close" and depth == 0):
            if tokens[index].type == "list_item_open":
                depth += 1
            elif tokens[index].type == "list_item_close":
                depth -= 1
            inner.append(tokens[index])
            index += 1
        index += 1
        items.append(_item(inner, opening.map[0] if opening.map else 0))
    return items


def _item(inner: list[Token], offset: int) -> ListItem:
    hrefs = tuple(
        str(child.attrs.get("href", ""))
        for token in inner
        for child in (token.children or [])
        if child.type == "link_open"
    )
    shape = [token.type for token in inner]
    link: tuple[str, str] | None = None
    if shape == ["paragraph_open", "inline", "paragraph_close"]:
        children = inner[1].children or []
        if (
            len(children) >= 2
            and children[0].type == "link_open"
            and children[-1].type == "link_close"
            and sum(1 for child in children if child.type == "link_open") == 1
        ):
            label = "".join(child.content for child in children[1:-1]).strip()
            link = (label, str(children[0].attrs.get("href", "")))
    return ListItem(link=link, hrefs=hrefs, offset=offset)


def answer_links(text: str) -> list[tuple[str, str]] | None:
    """``(label, href)`` of every item of an answer list, or None when ``text`` is not one.

    Used on translated lists too, which is why a malformed item is skipped rather than fatal.
    """
    items = list_items(text)
    if items is None:
        return None
    return [item.link for item in items if item.link is not None]


def _is_answer_list(items: list[ListItem] | None) -> bool:
    """A bullet list meant as answers: some item links to a node, a workflow or partners."""
    return items is not None and any(
        target_kind(href) is not None for item in items for href in item.hrefs
    )


def parse_workflow(
    slug: str, units: Sequence[SourceUnit], *, partners: Collection[str], path: str = ""
) -> ParsedWorkflow:
    """The workflow in ``units`` (a page's units in order), and every problem with it."""
    problems: list[SourceError] = []

    def problem(message: str, line: int) -> None:
        problems.append(SourceError(message, path=path, line=max(line, 1)))

    body = body_units(units)
    if not body:
        problem("a workflow needs at least one node: a '## Heading {#id}' and its text", 1)
        return ParsedWorkflow(Workflow(slug=slug, nodes=()), problems)
    if heading_level(body[0].text) != 2:
        problem("a workflow starts with a node heading: '## Heading {#id}'", body[0].line)
    groups: list[tuple[SourceUnit, list[SourceUnit]]] = []
    for unit in body:
        level = heading_level(unit.text)
        if level == 2:
            groups.append((unit, []))
        elif level is not None:
            problem(
                f"only '##' node headings are allowed in a workflow (this is a level-{level} "
                "heading)",
                unit.line,
            )
        elif groups:
            groups[-1][1].append(unit)
    nodes: list[Node] = []
    seen: dict[str, int] = {}
    for heading, blocks in groups:
        node_id = _node_id(heading, seen, problem)
        if node_id is None:
            continue
        nodes.append(_node(node_id, heading, blocks, partners, problem))
    workflow = Workflow(slug=slug, nodes=tuple(nodes))
    _check_targets(workflow, problem)
    _check_paths(workflow, problem)
    return ParsedWorkflow(workflow, sorted(problems, key=lambda found: found.line))


def workflow_parsed(
    slug: str, units: Sequence[SourceUnit], *, partners: Collection[str], path: str = ""
) -> ParsedWorkflow:
    """:func:`parse_workflow`, remembered per distinct source: ``content sync`` checks each
    workflow alone and then among the others, and every step of a reader's walk reads the same
    tree. An edit gives other units, hence a fresh parse."""
    return _parsed(slug, tuple(units), frozenset(partners), path)


@lru_cache(maxsize=64)
def _parsed(
    slug: str, units: tuple[SourceUnit, ...], partners: frozenset[str], path: str
) -> ParsedWorkflow:
    return parse_workflow(slug, units, partners=partners, path=path)


def _node_id(heading: SourceUnit, seen: dict[str, int], problem: Problem) -> str | None:
    words = _first_block(heading.text)[1].content
    match = HEADING_ID.search(words)
    if match is None:
        problem(
            f"the node heading {heading_text(heading.text)!r} has no id: end it with {{#node-id}}",
            heading.line,
        )
        return None
    node_id = match.group("id")
    if not NODE_ID.match(node_id) or len(node_id) > NODE_ID_LENGTH:
        problem(
            f"node id {node_id!r}: use lower-case letters, digits and single hyphens "
            f"(at most {NODE_ID_LENGTH} characters)",
            heading.line,
        )
        return None
    if node_id in seen:
        problem(f"node id {node_id!r} is used twice (first on line {seen[node_id]})", heading.line)
        return None
    seen[node_id] = heading.line
    return node_id


def _node(
    node_id: str,
    heading: SourceUnit,
    blocks: list[SourceUnit],
    partners: Collection[str],
    problem: Problem,
) -> Node:
    last_items = list_items(blocks[-1].text) if blocks else None
    for block in blocks[:-1]:
        items = list_items(block.text)
        if _is_answer_list(items) and all(item.link for item in items or []):
            problem(f"node {node_id!r}: the answer list must be the node's last block", block.line)
    if not _is_answer_list(last_items):
        return Node(
            id=node_id,
            heading=heading.key,
            body=tuple(block.key for block in blocks),
            line=heading.line,
        )
    answer_block = blocks[-1]
    answers: list[Answer] = []
    for item in last_items or []:
        line = answer_block.line + item.offset
        if item.link is None:
            problem(
                f"node {node_id!r}: every item of an answer list is exactly one link and "
                "nothing else",
                line,
            )
            continue
        label, href = item.link
        kind = target_kind(href)
        if kind is None:
            problem(
                f"node {node_id!r}: the answer {label!r} leads to {href!r}; an answer leads to "
                "a node (#id), another workflow (workflow:slug) or partner services "
                "(partners:service)",
                line,
            )
            continue
        if not label:
            problem(f"node {node_id!r}: the answer leading to {href!r} has no text", line)
            continue
        if kind[0] == "partners" and kind[1] not in partners:
            problem(
                f"node {node_id!r}: unknown partner service {kind[1]!r} "
                f"(known: {', '.join(sorted(partners))})",
                line,
            )
            continue
        answers.append(Answer(label=label, kind=kind[0], target=kind[1], href=href, line=line))
    return Node(
        id=node_id,
        heading=heading.key,
        body=tuple(block.key for block in blocks[:-1]),
        answers_unit=answer_block.key,
        answers=tuple(answers),
        line=heading.line,
    )


def _check_targets(workflow: Workflow, problem: Problem) -> None:
    ids = {node.id for node in workflow.nodes}
    for node in workflow.nodes:
        for answer in node.answers:
            if answer.kind == "node" and answer.target not in ids:
                problem(
                    f"node {node.id!r}: the answer {answer.label!r} leads to an unknown "
                    f"node {answer.target!r}",
                    answer.line,
                )
            elif answer.kind == "workflow" and answer.target == workflow.slug:
                problem(
                    f"node {node.id!r}: the answer {answer.label!r} leads to this workflow "
                    f"itself; link to its first node (#{workflow.nodes[0].id}) instead",
                    answer.line,
                )
            elif answer.kind == "workflow" and not NODE_ID.match(answer.target):
                problem(
                    f"node {node.id!r}: {answer.target!r} is not the slug of a workflow",
                    answer.line,
                )


def _check_paths(workflow: Workflow, problem: Problem) -> None:
    """Every node is reached from the start, and from every node the reader can get out: to an
    end node or to another workflow."""
    if not workflow.nodes:
        return
    leading_to: dict[str, list[str]] = {
        node.id: [a.target for a in node.answers if a.kind == "node"] for node in workflow.nodes
    }
    leading_in: dict[str, list[str]] = {node.id: [] for node in workflow.nodes}
    for source, targets in leading_to.items():
        for target in targets:
            if target in leading_in:
                leading_in[target].append(source)
    reached = _reachable([workflow.nodes[0].id], leading_to)
    exits = [
        node.id
        for node in workflow.nodes
        if node.is_end or any(answer.kind == "workflow" for answer in node.answers)
    ]
    way_out = _reachable(exits, leading_in)
    for node in workflow.nodes:
        if node.id not in reached:
            problem(f"node {node.id!r} cannot be reached from the start", node.line)
        if node.id not in way_out:
            problem(
                f"node {node.id!r}: no end node and no other workflow can be reached from here "
                "(a loop with no way out)",
                node.line,
            )


def _reachable(starts: list[str], edges: dict[str, list[str]]) -> set[str]:
    """The nodes reached from any of ``starts`` by following ``edges`` (node id → node ids);
    targets that are not nodes are left out."""
    reached = set(starts)
    queue = deque(starts)
    while queue:
        for following in edges[queue.popleft()]:
            if following in edges and following not in reached:
                reached.add(following)
                queue.append(following)
    return reached


def workflow_problems(page: SourcePage, *, partners: Collection[str]) -> list[SourceError]:
    """What keeps a source page from being a workflow, each naming its node and line."""
    return list(workflow_parsed(page.slug, page.units, partners=partners, path=page.path).problems)


def workflow_tree_problems(
    pages: Sequence[SourcePage], *, partners: Collection[str]
) -> list[SourceError]:
    """Rules between files: every ``workflow:`` answer leads to a workflow in the tree."""
    workflows = {page.slug for page in pages if page.kind == "workflow"}
    problems = []
    for page in pages:
        if page.kind != "workflow":
            continue
        parsed = workflow_parsed(page.slug, page.units, partners=partners, path=page.path)
        for node in parsed.workflow.nodes:
            for answer in node.answers:
                if answer.kind == "workflow" and answer.target not in workflows:
                    problems.append(
                        SourceError(
                            f"node {node.id!r}: the answer {answer.label!r} leads to "
                            f"{answer.target!r}, which is not a workflow page",
                            path=page.path,
                            line=max(answer.line, 1),
                        )
                    )
    return problems
