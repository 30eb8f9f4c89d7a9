"""Throughput and latency of rightsdesk's public pages, measured against a trivial Django view.

Requests per second on their own say more about the machine than about rightsdesk. So the same run
also serves a do-nothing Django view (bench/trivial_app.py) with the same gunicorn worker class,
workers and threads, and reports each page's throughput as a fraction of that baseline. The goal
for a public page is at least half the baseline's throughput with a 95th-percentile latency under
50 ms, at 50 concurrent keep-alive clients.

rightsdesk runs exactly as in production: ``python -m rightsdesk serve`` (migrations, gunicorn and
the task worker) without DATABASE_URL and without any RIGHTSDESK_* variable but the two that size
gunicorn (RIGHTSDESK_WEB_WORKERS, RIGHTSDESK_WEB_THREADS): DEBUG off, SQLite in a fresh temporary
data directory. Only the loopback interface is used. The load comes from wrk when it
is installed and otherwise from a small asyncio client built in here; the report says which.

This prints figures and never fails on speed: the exit status is non-zero only when a server
cannot be started or the run is interrupted. Run from the repository root:

    .venv/bin/python bench/pages.py [--seconds 10] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from urllib.parse import urljoin, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GOAL_RATIO = 0.5
GOAL_P95_MS = 50.0
# Migrations on a fresh SQLite database come first; a slow disk can take a while.
START_TIMEOUT_S = 120.0
# serve gives gunicorn and the task worker 25 s to finish; leave room on top of that.
STOP_TIMEOUT_S = 40.0
# A request slower than this counts as an error rather than stalling a client for the whole run.
REQUEST_TIMEOUT_S = 10.0
# One event loop keeps up with a few thousand requests/s and leaves the two cores to the servers.
LOAD_THREADS = 1
# Environment variables that size the server; every other RIGHTSDESK_* setting is dropped so the
# run always uses production defaults, whatever the calling shell has set.
SIZE_VARIABLES = ("RIGHTSDESK_WEB_WORKERS", "RIGHTSDESK_WEB_THREADS")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

WRK_SCRIPT = """\
-- Counts answers other than 200 in each thread; done() adds them up and prints one line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.1f p95_us=%.1f non200=%d socket_errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    bad, e.connect + e.read + e.write + e.timeout))
end
"""


class BenchError(Exception):
    """The run cannot go on (a server did not start, wrk failed); the message says why."""


@dataclass(frozen=True)
class Target:
    """One URL to load; ``weigh`` marks the rightsdesk pages whose weight is reported."""

    name: str
    port: int
    path: str
    weigh: bool


@dataclass(frozen=True)
class LoadResult:
    """What one timed run measured; latencies are of completed requests only."""

    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class PageWeight:
    """Uncompressed bytes a first visit downloads: the HTML and the stylesheets it links."""

    html: int
    css: int
    stylesheets: int

    @property
    def total(self) -> int:
        return self.html + self.css


@dataclass(frozen=True)
class GunicornSettings:
    """The settings the baseline must share with rightsdesk for the ratio to mean anything."""

    worker_class: str
    workers: int
    threads: int
    keepalive: int
    timeout: int
    graceful_timeout: int


@dataclass
class Tally:
    """Shared by the asyncio clients; one event loop, so no lock is needed."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


# --- servers -------------------------------------------------------------------------------


