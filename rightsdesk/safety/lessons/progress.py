"""Progress through the lessons, kept in the reader's browser and nowhere else.

A cookie holds, for each lesson, which checklist items the reader ticked (a bit per item):
``passwords-beginner:5.doxxing-beginner:31``. The server reads it to show ticks and progress and
never stores it; without an account there is nothing else to keep it in, and with JavaScript off
a cookie is the only place a browser keeps anything. Whatever the cookie holds is treated as
untrusted input: entries that do not parse are dropped, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "safety_progress"
MAX_AGE = 365 * 24 * 60 * 60
MAX_LESSONS = 64
MAX_ITEMS = 16
ENTRY = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*):([0-9]{1,5})$")


def progress_read(request: HttpRequest) -> dict[str, frozenset[int]]:
    """Lesson slug → indexes (0-based) of the ticked checklist items."""
    progress: dict[str, frozenset[int]] = {}
    for entry in request.COOKIES.get(COOKIE, "").split(".")[:MAX_LESSONS]:
        match = ENTRY.match(entry)
        if match is None:
            continue
        bits = int(match.group(2))
        progress[match.group(1)] = frozenset(i for i in range(MAX_ITEMS) if bits >> i & 1)
    return progress


def progress_encode(progress: Mapping[str, Iterable[int]]) -> str:
    entries = []
    for slug, ticked in sorted(progress.items()):
        bits = sum(1 << index for index in set(ticked) if 0 <= index < MAX_ITEMS)
        if bits and ENTRY.match(f"{slug}:{bits}"):
            entries.append(f"{slug}:{bits}")
    return ".".join(entries[:MAX_LESSONS])


def progress_write(response: HttpResponse, progress: Mapping[str, Iterable[int]]) -> None:
    value = progress_encode(progress)
    if not value:
        progress_forget(response)
        return
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def progress_forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")
