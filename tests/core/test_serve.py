"""The real server: `python -m rightsdesk serve` as an operator runs it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

CLIENT_ADDRESS = "127.0.0.77"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RIGHTSDESK_", "DATABASE_"))}
    env.update(
        RIGHTSDESK_DATA_DIR=str(data_dir),
        RIGHTSDESK_WEB_WORKERS="1",
        RIGHTSDESK_WEB_THREADS="2",
        DJANGO_SETTINGS_MODULE="rightsdesk.settings",
    )
    return env


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    log: Path

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(CLIENT_ADDRESS, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_until_healthy(server: Server, *, worker: bool, seconds: float = 40) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.output()
        try:
            status, body = server.request("GET", "/healthz")
        except OSError:
            time.sleep(0.3)
            continue
        last = json.loads(body)
        if status == 200 and (not worker or last["worker"]["status"] == "ok"):
            return last
        time.sleep(0.3)
    raise AssertionError(f"not healthy in time: {last}\n{server.output()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "rightsdesk", "serve", "--port", str(port)],
            env=server_environment(tmp_path / "data"),
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
        )
    running = Server(process, port, log)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_runs_web_and_worker_and_stops_cleanly_on_sigterm(server: Server):
    health = wait_until_healthy(server, worker=True)
    assert health["status"] == "ok"
    assert health["migrations"] == "applied"
    status, body = server.request("GET", "/fa/")
    assert status == 200
    assert b'dir="rtl"' in body
    children = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert len(children) == 2

    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=40) == 0
    assert "rightsdesk stopped." in server.output()
    for pid in children:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )


def test_no_client_address_user_agent_or_body_reaches_the_logs(server: Server):
    wait_until_healthy(server, worker=False)
    headers = {
        "User-Agent": "CanaryAgent/9.9",
        "X-Forwarded-For": "198.51.100.23",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    server.request("GET", "/en/", headers=headers)
    server.request("GET", "/en/missing-page-for-log-test/", headers=headers)
    server.request(
        "POST",
        "/en/staff/sign-in/",
        body="username=canary-user&password=canary-password&code=123456",
        headers=headers,
    )
    server.request("POST", "/en/staff/sign-in/", body="x" * 2_000_000, headers=headers)
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=40)
    output = server.output()
    assert "Not Found" in output or "Forbidden" in output  # the server did log something
    for secret in [
        CLIENT_ADDRESS,
        "198.51.100.23",
        "CanaryAgent",
        "canary-password",
        "canary-user",
    ]:
        assert secret not in output


@pytest.mark.parametrize(
    ("data_dir", "message"),
    [
        ("missing/deeper", "does not exist"),
        ("a-file", "is not a directory"),
    ],
)
def test_a_bad_data_dir_is_explained_in_one_line(tmp_path: Path, data_dir: str, message: str):
    (tmp_path / "a-file").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "rightsdesk", "serve"],
        env=server_environment(tmp_path / data_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert lines[0].startswith("rightsdesk: data directory")


def test_serve_stops_everything_when_a_child_dies(server: Server):
    wait_until_healthy(server, worker=True)
    children = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    worker = next(pid for pid in children if "worker" in Path(f"/proc/{pid}/cmdline").read_text())
    os.kill(int(worker), signal.SIGKILL)
    assert server.process.wait(timeout=40) == 1
    assert "the task worker stopped unexpectedly; stopped everything" in server.output()