class Server:
    """A child process in its own session, so Ctrl+C reaches only this script, which then stops
    the child with SIGTERM as an operator would."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                self.argv,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        """SIGTERM and wait; SIGKILL the child's own process group only if it hangs."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            sys.stderr.write(
                f"{self.name} did not stop within {STOP_TIMEOUT_S:.0f} s; killing it\n"
            )
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def free_ports(count: int) -> list[int]:
    """Ports the kernel just called free, all held at once so that they differ.

    The servers bind them a moment later; on a loopback-only run nothing else takes them meanwhile.
    """
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((HOST, 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def gunicorn_settings() -> GunicornSettings:
    """Read from rightsdesk's own gunicorn config, so the baseline follows any change to it."""
    from rightsdesk.core import gunicorn_conf

    return GunicornSettings(
        worker_class=gunicorn_conf.worker_class,
        workers=gunicorn_conf.workers,
        threads=gunicorn_conf.threads,
        keepalive=gunicorn_conf.keepalive,
        timeout=gunicorn_conf.timeout,
        graceful_timeout=gunicorn_conf.graceful_timeout,
    )


def production_env(data_dir: Path) -> dict[str, str]:
    """The calling environment minus anything that would steer rightsdesk away from defaults."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RIGHTSDESK_") or name in SIZE_VARIABLES
    }
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env["RIGHTSDESK_DATA_DIR"] = str(data_dir)
    return env


def rightsdesk_server(port: int, workdir: Path) -> Server:
    """The production entry point, so migrations, the task worker and the real config all run."""
    argv = [sys.executable, "-m", "rightsdesk", "serve", "--host", HOST, "--port", str(port)]
    env = production_env(workdir / "data")
    return Server("rightsdesk", argv, env, workdir / "rightsdesk.log")


def trivial_server(port: int, workdir: Path, gunicorn: GunicornSettings) -> Server:
    """Flags rather than rightsdesk's config module, whose wsgi_app and logger are its own."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.trivial_app:application",
        "--chdir",
        str(REPO_ROOT),
        "--worker-class",
        gunicorn.worker_class,
        "--workers",
        str(gunicorn.workers),
        "--threads",
        str(gunicorn.threads),
        "--keep-alive",
        str(gunicorn.keepalive),
        "--timeout",
        str(gunicorn.timeout),
        "--graceful-timeout",
        str(gunicorn.graceful_timeout),
        "--no-control-socket",
        "--bind",
        f"{HOST}:{port}",
    ]
    env = production_env(workdir / "data")
    return Server("trivial view", argv, env, workdir / "trivial.log")


def wait_until_ready(server: Server, port: int, path: str) -> None:
    """Poll until the server answers 200, failing early if its process has already died."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.exited():
            raise BenchError(f"{server.name} exited while starting:\n{server.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _ = http_get(port, path)
            if status == 200:
                return
        time.sleep(0.2)
    raise BenchError(f"{server.name} did not answer {path} in time:\n{server.log_tail()}")


# --- page weight ---------------------------------------------------------------------------


class StylesheetLinks(HTMLParser):
    """Collects the href of every <link rel="stylesheet">, which a browser fetches at once."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = (values.get("rel") or "").lower().split()
        href = values.get("href")
        if tag == "link" and "stylesheet" in rel and href:
            self.hrefs.append(href)


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """One plain GET without Accept-Encoding, so the body is the uncompressed size."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def page_weight(port: int, path: str) -> PageWeight:
    """What a first visitor on a slow connection waits for before the page can be drawn."""
    status, html = http_get(port, path)
    if status != 200:
        raise BenchError(f"{path} answered {status}; cannot weigh it")
    parser = StylesheetLinks()
    parser.feed(html.decode("utf-8", errors="replace"))
    css = 0
    for href in parser.hrefs:
        url = urlsplit(urljoin(path, href))
        if url.netloc:
            continue  # Another host's file is not this server's weight (and is not fetched).
        status, body = http_get(port, url.path + (f"?{url.query}" if url.query else ""))
        if status != 200:
            raise BenchError(f"stylesheet {href} linked from {path} answered {status}")
        css += len(body)
    return PageWeight(html=len(html), css=css, stylesheets=len(parser.hrefs))


# --- load generators -----------------------------------------------------------------------


def find_wrk() -> str | None:
    """Debian's wrk lives in /usr/bin, which a trimmed PATH may leave out."""
    return shutil.which("wrk") or ("/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None)


def run_wrk(wrk: str, script: Path, target: Target, seconds: int, clients: int) -> LoadResult:
    """wrk keeps every connection busy from C; the Lua script turns its summary into one line."""
    argv = [
        wrk,
        f"--threads={min(LOAD_THREADS, clients)}",
        f"--connections={clients}",
        f"--duration={seconds}s",
        f"--timeout={REQUEST_TIMEOUT_S:.0f}s",
        f"--script={script}",
        f"http://{HOST}:{target.port}{target.path}",
    ]
    budget = seconds + REQUEST_TIMEOUT_S + 30
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=budget, check=False)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH "):
            return parse_wrk_line(line)
    raise BenchError(f"wrk gave no figures (exit {completed.returncode}):\n{completed.stderr}")


def parse_wrk_line(line: str) -> LoadResult:
    """Errors are answers other than 200 plus socket errors and timeouts, as in the fallback."""
    fields = dict(item.split("=", 1) for item in line.split()[1:])
    return LoadResult(
        requests=int(fields["requests"]),
        errors=int(fields["non200"]) + int(fields["socket_errors"]),
        seconds=int(fields["duration_us"]) / 1e6,
        p50_ms=float(fields["p50_us"]) / 1000,
        p95_ms=float(fields["p95_us"]) / 1000,
    )


def run_python(target: Target, seconds: int, clients: int) -> LoadResult:
    """The fallback without wrk: asyncio clients over raw keep-alive HTTP/1.1 sockets."""
    tally = Tally()
    started = time.perf_counter()
    asyncio.run(python_load(target, seconds, clients, tally))
    elapsed = time.perf_counter() - started
    latencies = sorted(tally.latencies)
    return LoadResult(
        requests=len(latencies),
        errors=tally.errors,
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
    )


async def python_load(target: Target, seconds: int, clients: int, tally: Tally) -> None:
    """Every client stops starting requests at the deadline; the outer timeout is a safety net."""
    deadline = time.perf_counter() + seconds
    request = (
        f"GET {target.path} HTTP/1.1\r\nHost: {HOST}:{target.port}\r\n"
        "User-Agent: rightsdesk-bench\r\nAccept: */*\r\n\r\n"
    ).encode("ascii")
    tasks = [python_client(target.port, request, deadline, tally) for _ in range(clients)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + REQUEST_TIMEOUT_S + 5)


async def python_client(port: int, request: bytes, deadline: float, tally: Tally) -> None:
    """One keep-alive connection sending requests back to back, reconnecting after a failure."""
    streams: Streams | None = None
    try:
        while time.perf_counter() < deadline:
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT_S):
                    if streams is None:
                        streams = await asyncio.open_connection(HOST, port)
                    reader, writer = streams
                    started = time.perf_counter()
                    writer.write(request)
                    status, keep_alive = await read_response(reader)
                tally.latencies.append(time.perf_counter() - started)
                if status != 200:
                    tally.errors += 1
                if not keep_alive:
                    await close_streams(streams)
                    streams = None
            except (OSError, EOFError, ValueError, TimeoutError):
                tally.errors += 1
                await close_streams(streams)
                streams = None
                await asyncio.sleep(0.01)  # A refused connection must not turn into a busy loop.
    finally:
        await close_streams(streams)


