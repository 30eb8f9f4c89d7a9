"""``serve``: migrate, then run the web server and the task worker side by side.

Both run as child processes. SIGTERM or SIGINT stops both cleanly; if one of them dies, the other
is stopped too and ``serve`` exits non-zero, so that systemd or a container runtime notices.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

STOP_GRACE_SECONDS = 25


class Command(BaseCommand):
    help = "Apply migrations and serve rightsdesk (web server and task worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Run the web server only.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:rightsdesk.core.gunicorn_conf",
            "--bind",
            bind,
        ]
        children = {"web server": subprocess.Popen(web)}
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "rightsdesk", "worker"]
            children["task worker"] = subprocess.Popen(worker)
        self.stdout.write(f"rightsdesk is serving on http://{bind}/ (stop with Ctrl+C)")
        self.stdout.flush()

        stopping = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

        failed = None
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = name
                    stopping = True
                    break
            time.sleep(0.2)

        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if failed:
            self.stderr.write(f"rightsdesk: the {failed} stopped unexpectedly; stopped everything")
            raise SystemExit(1)
        self.stdout.write("rightsdesk stopped.")
