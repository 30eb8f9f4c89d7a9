"""Driving a real `python -m rightsdesk serve` over HTTP, as a browser without JavaScript would."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RIGHTSDESK_", "DATABASE_"))}
    env.update(
        RIGHTSDESK_DATA_DIR=str(data_dir),
        RIGHTSDESK_WEB_WORKERS="1",
        RIGHTSDESK_WEB_THREADS="4",
        DJANGO_SETTINGS_MODULE="rightsdesk.settings",
        **extra,
    )
    return env


@dataclass
class LiveServer:
    data_dir: Path
    log: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as handle:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "rightsdesk", "serve", "--port", str(self.port)],
                env=server_environment(self.data_dir, **self.extra_env),
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.2)
        raise AssertionError("server did not start:\n" + self.log.read_text(errors="replace"))

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup, as a power cut would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """Cookies, CSRF tokens and redirects, and nothing else: no JavaScript."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.csrf = ""

    def get(self, path: str, *, timeout: float = 30) -> str:
        with self.opener.open(self.base + path, timeout=timeout) as response:
            html: str = response.read().decode("utf-8")
        found = CSRF_FIELD.search(html)
        if found:
            self.csrf = found.group(1)
        return html

    def post(self, path: str, data: dict[str, Any], *, timeout: float = 30) -> str:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}, doseq=True)
        request = urllib.request.Request(
            self.base + path,
            data=body.encode(),
            headers={"Referer": self.base + path, "Origin": self.base},
        )
        with self.opener.open(request, timeout=timeout) as response:
            html: str = response.read().decode("utf-8")
        found = CSRF_FIELD.search(html)
        if found:
            self.csrf = found.group(1)
        return html

    def upload(self, path: str, files: list[tuple[str, bytes]], *, timeout: float = 60) -> str:
        """A multipart form post with files, as the evidence step sends it."""
        boundary = f"----rightsdesk{uuid.uuid4().hex}"
        parts = []
        for name, value in (("csrfmiddlewaretoken", self.csrf), ("upload", "1")):
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"{head}{value}\r\n".encode())
        for filename, content in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            self.base + path,
            data=b"".join(parts),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + path,
                "Origin": self.base,
            },
        )
        with self.opener.open(request, timeout=timeout) as response:
            html: str = response.read().decode("utf-8")
        return html

    def fill_report(
        self,
        *,
        language: str,
        narrative: str,
        extra: dict[str, str] | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> None:
        """Everything up to (not including) sending."""
        base = f"/{language}/report/"
        self.get(base)
        self.post(base, {})
        self.post(base + "danger/", {"danger": "no", "next": "1"})
        self.post(base + "scope/", {"scope": "threat", "next": "1"})
        self.post(
            base + "what/",
            {"category": "harassment", "what_happened": narrative, "next": "1", **(extra or {})},
        )
        if files:
            self.upload(base + "evidence/", files)
        self.post(
            base + "contact/",
            {
                "contact_method": "email",
                "contact_value": (extra or {}).get("contact", "someone@example.org"),
                "preferred_language": language,
                "consent": "ask",
                "next": "1",
            },
        )
        self.get(base + "review/")


def receipt_in(html: str) -> str:
    found = re.search(r'<p class="receipt" dir="ltr">([^<]+)</p>', html)
    assert found, html[:2000]
    return found.group(1)