async def close_streams(streams: Streams | None) -> None:
    """Close without waiting long: a server that never acknowledges must not stall the run."""
    if streams is None:
        return
    streams[1].close()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(1):
            await streams[1].wait_closed()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole response; return its status and whether the connection stays open.

    asyncio.IncompleteReadError is an EOFError, so a connection closed mid-answer is an error.
    """
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length: int | None = None
    chunked = False
    keep_alive = True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep_alive = value != b"close"
    if chunked:
        await skip_chunked(reader)
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()  # No length: the body ends when the server closes the connection.
        keep_alive = False
    return status, keep_alive


async def skip_chunked(reader: asyncio.StreamReader) -> None:
    """Django sets Content-Length on these pages, but a streamed answer must not desync us."""
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # Trailer fields, if any, end with an empty line.
            return
        await reader.readexactly(size + 2)


def percentile(ordered: list[float], percent: float) -> float:
    """Nearest-rank percentile, the same definition wrk's histogram approximates."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


# --- report --------------------------------------------------------------------------------


def print_table(results: dict[Target, LoadResult], weights: dict[Target, PageWeight]) -> None:
    width = max(len("target"), *(len(target.name) for target in results))
    header = (
        f"{'target':<{width}}  {'requests/s':>10} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'requests':>9} {'errors':>7} {'page bytes':>11}"
    )
    print(header)
    print("-" * len(header))
    for target, result in results.items():
        weight = weights.get(target)
        shown = f"{weight.total:,}" if weight else "-"
        print(
            f"{target.name:<{width}}  {result.per_second:>10.1f} {result.p50_ms:>8.1f} "
            f"{result.p95_ms:>8.1f} {result.requests:>9,} {result.errors:>7,} {shown:>11}"
        )
    print()
    print("page bytes: uncompressed HTML plus the stylesheets it links")
    for target, weight in weights.items():
        plural = "" if weight.stylesheets == 1 else "s"
        print(
            f"  {target.name:<{width}}  {weight.html:,} B HTML + {weight.css:,} B CSS "
            f"({weight.stylesheets} stylesheet{plural})"
        )


