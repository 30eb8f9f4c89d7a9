"""Small workflows for the tests, written in the grammar authors use."""

from __future__ import annotations

from typing import Any

from rightsdesk.content.models import Page
from rightsdesk.content.source import SourcePage, parse_source
from tests.content.pages import make_page, page_source

# Three nodes: a question, a step with a way back, and an end node with partner services.
SMALL = """
    <!--T:1-->
    ## Where did it appear? {#start}

    <!--T:2-->
    Take a breath. We go through this together.

    <!--T:3-->
    - [On a wiki page](#on-wiki)
    - [My account was taken over as well](workflow:account-lost)

    <!--T:4-->
    ## Ask for the edits to be hidden {#on-wiki}

    <!--T:5-->
    Write to the oversighters privately; do not repeat the information on the wiki.

    <!--T:6-->
    - [Done](#done)
    - [Start from the beginning](#start)

    <!--T:7-->
    ## You are not alone {#done}

    <!--T:8-->
    The team can help you with the next steps.

    <!--T:9-->
    - [Find legal help](partners:legal-aid)
    - [Talk to someone](partners:psychosocial-support)
    """

OTHER = """
    <!--T:1-->
    ## Can you still sign in? {#start}

    <!--T:2-->
    - [Yes](#secured)
    - [No](#secured)

    <!--T:3-->
    ## Change your password {#secured}

    <!--T:4-->
    Then turn on two-factor authentication.
    """


def workflow_source(
    body: str, *, slug: str = "doxxed", path: str = "", **meta: object
) -> SourcePage:
    front = {"title": "I am being doxxed", "kind": "workflow", **meta}
    return parse_source(page_source(body, **front), slug=slug, path=path)


def make_workflow(
    slug: str = "doxxed", body: str = SMALL, *, title: str = "I am being doxxed", **meta: Any
) -> Page:
    return make_page(slug, body, title=title, kind="workflow", **meta)
