"""Reads about the running system, for /healthz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.utils import timezone

from rightsdesk.core.models import WorkerHeartbeat


@dataclass(frozen=True)
class Health:
    database_ok: bool
    migrations_pending: int | None
    worker_heartbeat_age: float | None
    worker_stale_after: float

    @property
    def healthy(self) -> bool:
        return self.database_ok and self.migrations_pending == 0

    @property
    def worker_ok(self) -> bool:
        age = self.worker_heartbeat_age
        return age is not None and age <= self.worker_stale_after


def system_health(*, now: datetime | None = None, heartbeat_seconds: int) -> Health:
    now = now or timezone.now()
    stale_after = float(heartbeat_seconds * 3)
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Health(False, None, None, stale_after)
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        last_seen = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    except DatabaseError:
        return Health(True, None, None, stale_after)
    age = None if last_seen is None else max(0.0, (now - last_seen).total_seconds())
    return Health(True, pending, age, stale_after)