def print_goals(results: dict[Target, LoadResult], baseline: Target) -> None:
    """The goal as figures: a report for people to read, never a pass/fail exit status."""
    base = results[baseline].per_second
    width = max(len(target.name) for target in results)
    print()
    print(
        f"throughput relative to the {baseline.name} "
        f"(goal: ratio >= {GOAL_RATIO:.2f} and p95 < {GOAL_P95_MS:.0f} ms)"
    )
    for target, result in results.items():
        if target == baseline:
            continue
        ratio = result.per_second / base if base > 0 else float("nan")
        misses = []
        if not ratio >= GOAL_RATIO:
            misses.append(f"ratio below {GOAL_RATIO:.2f}")
        if not result.p95_ms < GOAL_P95_MS:
            misses.append(f"p95 not under {GOAL_P95_MS:.0f} ms")
        verdict = "goal met" if not misses else "goal not met: " + ", ".join(misses)
        print(
            f"  {target.name:<{width}}  ratio {ratio:4.2f}  p95 {result.p95_ms:6.1f} ms  {verdict}"
        )


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Defaults give the figures the goal is stated for: 50 clients, 10 s per target."""
    parser = argparse.ArgumentParser(
        prog="bench/pages.py",
        description=(
            "Load rightsdesk's home and sign-in pages and a trivial Django view (the baseline) "
            "with concurrent keep-alive clients on 127.0.0.1, and print requests/s, p50/p95 "
            "latency, errors, page weight and each page's throughput relative to the baseline. "
            "Prints figures only; it never fails on speed."
        ),
    )
    parser.add_argument(
        "--seconds",
        type=positive_int,
        default=10,
        help="how long each target is loaded, in whole seconds (default: 10)",
    )
    parser.add_argument(
        "--clients",
        type=positive_int,
        default=50,
        help="concurrent keep-alive connections (default: 50)",
    )
    parser.add_argument(
        "--warmup",
        type=non_negative_int,
        default=1,
        help="seconds of unrecorded load on each target first, 0 for none (default: 1)",
    )
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk if installed, else the built-in asyncio one (default: auto)",
    )
    return parser.parse_args(argv)


def positive_int(text: str) -> int:
    """Whole numbers: wrk's --duration takes no fractions, and a run needs one client at least."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    """A warm-up of 0 s measures cold servers, which is sometimes the question."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def choose_generator(choice: str) -> str | None:
    """The wrk path, or None for the built-in client; asking for wrk without it is an error."""
    wrk = find_wrk() if choice in {"auto", "wrk"} else None
    if choice == "wrk" and wrk is None:
        raise BenchError("--generator wrk was asked for, but wrk is not installed")
    return wrk


