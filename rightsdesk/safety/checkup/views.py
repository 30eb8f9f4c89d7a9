"""The self-check: statements level by level, then a ranked personal plan.

Answers are never stored, logged or put in a URL. Each step is a POST whose hidden fields carry
the answers so far; the plan is the response to the last step. The plan page's link carries the
plan's action codes only. Every page here is marked no-store and noindex.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rightsdesk.core.page_cache import kept_private
from rightsdesk.safety.checkup.definition import CHECKUP
from rightsdesk.safety.checkup.expressions import Answer
from rightsdesk.safety.checkup.forms import LevelForm
from rightsdesk.safety.checkup.plan import (
    ANSWER_PREFIX,
    Plan,
    answers_read,
    asked,
    next_level,
    plan_decode,
    plan_from_answers,
)
from rightsdesk.safety.checkup.structure import Level
from rightsdesk.safety.checkup.topics import lesson_links

CHANGE = "change"


def _hidden(answers: Mapping[str, Answer], shown: Collection[str] = ()) -> list[tuple[str, str]]:
    """The answers to carry in hidden fields: all but those of the statements ``shown`` in the
    page's own form."""
    return [
        (f"{ANSWER_PREFIX}{statement_id}", answer.value)
        for statement_id, answer in answers.items()
        if statement_id not in shown
    ]


def _level_page(
    request: HttpRequest,
    level: Level,
    answers: Mapping[str, Answer],
    *,
    form: LevelForm | None = None,
    ignored: int = 0,
) -> HttpResponse:
    statements = asked(CHECKUP, level, answers)
    if form is None:
        chosen = {s.id: answers[s.id].value for s in statements if s.id in answers}
        form = LevelForm(statements, initial=chosen)
    context = {
        "level": level,
        "levels": len(CHECKUP.levels),
        "form": form,
        "hidden": _hidden(answers, form.fields),
        "ignored": ignored,
        "first_visit": request.method == "GET",
    }
    return kept_private(render(request, "safety/checkup/level.html", context))


def _plan_page(request: HttpRequest, plan: Plan, **context: Any) -> HttpResponse:
    context |= {
        "plan": plan,
        "groups": [
            {
                "area": group.area,
                "start": group.start,
                "steps": [(step, lesson_links(step.action)) for step in group.steps],
            }
            for group in plan.areas
        ],
        "plan_url": f"{reverse('safety:checkup-plan')}?plan={plan.code}" if plan else "",
        "lessons_url": reverse("safety:learn"),
    }
    return kept_private(render(request, "safety/checkup/plan.html", context))


@require_http_methods(["GET", "POST"])
def checkup(request: HttpRequest) -> HttpResponse:
    first = CHECKUP.levels[0]
    if request.method == "GET":
        return _level_page(request, first, {})
    posted = answers_read(CHECKUP, request.POST)
    answers = posted.answers
    if request.POST.get("go") == CHANGE:
        return _level_page(request, first, answers, ignored=posted.ignored)
    level = next((lv for lv in CHECKUP.levels if str(lv.number) == request.POST.get("level")), None)
    if level is None:
        # No level or a made-up one: start from the beginning, keeping what can be read.
        return _level_page(request, first, answers, ignored=posted.ignored)
    form = LevelForm(asked(CHECKUP, level, answers), data=request.POST)
    if not form.is_valid():
        return _level_page(request, level, answers, form=form, ignored=posted.ignored)
    answers |= form.answers()
    following = next_level(CHECKUP, answers, level.number)
    if following is not None:
        return _level_page(request, following, answers, ignored=posted.ignored)
    plan = plan_from_answers(CHECKUP, answers)
    return _plan_page(request, plan, hidden=_hidden(answers), ignored=posted.ignored)


@require_GET
def checkup_plan(request: HttpRequest) -> HttpResponse:
    decoded = plan_decode(CHECKUP, request.GET.get("plan", ""))
    return _plan_page(request, decoded.plan, ignored=decoded.ignored, from_link=True)
