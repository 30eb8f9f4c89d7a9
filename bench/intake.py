"""Throughput and latency of the confidential intake: reports sent through the JSON API.

Every report (``POST /api/v1/reports``) costs one Argon2id key derivation, because the new case
key is wrapped under the reporter's receipt with rightsdesk.crypto.passwords.DEFAULT_KDF, plus
libsodium sealing and one database transaction. Argon2id is deliberately slow and dominates, so
the useful yardstick is not an absolute number of reports per second but the key-derivation
limit measured on the same machine in the same run: CPU cores divided by the time one derivation
takes. The goal is at least 0.7 of that limit with a 95th-percentile latency under 1.5 s at 32
concurrent reporters, and no errors.

The database is PostgreSQL when DATABASE_URL is set: a fresh database is created on that server
for the run and dropped at the end. Without DATABASE_URL it is SQLite in the temporary data
directory, and the report says so. rightsdesk is prepared (migrate, init-escrow, one coordinator)
and served exactly as in production with ``python -m rightsdesk serve``: DEBUG off, no
RIGHTSDESK_* variable but the two that size gunicorn. It listens on 127.0.0.1 only.

This prints figures and never fails on speed: the exit status is non-zero only when the run cannot
be made (a server, the database or a preparation step fails) or is interrupted. Run from the
repository root:

    .venv/bin/python bench/intake.py [--seconds 10] [--concurrency 1,8,32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from rightsdesk.crypto.passwords import DEFAULT_KDF, wrap_with_password

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    # Run as bench/intake.py, only bench/ is on the path; the shared helpers live in bench.pages.
    sys.path.insert(0, str(REPO_ROOT))

from bench.pages import (  # noqa: E402
    HOST,
    START_TIMEOUT_S,
    STOP_SIGNALS,
    BenchError,
    Server,
    Streams,
    close_streams,
    free_ports,
    gunicorn_settings,
    interrupt_on_sigterm,
    non_negative_int,
    percentile,
    positive_int,
    production_env,
    read_response,
    running,
    wait_until_ready,
)

GOAL_CLIENTS = 32
GOAL_RATIO = 0.7
GOAL_P95_MS = 1500.0
DEFAULT_CONCURRENCY = (1, 8, 32)
# A few derivations give a stable median; the first one also pays for mapping 64 MiB of memory.
KDF_RUNS = 5
# A receipt-shaped secret (28 digits), so the timed call is the one a report makes.
SAMPLE_RECEIPT = "1234567890123456789012345678"
# A report waits behind every other report's key derivation; at 32 reporters that is seconds, so
# the per-request limit is well above the page benchmark's. Slower than this counts as an error.
REPORT_TIMEOUT_S = 30.0
REPORTS_PATH = "/api/v1/reports"
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})
SQLITE_FILE = "rightsdesk.sqlite3"
REPORT = {
    "danger": False,
    "category": "harassment",
    "what_happened": (
        "Someone keeps posting my home address on talk pages after I reverted their edits, "
        "and has started sending me messages off-wiki as well."
    ),
    "contact_method": "none",
    "preferred_language": "en",
    "consent": "ask",
}


@dataclass(frozen=True)
class KdfCost:
    """One Argon2id derivation timed in this process, and the report rate it allows."""

    seconds: tuple[float, ...]
    cores: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def limit(self) -> float:
        """Reports per second if every core did nothing but derive keys."""
        return self.cores / self.median


@dataclass(frozen=True)
class Database:
    """Where this run's cases go: ``url`` is DATABASE_URL for the server, None for SQLite."""

    kind: str
    description: str
    url: str | None
    sqlite_path: Path | None


@dataclass(frozen=True)
class Sample:
    """One request: times from time.perf_counter(), status None when no answer came back."""

    started: float
    finished: float
    status: int | None
    problem: str = ""


@dataclass(frozen=True)
class LevelResult:
    """One concurrency level. ``created`` counts every 201, warm-up and run-out included, since
    the database must hold all of them; the other counts cover the measured window only."""

    clients: int
    reports_per_second: float
    p50_ms: float
    p95_ms: float
    requests: int
    errors: int
    warmup_errors: int
    created: int
    problems: Counter[str]

    @property
    def all_errors(self) -> int:
        return self.errors + self.warmup_errors


# --- key derivation ------------------------------------------------------------------------