def wrk_version(wrk: str) -> str:
    """Printed with the figures, since another generator version can shift them."""
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (completed.stdout or completed.stderr).strip().splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def interrupt_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM takes the same path as Ctrl+C, through the cleanup that stops both servers."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """Start a server and make sure it is stopped, whatever happens in between."""
    try:
        server.start()
        yield server
    finally:
        # A second Ctrl+C or SIGTERM must not cut short the stop that the first one started.
        previous = {number: signal.signal(number, signal.SIG_IGN) for number in STOP_SIGNALS}
        try:
            server.stop()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def measure(options: argparse.Namespace) -> None:
    """Both servers run side by side for the whole run, so the ratio compares like with like."""
    wrk = choose_generator(options.generator)
    gunicorn = gunicorn_settings()
    with tempfile.TemporaryDirectory(prefix="rightsdesk-bench-") as temp:
        workdir = Path(temp)
        script = workdir / "report.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        rightsdesk_port, trivial_port = free_ports(2)
        with (
            running(rightsdesk_server(rightsdesk_port, workdir)) as rightsdesk,
            running(trivial_server(trivial_port, workdir, gunicorn)) as trivial,
        ):
            wait_until_ready(rightsdesk, rightsdesk_port, "/healthz")
            wait_until_ready(trivial, trivial_port, "/")
            targets = build_targets(rightsdesk_port, trivial_port)
            describe_run(options, wrk, gunicorn)
            weights = {
                target: page_weight(target.port, target.path) for target in targets if target.weigh
            }
            results = {target: load(target, options, wrk, script) for target in targets}
        print()
        print_table(results, weights)
        print_goals(results, targets[-1])


def build_targets(rightsdesk_port: int, trivial_port: int) -> list[Target]:
    """The rightsdesk pages first and the baseline last, as the report lists them."""
    sign_in = "/en/staff/sign-in/"
    return [
        Target("rightsdesk home /en/", rightsdesk_port, "/en/", weigh=True),
        Target(f"rightsdesk sign-in {sign_in}", rightsdesk_port, sign_in, weigh=True),
        Target("trivial view /", trivial_port, "/", weigh=False),
    ]


def load(target: Target, options: argparse.Namespace, wrk: str | None, script: Path) -> LoadResult:
    """Warm up (caches, lazy imports, every gunicorn thread), then measure."""
    print(f"loading {target.name} ...", flush=True)
    if options.warmup:
        generate(target, options.warmup, options.clients, wrk, script)
    return generate(target, options.seconds, options.clients, wrk, script)


def generate(
    target: Target, seconds: int, clients: int, wrk: str | None, script: Path
) -> LoadResult:
    if wrk is not None:
        return run_wrk(wrk, script, target, seconds, clients)
    return run_python(target, seconds, clients)


def describe_run(options: argparse.Namespace, wrk: str | None, gunicorn: GunicornSettings) -> None:
    """The conditions first, because the figures mean little without them."""
    generator = (
        f"{wrk_version(wrk)} ({wrk}, {LOAD_THREADS} thread, Lua report)"
        if wrk
        else "built-in Python asyncio client (raw keep-alive HTTP/1.1, 1 process)"
    )
    print(f"load generator: {generator}")
    print(
        f"gunicorn for both servers: {gunicorn.worker_class}, {gunicorn.workers} workers x "
        f"{gunicorn.threads} threads, keep-alive {gunicorn.keepalive} s"
    )
    print(
        f"{options.clients} keep-alive clients, {options.seconds} s per target after "
        f"{options.warmup} s warm-up; {os.cpu_count()} CPUs shared by servers and load generator"
    )
    # Anything else running (a test suite, a build) takes cores from the servers and skews ratios.
    print(f"1-minute load average before loading: {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    """Exit 0 whatever the figures say; 1 only when the run could not be made, 130 when stopped."""
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt_on_sigterm)
    try:
        measure(options)
    except BenchError as error:
        sys.stderr.write(f"bench/pages.py: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("bench/pages.py: interrupted; both servers were stopped\n")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
