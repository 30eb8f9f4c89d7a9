"""The way a reader took through a workflow, carried in the address (``?path=start.on-wiki``).

The server keeps nothing of it: the path lives in the links the reader follows. Because anyone
can type an address, a path is trusted only as far as it is a real walk from the start: each
node must offer an answer leading to the next, and the last to the node being read. What
follows the first broken step is dropped. Framework-free, like the grammar.
"""

from __future__ import annotations

from dataclasses import dataclass

from rightsdesk.safety.workflows.grammar import Answer, Node, Workflow

SEPARATOR = "."
# Longer walks are not recorded any further: the note for the team would be unreadable anyway.
MAX_STEPS = 40
Path = tuple[str, ...]


def path_parse(raw: str, workflow: Workflow, current: Node) -> Path:
    """The longest prefix of ``raw`` that is a real walk from the start to ``current``."""
    start = workflow.start
    if not raw or start is None:
        return ()
    walk: list[Node] = []
    # maxsplit bounds the work a long, typed-in address can cause.
    for node_id in raw.split(SEPARATOR, MAX_STEPS)[:MAX_STEPS]:
        node = workflow.node(node_id)
        if node is None:
            break
        if not walk and node is not start:
            break
        if walk and not walk[-1].answers_to(node.id):
            break
        walk.append(node)
    while walk and not walk[-1].answers_to(current.id):
        walk.pop()
    return tuple(node.id for node in walk)


def path_extended(path: Path, current: Node) -> Path:
    """The path an answer of ``current`` carries on; empty once the walk is too long to
    record."""
    extended = (*path, current.id)
    return extended if len(extended) <= MAX_STEPS else ()


def path_value(path: Path) -> str:
    return SEPARATOR.join(path)


@dataclass(frozen=True)
class Step:
    node: Node
    # The answer chosen there; None for the node the walk ends on.
    answer: Answer | None


def path_steps(workflow: Workflow, path: Path, current: Node) -> list[Step]:
    """Each node of a (valid) path with the answer that led on from it, then ``current``."""
    nodes = [node for node in (workflow.node(node_id) for node_id in path) if node is not None]
    steps = []
    for index, node in enumerate(nodes):
        following = nodes[index + 1] if index + 1 < len(nodes) else current
        answers = node.answers_to(following.id)
        steps.append(Step(node=node, answer=answers[0] if answers else None))
    steps.append(Step(node=current, answer=None))
    return steps
