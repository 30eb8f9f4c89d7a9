"""State changes owned by the core app."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from rightsdesk.core.models import WorkerHeartbeat


def worker_heartbeat_record(*, worker_id: str, now: datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": now or timezone.now()}
    )
