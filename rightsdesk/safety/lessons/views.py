"""The learning modules: the centre's home, topics, lessons, and the reader's own progress.

Progress lives in a cookie in the reader's browser (see ``progress``). Pages are the same for
everyone until a reader ticks something; from then on that reader's pages show their ticks and
are not kept in the shared page cache (it serves only visitors without such a cookie).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from rightsdesk.content.models import Page
from rightsdesk.content.rendering import RenderedPage, render_page
from rightsdesk.content.views import page_context, reader_language
from rightsdesk.core.page_cache import cached_public_page
from rightsdesk.safety.lessons.progress import (
    MAX_ITEMS,
    progress_forget,
    progress_read,
    progress_write,
)
from rightsdesk.safety.lessons.reading import (
    checklist_length,
    lesson_get,
    lessons_of,
    level_label,
    render_lesson,
    topic_get,
    topics_published,
)


@dataclass(frozen=True)
class LessonEntry:
    page: Page
    rendered: RenderedPage
    level: str
    ticked: int
    items: int

    @property
    def done(self) -> bool:
        return self.items > 0 and self.ticked >= self.items

    @property
    def level_label(self) -> str:
        return level_label(self.level)


@dataclass(frozen=True)
class TopicEntry:
    page: Page
    rendered: RenderedPage
    lessons: tuple[LessonEntry, ...]

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.done)


def _topic_entry(page: Page, language: str, progress: dict[str, frozenset[int]]) -> TopicEntry:
    lessons = tuple(
        LessonEntry(
            page=lesson,
            rendered=render_page(lesson, language),
            level=str(lesson.details.get("level", "")),
            ticked=len(progress.get(lesson.slug, ())),
            items=checklist_length(lesson) if lesson.slug in progress else 0,
        )
        for lesson in lessons_of(page.slug)
    )
    return TopicEntry(page=page, rendered=render_page(page, language), lessons=lessons)


@require_GET
@cached_public_page
def index(request: HttpRequest) -> HttpResponse:
    """The safety centre's home: learn, check yourself, get help in an emergency."""
    language = reader_language()
    topics = [render_page(page, language) for page in topics_published()]
    return render(request, "safety/index.html", {"topics": topics})


@require_GET
@cached_public_page
def learn(request: HttpRequest) -> HttpResponse:
    language = reader_language()
    progress = progress_read(request)
    topics = [_topic_entry(page, language, progress) for page in topics_published()]
    return render(
        request,
        "safety/lessons/learn.html",
        {"topics": topics, "has_progress": bool(progress), "forgotten": "forgotten" in request.GET},
    )


@require_GET
@cached_public_page
def topic(request: HttpRequest, topic: str) -> HttpResponse:
    page = topic_get(topic)
    if page is None:
        raise Http404(topic)
    entry = _topic_entry(page, reader_language(), progress_read(request))
    return render(request, "safety/lessons/topic.html", {"topic": entry})


@require_GET
@cached_public_page
def lesson(request: HttpRequest, topic: str, level: str) -> HttpResponse:
    page = lesson_get(topic, level)
    topic_page = topic_get(topic)
    if page is None or topic_page is None:
        raise Http404(f"{topic}/{level}")
    language = reader_language()
    rendered = render_lesson(page, language)
    siblings = [other for other in lessons_of(topic) if other.pk != page.pk]
    context = page_context(request, page, rendered.page) | {
        "lesson": rendered,
        "topic": render_page(topic_page, language),
        "level_label": level_label(level),
        "siblings": [
            (level_label(str(other.details.get("level", ""))), other, render_page(other, language))
            for other in siblings
        ],
        "ticked": progress_read(request).get(page.slug, frozenset()),
        "saved": "saved" in request.GET,
    }
    return render(request, "safety/lessons/lesson.html", context)


@require_POST
def lesson_progress(request: HttpRequest, topic: str, level: str) -> HttpResponse:
    """Remember which checklist items the reader ticked, in their browser only."""
    page = lesson_get(topic, level)
    if page is None:
        raise Http404(f"{topic}/{level}")
    ticked = {
        int(value)
        for value in request.POST.getlist("item")
        if value.isdigit() and int(value) < MAX_ITEMS
    }
    progress = dict(progress_read(request))
    progress[page.slug] = frozenset(ticked)
    target = reverse("safety:lesson", kwargs={"topic": topic, "level": level})
    response = HttpResponseRedirect(f"{target}?saved=1#checklist", status=303)
    progress_write(response, progress)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def progress_reset(request: HttpRequest) -> HttpResponse:
    """Forget every tick this browser kept."""
    response = HttpResponseRedirect(f"{reverse('safety:learn')}?forgotten=1", status=303)
    progress_forget(response)
    response["Cache-Control"] = "no-store"
    return response
