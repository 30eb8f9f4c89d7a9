"""The time as rightsdesk sees it.

Deadlines, escalations and retention all ask this module, never ``datetime.now`` directly, so
that a test can set the time (or pass ``now=`` to a service) instead of waiting for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(tz=UTC)


class Every:
    """Says a periodic job is due at most once per ``seconds`` in this process.

    The worker calls its maintenance jobs with every heartbeat (about every ten seconds); a job
    that needs to run less often asks one of these first. The first call is always due, so a
    freshly started worker catches up at once.
    """

    def __init__(self, seconds: float, *, timer: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.timer = timer
        self.last: float | None = None

    def due(self) -> bool:
        moment = self.timer()
        if self.last is not None and moment - self.last < self.seconds:
            return False
        self.last = moment
        return True
