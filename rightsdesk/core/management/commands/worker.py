from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from rightsdesk.core.services import worker_heartbeat_record

logger = logging.getLogger("rightsdesk.worker")


def _beat_until(stop: threading.Event, worker_id: str, interval: float) -> None:
    maintenance = [import_string(path) for path in settings.WORKER_MAINTENANCE]
    while not stop.is_set():
        try:
            worker_heartbeat_record(worker_id=worker_id)
        except DatabaseError:
            logger.warning("could not record the worker heartbeat")
        finally:
            close_old_connections()
        for job in maintenance:
            try:
                job()
            except Exception:
                logger.exception("maintenance job %s failed", job.__name__)
        stop.wait(interval)
    connection.close()


class Command(BaseCommand):
    help = "Run the background task worker (started by 'serve'; run it alone in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--queue-name", default="*")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{get_random_string(12)}"
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat_until,
            args=(stop, worker_id, settings.WORKER_HEARTBEAT_SECONDS),
            name="heartbeat",
            daemon=True,
        )
        beat.start()
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            beat.join(timeout=5)
