"""Background work for notifications, run by the task worker."""

from __future__ import annotations

from django.tasks import task

from rightsdesk.notifications.services import outbox_deliver


@task
def outbox_deliver_due() -> int:
    """Deliver queued mail now rather than at the next worker heartbeat (see services)."""
    return outbox_deliver()