def available_cores() -> int:
    """The CPUs this process may use, which can be fewer than the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def measure_kdf(runs: int) -> KdfCost:
    """Time the very call a report makes, in-process and before any server is running."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        wrap_with_password(b"x" * 32, SAMPLE_RECEIPT, params=DEFAULT_KDF)
        timings.append(time.perf_counter() - started)
    return KdfCost(seconds=tuple(timings), cores=available_cores())


# --- database ------------------------------------------------------------------------------


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """A second Ctrl+C or SIGTERM must not cut short a clean-up that the first one started."""
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def chosen_database(data_dir: Path) -> Iterator[Database]:
    """PostgreSQL when DATABASE_URL names a server, as production does; SQLite otherwise."""
    admin_url = os.environ.get("DATABASE_URL", "")
    if not admin_url:
        yield Database(
            kind="SQLite",
            description="SQLite in the temporary data directory",
            url=None,
            sqlite_path=data_dir / SQLITE_FILE,
        )
        return
    with fresh_postgres_database(admin_url) as database:
        yield database


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[Database]:
    """A database of its own on the given server, so the run neither sees nor touches any
    other data; dropped at the end, also after an error or an interruption."""
    parts = urlsplit(admin_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BenchError(f"DATABASE_URL must be a postgres:// URL (got scheme {parts.scheme!r})")
    name = f"rightsdesk_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            version = str(row[0]).split()[0] if row else "(version unknown)"
            where = f"{connection.info.host}:{connection.info.port}"
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise BenchError(f"cannot create a database on the DATABASE_URL server: {error}") from None
    try:
        yield Database(
            kind=f"PostgreSQL {version}",
            description=(
                f"PostgreSQL {version} at {where}, database {name} "
                "(created for this run, dropped at the end)"
            ),
            url=urlunsplit(parts._replace(path=f"/{name}")),
            sqlite_path=None,
        )
    finally:
        with signals_held():
            drop_database(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    """WITH (FORCE) ends any connection the stopped server left behind; a failure is reported
    rather than raised, so that it cannot hide the error that ended the run."""
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
            statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(statement.format(sql.Identifier(name)))
    except psycopg.Error as error:
        sys.stderr.write(
            f"bench/intake.py: could not drop database {name}; drop it by hand: {error}\n"
        )
        return
    print(f"database {name} dropped")


def count_cases(database: Database) -> int:
    """Read straight from the database, not through rightsdesk, to check what the API said."""
    query = "SELECT count(*) FROM cases_case"
    try:
        if database.url is not None:
            with psycopg.connect(database.url, connect_timeout=10) as connection:
                row = connection.execute(query).fetchone()
        else:
            uri = f"file:{database.sqlite_path}?mode=ro"
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
                row = connection.execute(query).fetchone()
    except (psycopg.Error, sqlite3.Error) as error:
        raise BenchError(f"cannot count the cases: {error}") from None
    return int(row[0]) if row else 0


# --- preparation and server ----------------------------------------------------------------


class Step(Server):
    """A management command run to completion; stopped like a server if the run is interrupted.

    Its output (escrow shares, an enrolment link) goes to a log in the temporary directory, never
    to the screen, and is shown only when the command fails.
    """

    def __init__(self, arguments: list[str], env: dict[str, str], log: Path, stdin: str) -> None:
        argv = [sys.executable, "-m", "rightsdesk", *arguments]
        super().__init__(f"rightsdesk {arguments[0]}", argv, env, log)
        self.stdin = stdin

    def start(self) -> None:
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                self.argv,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def finish(self) -> None:
        process = self.process
        if process is None:
            raise BenchError(f"{self.name} was never started")
        try:
            process.communicate(self.stdin.encode("utf-8"), timeout=START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise BenchError(
                f"{self.name} did not finish within {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}"
            ) from None
        if process.returncode != 0:
            raise BenchError(f"{self.name} failed (exit {process.returncode}):\n{self.log_tail()}")


def server_env(data_dir: Path, database: Database) -> dict[str, str]:
    """Production defaults as in bench/pages.py, plus this run's database when it is PostgreSQL.

    The preparation steps and the server share it, so they share the secrets in the data dir.
    """
    env = production_env(data_dir)
    if database.url is not None:
        env["DATABASE_URL"] = database.url
    return env


def prepare(env: dict[str, str], workdir: Path) -> None:
    """What an operator does before the first report can be accepted: schema, escrow key and a
    coordinator, whose key pair (once it has one) each new case key is also wrapped for."""
    steps = [
        (["migrate", "-v0"], ""),
        (["init-escrow", "--shares", "3", "--threshold", "2"], ""),
        (
            ["createstaff", "--username", "bench", "--role", "coordinator", "--password-stdin"],
            # Random, never shown: this coordinator never signs in.
            secrets.token_urlsafe(24) + "\n",
        ),
    ]
    for arguments, stdin in steps:
        step = Step(arguments, env, workdir / f"{arguments[0]}.log", stdin)
        with running(step):
            step.finish()


def intake_server(port: int, env: dict[str, str], workdir: Path) -> Server:
    """The production entry point, so the real gunicorn config and the task worker both run."""
    argv = [sys.executable, "-m", "rightsdesk", "serve", "--host", HOST, "--port", str(port)]
    return Server("rightsdesk", argv, env, workdir / "rightsdesk.log")


def report_request(port: int) -> bytes:
    """The same bytes for every report: the server draws a new receipt and key each time."""
    body = json.dumps(REPORT).encode("utf-8")
    head = (
        f"POST {REPORTS_PATH} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "User-Agent: rightsdesk-bench\r\nAccept: application/json\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def check_report(port: int) -> None:
    """One report before any load, so a refused body fails the run with the server's reason
    instead of turning every measured request into an error."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REPORT_TIMEOUT_S)
    try:
        connection.request(
            "POST",
            REPORTS_PATH,
            body=json.dumps(REPORT).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 201 or b'"receipt"' not in body:
        text = body[:500].decode("utf-8", errors="replace")
        raise BenchError(f"the check report answered {response.status}, not 201: {text}")


# --- load ----------------------------------------------------------------------------------


def load_level(port: int, clients: int, seconds: int, warmup: int) -> LevelResult:
    """Warm up and measure in one continuous run, so the window starts with every reporter
    already busy rather than with all of them sending their first report at once."""
    noun = "reporter" if clients == 1 else "reporters"
    print(f"loading with {clients} concurrent {noun} ...", flush=True)
    samples: list[Sample] = []
    started = time.perf_counter()
    window_start = started + warmup
    window_end = window_start + seconds
    asyncio.run(run_reporters(port, clients, window_end, samples))
    return summarise(clients, samples, window_start, window_end)


async def run_reporters(port: int, clients: int, stop_at: float, samples: list[Sample]) -> None:
    """Every reporter stops starting reports at ``stop_at``; the outer timeout is a safety net."""
    request = report_request(port)
    tasks = [reporter(port, request, stop_at, samples) for _ in range(clients)]
    budget = stop_at - time.perf_counter() + REPORT_TIMEOUT_S + 5
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=budget)


async def reporter(port: int, request: bytes, stop_at: float, samples: list[Sample]) -> None:
    """One keep-alive connection sending reports back to back, reconnecting after a failure."""
    streams: Streams | None = None
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status: int | None = None
            problem = ""
            try:
                async with asyncio.timeout(REPORT_TIMEOUT_S):
                    if streams is None:
                        streams = await asyncio.open_connection(HOST, port)
                    reader, writer = streams
                    started = time.perf_counter()
                    writer.write(request)
                    status, keep_alive = await read_response(reader)
                if not keep_alive:
                    await close_streams(streams)
                    streams = None
            except (OSError, EOFError, ValueError, TimeoutError) as error:
                problem = type(error).__name__
                await close_streams(streams)
                streams = None
            samples.append(Sample(started, time.perf_counter(), status, problem))
            if status is None:
                await asyncio.sleep(0.01)  # A refused connection must not turn into a busy loop.
    finally:
        await close_streams(streams)


def summarise(
    clients: int, samples: list[Sample], window_start: float, window_end: float
) -> LevelResult:
    """Throughput counts the 201s that finished inside the window, which stays unbiased although
    the reports in flight at its end finish after it; latencies are of reports started in it."""
    measured = [sample for sample in samples if sample.started >= window_start]
    warming = [sample for sample in samples if sample.started < window_start]
    finished_in_window = sum(
        1
        for sample in samples
        if sample.status == 201 and window_start <= sample.finished <= window_end
    )
    latencies = sorted(
        sample.finished - sample.started for sample in measured if sample.status is not None
    )
    problems = Counter(describe_failure(sample) for sample in samples if sample.status != 201)
    return LevelResult(
        clients=clients,
        reports_per_second=finished_in_window / (window_end - window_start),
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        requests=len(measured),
        errors=sum(1 for sample in measured if sample.status != 201),
        warmup_errors=sum(1 for sample in warming if sample.status != 201),
        created=sum(1 for sample in samples if sample.status == 201),
        problems=problems,
    )


def describe_failure(sample: Sample) -> str:
    """Short enough to list every kind of failure on one line."""
    if sample.status is None:
        return f"no answer ({sample.problem})"
    return f"HTTP {sample.status}"


# --- report --------------------------------------------------------------------------------


def describe_run(options: argparse.Namespace, kdf: KdfCost, database: Database) -> None:
    """The conditions first, because the figures mean little without them."""
    gunicorn = gunicorn_settings()
    print(f"database: {database.description}")
    if database.url is None:
        print(
            "  these figures are for SQLite, not PostgreSQL: set DATABASE_URL to a PostgreSQL "
            "server to measure the production set-up"
        )
    print(
        f"gunicorn: {gunicorn.worker_class}, {gunicorn.workers} workers x "
        f"{gunicorn.threads} threads, keep-alive {gunicorn.keepalive} s"
    )
    mebibytes = DEFAULT_KDF.memlimit / (1024 * 1024)
    timings = ", ".join(f"{seconds:.3f}" for seconds in kdf.seconds)
    print(
        f"Argon2id (DEFAULT_KDF: {DEFAULT_KDF.opslimit} passes over {mebibytes:.0f} MiB), "
        f"timed in-process {len(kdf.seconds)} times: median {kdf.median:.3f} s ({timings})"
    )
    print(
        f"key-derivation limit: {kdf.cores} cores / {kdf.median:.3f} s = {kdf.limit:.1f} reports/s"
    )
    levels = ", ".join(str(clients) for clients in options.concurrency)
    print(
        f"{levels} concurrent reporters, {options.seconds} s each after {options.warmup} s "
        "warm-up; built-in Python asyncio client (raw keep-alive HTTP/1.1, 1 process)"
    )
    print(f"{os.cpu_count()} CPUs shared by the server, the database and the load generator")
    print(f"1-minute load average before loading: {os.getloadavg()[0]:.2f}")
    print("evidence files: measured by bench/upload.py (one large file through the API)")


def print_table(results: list[LevelResult], database: Database) -> None:
    shown = database.kind if database.url is not None else f"{database.kind}, not PostgreSQL"
    print(f"figures for {shown}")
    header = (
        f"{'concurrency':>11}  {'reports/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'requests':>9} {'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        print(
            f"{result.clients:>11}  {result.reports_per_second:>9.1f} {result.p50_ms:>8.1f} "
            f"{result.p95_ms:>8.1f} {result.requests:>9,} {result.errors:>7,}"
        )
    for result in results:
        if result.warmup_errors:
            print(f"  {result.clients} reporters: {result.warmup_errors} errors during warm-up")
        if result.problems:
            listed = ", ".join(f"{count} x {kind}" for kind, count in result.problems.most_common())
            print(f"  {result.clients} reporters, failures: {listed}")


def print_ratios(results: list[LevelResult], kdf: KdfCost) -> None:
    """The ratio is what compares across machines; reports/s alone mostly describe the CPU."""
    print()
    print(f"reports/s relative to the key-derivation limit ({kdf.limit:.1f} reports/s)")
    for result in results:
        print(
            f"  {result.clients:>4} concurrent  ratio {result.reports_per_second / kdf.limit:4.2f}"
        )


def print_goals(results: list[LevelResult], kdf: KdfCost) -> None:
    """The goal as figures: a report for people to read, never a pass/fail exit status."""
    print()
    print(
        f"goal: ratio >= {GOAL_RATIO:.2f} and p95 < {GOAL_P95_MS:.0f} ms at {GOAL_CLIENTS} "
        "concurrent reporters, and no errors in the whole run"
    )
    at_goal = next((result for result in results if result.clients == GOAL_CLIENTS), None)
    errors = sum(result.all_errors for result in results)
    misses = []
    if at_goal is None:
        print(f"  {GOAL_CLIENTS} concurrent reporters were not measured (see --concurrency)")
    else:
        ratio = at_goal.reports_per_second / kdf.limit
        if not ratio >= GOAL_RATIO:
            misses.append(f"ratio below {GOAL_RATIO:.2f}")
        if not at_goal.p95_ms < GOAL_P95_MS:
            misses.append(f"p95 not under {GOAL_P95_MS:.0f} ms")
        print(f"  at {GOAL_CLIENTS}: ratio {ratio:4.2f}, p95 {at_goal.p95_ms:.1f} ms")
    # Reporters who send back to back wait on average reporters / throughput (Little's law), so
    # the key-derivation limit also sets a floor under the latency the p95 goal is about.
    floor_ms = GOAL_CLIENTS / kdf.limit * 1000
    print(
        f"  mean latency at {GOAL_CLIENTS} is {GOAL_CLIENTS} / reports/s (Little's law): "
        f"{floor_ms:.0f} ms even at the full key-derivation limit"
    )
    if errors:
        misses.append(f"{errors} errors")
    print(f"  errors in the whole run, warm-ups included: {errors}")
    if at_goal is None:
        verdict = "goal not assessed" if not misses else "goal not met: " + ", ".join(misses)
    else:
        verdict = "goal met" if not misses else "goal not met: " + ", ".join(misses)
    print(f"  {verdict}")


def print_cases(cases: int, created: int) -> None:
    """Every 201 must be a stored case and every stored case a 201; a difference means a report
    was stored although its answer never arrived (a client timeout), or the reverse."""
    print()
    verdict = "they match" if cases == created else f"they differ by {cases - created:+d}"
    print(
        f"cases in the database at the end: {cases:,}; 201 answers: {created:,} "
        f"(check report and warm-ups included): {verdict}"
    )


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Defaults give the figures the goal is stated for: 1, 8 and 32 reporters, 10 s each."""
    parser = argparse.ArgumentParser(
        prog="bench/intake.py",
        description=(
            "Send confidential reports through rightsdesk's JSON API (POST /api/v1/reports) "
            "with 1, 8 and 32 concurrent reporters on 127.0.0.1, and print reports/s, p50/p95 "
            "latency and errors, each level's throughput relative to the Argon2id "
            "key-derivation limit measured on this machine, and the number of cases stored. "
            "Uses PostgreSQL (a fresh database, dropped at the end) when DATABASE_URL is set, "
            "SQLite otherwise. Prints figures only; it never fails on speed."
        ),
    )
    parser.add_argument(
        "--concurrency",
        type=concurrency_list,
        default=DEFAULT_CONCURRENCY,
        metavar="N[,N...]",
        help="concurrent reporters per level, comma-separated (default: 1,8,32)",
    )
    parser.add_argument(
        "--seconds",
        type=positive_int,
        default=10,
        help="how long each level is measured, in whole seconds (default: 10)",
    )
    parser.add_argument(
        "--warmup",
        type=non_negative_int,
        default=2,
        help="seconds of unrecorded load before each level's measurement, 0 for none (default: 2)",
    )
    return parser.parse_args(argv)


def concurrency_list(text: str) -> tuple[int, ...]:
    """Levels in the order given, so a run can also go from many reporters down to one."""
    try:
        levels = tuple(positive_int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers such as 1,8,32 (got {text!r})"
        ) from None
    if not levels:
        raise argparse.ArgumentTypeError("give at least one level, such as 1,8,32")
    return levels


def measure(options: argparse.Namespace) -> None:
    """The key derivation is timed first, while nothing else runs; then the server is loaded."""
    kdf = measure_kdf(KDF_RUNS)
    with tempfile.TemporaryDirectory(prefix="rightsdesk-bench-") as temp:
        workdir = Path(temp)
        data_dir = workdir / "data"
        with chosen_database(data_dir) as database:
            env = server_env(data_dir, database)
            prepare(env, workdir)
            (port,) = free_ports(1)
            with running(intake_server(port, env, workdir)) as server:
                wait_until_ready(server, port, "/healthz")
                describe_run(options, kdf, database)
                check_report(port)
                results = [
                    load_level(port, clients, options.seconds, options.warmup)
                    for clients in options.concurrency
                ]
            cases = count_cases(database)
            print()
            print_table(results, database)
            print_ratios(results, kdf)
            print_goals(results, kdf)
            print_cases(cases, 1 + sum(result.created for result in results))


def main(argv: list[str] | None = None) -> int:
    """Exit 0 whatever the figures say; 1 only when the run could not be made, 130 when stopped."""
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt_on_sigterm)
    try:
        measure(options)
    except BenchError as error:
        sys.stderr.write(f"bench/intake.py: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(
            "bench/intake.py: interrupted; the server was stopped and its data removed\n"
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
