"""The emergency workflows: a list, one page per node, and "Ask the team" at the end.

The way a reader took travels in the address (``?path=start.on-wiki``) and in the links they
follow, never on the server: it is not stored, not logged, and a page whose address carries one
is neither kept in the shared page cache (whose keys would then hold people's walks in memory)
nor in the browser's cache (``no-store``). Pages without a path are the same for everyone and
are cached like any public page.

"Ask the team" starts the confidential report. Only when the reader ticks the box do the steps
they took go into the report's description, where they read and change them before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rightsdesk.content.rendering import render_page
from rightsdesk.content.views import page_context, reader_language
from rightsdesk.core.page_cache import cached_public_page, kept_private
from rightsdesk.intake.views import report_open
from rightsdesk.safety.workflows.forms import AskTeamForm
from rightsdesk.safety.workflows.grammar import Node, Workflow
from rightsdesk.safety.workflows.partners import PartnerOffer, partner_offer
from rightsdesk.safety.workflows.paths import Path, path_extended, path_parse, path_value
from rightsdesk.safety.workflows.reading import (
    LoadedWorkflow,
    ShownAnswer,
    WorkflowReader,
    workflow_load,
    workflow_page,
    workflow_pages,
)

PATH_PARAMETER = "path"


@require_GET
@cached_public_page
def emergencies(request: HttpRequest) -> HttpResponse:
    language = reader_language()
    workflows = [render_page(page, language) for page in workflow_pages()]
    return render(request, "safety/workflows/list.html", {"workflows": workflows})


def node_url(workflow: Workflow, node_id: str, path: Path = ()) -> str:
    """The address of a node, carrying ``path``; the start node is the workflow's own address."""
    start = workflow.start
    if start is not None and node_id == start.id:
        url = reverse("safety:workflow", kwargs={"slug": workflow.slug})
    else:
        url = reverse("safety:workflow-node", kwargs={"slug": workflow.slug, "node": node_id})
    return f"{url}?{urlencode({PATH_PARAMETER: path_value(path)})}" if path else url


@dataclass(frozen=True)
class AnswerLink:
    shown: ShownAnswer
    # None when the answer leads nowhere (a node that is gone).
    url: str | None


@dataclass(frozen=True)
class PartnerLink:
    shown: ShownAnswer
    offer: PartnerOffer


def _answer_url(workflow: Workflow, answer_kind: str, target: str, path: Path) -> str | None:
    if answer_kind == "node":
        return node_url(workflow, target, path) if workflow.node(target) else None
    return reverse("safety:workflow", kwargs={"slug": target})


def _loaded(slug: str) -> LoadedWorkflow:
    page = workflow_page(slug)
    if page is None:
        raise Http404(slug)
    return workflow_load(page)


def _node_page(request: HttpRequest, loaded: LoadedWorkflow, node: Node) -> HttpResponse:
    workflow = loaded.workflow
    path = path_parse(request.GET.get(PATH_PARAMETER, ""), workflow, node)
    reader = WorkflowReader(loaded, reader_language())
    shown = reader.node(node)
    onward = path_extended(path, node)
    answers, partners = [], []
    for item in shown.answers:
        if item.answer.kind == "partners":
            offer = partner_offer(item.answer.target)
            if offer is not None:
                partners.append(PartnerLink(shown=item, offer=offer))
        else:
            url = _answer_url(workflow, item.answer.kind, item.answer.target, onward)
            answers.append(AnswerLink(shown=item, url=url))
    context: dict[str, Any] = page_context(request, loaded.page, reader.rendered)
    context |= {
        "workflow": workflow,
        "shown": shown,
        "answers": answers,
        "partners": partners,
        "is_start": node is workflow.start,
        "back_url": node_url(workflow, path[-1], path[:-1]) if path else None,
        "start_url": node_url(workflow, workflow.start.id) if workflow.start else None,
        "has_path": bool(request.GET),
    }
    if node.is_end:
        context["ask_form"] = AskTeamForm(initial={"path": path_value(path)})
        context["ask_url"] = reverse(
            "safety:workflow-ask", kwargs={"slug": workflow.slug, "node": node.id}
        )
    response = render(request, "safety/workflows/node.html", context)
    return kept_private(response) if request.GET else response


def _node_response(request: HttpRequest, slug: str, node: str | None) -> HttpResponse:
    loaded = _loaded(slug)
    workflow, start = loaded.workflow, loaded.workflow.start
    if node is not None and start is not None and node == start.id:
        # One address per node: the start is read at the workflow's own address.
        path = path_parse(request.GET.get(PATH_PARAMETER, ""), workflow, start)
        return HttpResponseRedirect(node_url(workflow, start.id, path))
    found = start if node is None else workflow.node(node)
    if found is None:
        raise Http404(node)
    return _node_page(request, loaded, found)


_shared_node_response = cached_public_page(_node_response)


def _node_view(request: HttpRequest, slug: str, node: str | None) -> HttpResponse:
    # Any query string (a path, or anything else typed in) keeps the page out of the shared
    # cache: its key would hold what the reader chose.
    if request.GET:
        return _node_response(request, slug, node)
    return _shared_node_response(request, slug, node)


@require_GET
def workflow_start(request: HttpRequest, slug: str) -> HttpResponse:
    return _node_view(request, slug, None)


@require_GET
def workflow_node(request: HttpRequest, slug: str, node: str) -> HttpResponse:
    return _node_view(request, slug, node)


@never_cache
@require_POST
def workflow_ask(request: HttpRequest, slug: str, node: str) -> HttpResponse:
    """Open the confidential report from an end node; with the reader's consent, its
    description starts with the steps they took."""
    loaded = _loaded(slug)
    found = loaded.workflow.node(node)
    if found is None or not found.is_end:
        raise Http404(node)
    form = AskTeamForm(request.POST)
    note = ""
    if form.is_valid() and form.cleaned_data["include_steps"]:
        path = path_parse(form.cleaned_data["path"], loaded.workflow, found)
        note = WorkflowReader(loaded, reader_language()).report_note(path, found)
    return report_open(request, note=note)
