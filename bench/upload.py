"""Memory and speed of one large evidence file sent through the JSON API.

A reporter's video can be far larger than the server's memory should grow for it, and a server
with a few workers receives several such files at once. So this sends one large file (1 GiB by
default) to ``POST /api/v1/reports/files`` and measures how much the one gunicorn worker's
resident memory grows while it receives it, and how fast the file goes through. The goal is growth
under 64 MiB whatever the file's size, and at least 100 MB/s on the loopback interface.

rightsdesk is prepared and served as bench/intake.py does it (fresh temporary data directory,
migrate and init-escrow, ``python -m rightsdesk serve``; PostgreSQL when DATABASE_URL is set,
SQLite otherwise: the database hardly matters here), with one web worker and limits raised so
the file is accepted. The file is written to the temporary directory first and streamed from
there, so this script stays small in memory; the worker's memory is read from /proc.

This prints figures and never fails on them: the exit status is non-zero only when the server
cannot be started, the upload is not answered at all, or the run is interrupted. Linux only (it
reads /proc). Run from the repository root:

    .venv/bin/python bench/upload.py [--size-mb 1024] [--timeout 300]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    # Run as bench/upload.py, only bench/ is on the path; the shared helpers live in bench.pages.
    sys.path.insert(0, str(REPO_ROOT))

from bench.intake import (  # noqa: E402
    REPORT,
    REPORTS_PATH,
    Database,
    chosen_database,
    intake_server,
    prepare,
    server_env,
)
from bench.pages import (  # noqa: E402
    HOST,
    BenchError,
    Server,
    free_ports,
    gunicorn_settings,
    interrupt_on_sigterm,
    positive_int,
    running,
    wait_until_ready,
)

MIB = 1024 * 1024
MB = 1000 * 1000
DEFAULT_SIZE_MIB = 1024
# Read, written and sent in pieces of this size, so the script never holds more than one.
PIECE_BYTES = MIB
# The limits are raised a little above the file, for the multipart framing around it.
LIMIT_MARGIN_BYTES = 16 * MIB
GOAL_GROWTH_MIB = 64.0
GOAL_MB_PER_S = 100.0
SAMPLE_INTERVAL_S = 0.05
DEFAULT_TIMEOUT_S = 300
# /healthz answering means the worker is up; the search retries for a while anyway, in case the
# master is still replacing a worker that failed to boot.
WORKER_SEARCH_S = 10.0
FILES_PATH = "/api/v1/reports/files"
FILE_NAME = "evidence.bin"
# An ISO base media "ftyp" box (32 bytes, major brand isom), so rightsdesk's content detection
# takes the file for video/mp4, an accepted type, whatever follows.
MP4_HEADER = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
# Writing "5" to /proc/<pid>/clear_refs resets VmHWM to the current RSS (Linux 4.0 and later).
RESET_PEAK = b"5"


@dataclass(frozen=True)
class Worker:
    """The gunicorn worker that serves every request, and the master that forked it."""

    pid: int
    master: int


@dataclass(frozen=True)
class Upload:
    """One streamed upload, with times from time.perf_counter(); status None means no answer."""

    started: float
    last_byte: float | None
    answered: float | None
    status: int | None
    body: bytes
    send_problem: str


@dataclass(frozen=True)
class Memory:
    """The worker's resident memory around the upload, in bytes."""

    before: int
    peak: int
    peak_source: str
    samples: int
    worker_lost: bool
    children_peak: int

    @property
    def growth(self) -> int:
        return self.peak - self.before


# --- /proc ---------------------------------------------------------------------------------


def parent_of(pid: int) -> int | None:
    """The parent, from /proc/<pid>/stat; its name field may hold spaces and ")"."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = stat.rpartition(b")")[2].split()
    return int(fields[1]) if len(fields) > 1 else None


def children_of(pid: int) -> list[int]:
    """Every process whose parent is ``pid``; /proc/<pid>/task/*/children is not always built in."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and parent_of(int(entry)) == pid:
            found.append(int(entry))
    return sorted(found)


def command_line(pid: int) -> str:
    """Empty when the process has gone, which the callers treat as "not the one"."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", errors="replace")


def memory_status(pid: int) -> dict[str, int] | None:
    """VmRSS and VmHWM in bytes, or None once the process has exited."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024  # The kernel writes kB.
    return values if len(values) == 2 else None


def reset_peak(pid: int) -> bool:
    """Let VmHWM record the peak during the upload alone, not the report's 64 MiB Argon2id."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_bytes(RESET_PEAK)
    except OSError:
        return False
    return True


def find_worker(serve_pid: int) -> Worker:
    """serve starts gunicorn's master (and the task worker); the master forks the one worker."""
    deadline = time.monotonic() + WORKER_SEARCH_S
    while time.monotonic() < deadline:
        masters = [pid for pid in children_of(serve_pid) if "gunicorn" in command_line(pid)]
        workers = children_of(masters[0]) if len(masters) == 1 else []
        if len(workers) == 1:
            return Worker(pid=workers[0], master=masters[0])
        time.sleep(0.2)
    raise BenchError(
        f"cannot find the single gunicorn worker under serve (pid {serve_pid}) in /proc"
    )


class MemorySampler:
    """Reads the worker's memory every SAMPLE_INTERVAL_S in a thread while the upload runs.

    Processes the worker starts (the inspection child) are sampled too, since their memory is
    the same file's cost, though not the worker's.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.max_rss = 0
        self.last_hwm = 0
        self.children_peak = 0
        self.samples = 0
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()  # One last reading after the answer, for VmHWM.

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_INTERVAL_S)

    def sample(self) -> None:
        status = memory_status(self.pid)
        if status is None:
            self.lost = True
            return
        self.samples += 1
        self.max_rss = max(self.max_rss, status["VmRSS"])
        self.last_hwm = status["VmHWM"]
        children = (memory_status(child) for child in children_of(self.pid))
        in_children = sum(child["VmRSS"] for child in children if child is not None)
        self.children_peak = max(self.children_peak, in_children)


# --- the file and the request ----------------------------------------------------------------


def write_test_file(path: Path, size: int) -> float:
    """Random bytes behind an MP4 header, one piece at a time; returns the seconds it took.

    Random, so that nothing on the way (a compressing proxy, a file system) can make it cheaper.
    """
    started = time.perf_counter()
    with path.open("wb") as output:
        written = 0
        while written < size:
            piece = os.urandom(min(PIECE_BYTES, size - written))
            if written == 0:
                piece = MP4_HEADER + piece[len(MP4_HEADER) :]
            output.write(piece)
            written += len(piece)
    return time.perf_counter() - started


def check_disk(workdir: Path, size: int) -> None:
    """The test file and its encrypted copy in the data directory both land on this disk."""
    free = shutil.disk_usage(workdir).free
    needed = 2 * size + 2 * LIMIT_MARGIN_BYTES
    if free < needed:
        raise BenchError(
            f"{workdir} has {free / MIB:,.0f} MiB free; the file and its encrypted copy need "
            f"about {needed / MIB:,.0f} MiB (try a smaller --size-mb)"
        )


def multipart_frame(boundary: str) -> tuple[bytes, bytes]:
    """The bytes before and after the file's content; remove_metadata comes first, as a form
    would send it, and false, since a video has none to remove anyway."""
    preamble = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="remove_metadata"\r\n\r\n'
        "false\r\n"
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="files"; filename="{FILE_NAME}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode("ascii")
    closing = f"\r\n--{boundary}--\r\n".encode("ascii")
    return preamble, closing


def create_report(port: int) -> str:
    """A report first, as a reporter would send it: its answer holds the upload token."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
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
    token = parse_json(body).get("upload_token") if response.status == 201 else None
    if not isinstance(token, str) or not token:
        text = body[:500].decode("utf-8", errors="replace")
        raise BenchError(f"the report answered {response.status} without an upload_token: {text}")
    return token


def parse_json(body: bytes) -> dict[str, Any]:
    """An empty dict for anything that is not a JSON object, so the caller can print the text."""
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def send_file(port: int, token: str, path: Path, timeout: float) -> Upload:
    """Stream the multipart body from disk with a Content-Length worked out beforehand.

    The file is never in memory whole: the preamble, then 1 MiB pieces read into one reused
    buffer, then the closing boundary. If the server answers early and closes the connection,
    the send fails but the answer can still be read.
    """
    size = path.stat().st_size
    boundary = f"rightsdesk-bench-{secrets.token_hex(12)}"
    preamble, closing = multipart_frame(boundary)
    deadline = time.monotonic() + timeout
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    sent = 0
    last_byte: float | None = None
    send_problem = ""
    try:
        connection.putrequest("POST", FILES_PATH, skip_accept_encoding=True)
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Accept", "application/json")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(preamble) + size + len(closing)))
        try:
            connection.endheaders(preamble)
            for piece in file_pieces(path):
                set_time_left(connection, deadline)
                connection.send(piece)
                sent += len(piece)
            connection.send(closing)
            last_byte = time.perf_counter()
        except (OSError, http.client.HTTPException) as error:
            send_problem = f"{type(error).__name__} after {sent:,} bytes of the file"
        status, body = read_answer(connection, deadline)
    finally:
        connection.close()
    return Upload(
        started=started,
        last_byte=last_byte,
        answered=time.perf_counter() if status is not None else None,
        status=status,
        body=body,
        send_problem=send_problem,
    )


def file_pieces(path: Path) -> Iterator[memoryview]:
    """One reused buffer, so the script's memory stays flat however large the file is; each
    piece is valid until the next one is asked for."""
    buffer = bytearray(PIECE_BYTES)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as source:
        while count := source.readinto(buffer):
            yield view[:count]


def set_time_left(connection: http.client.HTTPConnection, deadline: float) -> None:
    """The socket timeout is per operation; this turns it into one deadline for the upload."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("--timeout reached")
    if connection.sock is not None:
        connection.sock.settimeout(left)


def read_answer(
    connection: http.client.HTTPConnection, deadline: float
) -> tuple[int | None, bytes]:
    """(status, body), or (None, the reason as text) when no answer came back in time."""
    try:
        set_time_left(connection, deadline)
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}".encode()


def measure_upload(
    port: int, token: str, path: Path, worker: Worker, timeout: float
) -> tuple[Upload, Memory]:
    """RSS just before sending, then the peak while sending and until the answer is read."""
    current = memory_status(worker.pid)
    if current is None:
        raise BenchError(f"the gunicorn worker (pid {worker.pid}) exited before the upload")
    peak_was_reset = reset_peak(worker.pid)
    before = memory_status(worker.pid) or current
    with MemorySampler(worker.pid) as sampler:
        upload = send_file(port, token, path, timeout)
    peak, source = peak_during(sampler, before, peak_was_reset)
    memory = Memory(
        before=before["VmRSS"],
        peak=peak,
        peak_source=source,
        samples=sampler.samples,
        worker_lost=sampler.lost,
        children_peak=sampler.children_peak,
    )
    return upload, memory


def peak_during(
    sampler: MemorySampler, before: dict[str, int], peak_was_reset: bool
) -> tuple[int, str]:
    """VmHWM is exact but covers the process's whole life unless it could be reset; when it was
    not, a VmHWM that rose during the upload is still that upload's peak, and otherwise the
    highest 50 ms sample is the best figure there is."""
    sampled = sampler.max_rss
    if peak_was_reset:
        return max(sampled, sampler.last_hwm), "VmHWM, reset just before the upload"
    if sampler.last_hwm > before["VmHWM"]:
        return max(sampled, sampler.last_hwm), "VmHWM, which rose during the upload"
    return sampled, f"highest VmRSS sample (every {SAMPLE_INTERVAL_S * 1000:.0f} ms)"


# --- report --------------------------------------------------------------------------------


def describe_run(size: int, database: Database, worker: Worker, written_s: float) -> None:
    """The conditions first, because the figures mean little without them."""
    gunicorn = gunicorn_settings()
    limit = size + LIMIT_MARGIN_BYTES
    print(f"database: {database.description} (it hardly matters for this run)")
    print(f"gunicorn: {gunicorn.worker_class}, 1 worker x {gunicorn.threads} threads")
    print(
        f"RIGHTSDESK_MAX_FILE_BYTES = RIGHTSDESK_MAX_REPORT_FILES_BYTES = {limit:,} "
        f"(file + {LIMIT_MARGIN_BYTES // MIB} MiB)"
    )
    print(
        f"test file: {size:,} bytes ({size / MIB:,.1f} MiB) of random data behind an MP4 header, "
        f"written in {written_s:.1f} s"
    )
    print(
        f"worker pid {worker.pid} (master {worker.master}); /proc/{worker.pid}/status read every "
        f"{SAMPLE_INTERVAL_S * 1000:.0f} ms"
    )
    print(
        f"{os.cpu_count()} CPUs; 1-minute load average before the upload: {os.getloadavg()[0]:.2f}"
    )


def summarise_body(body: bytes) -> str:
    """Added and refused files in one line; a short excerpt when the answer is not FilesOut."""
    data = parse_json(body)
    added, refused = data.get("added"), data.get("refused")
    if not isinstance(added, list) or not isinstance(refused, list):
        return excerpt(body)
    parts = [f"{len(added)} added"]
    for item in added:
        if isinstance(item, dict):
            inspected = "inspected" if item.get("inspected") else "not inspected"
            parts.append(f"{item.get('name')} ({item.get('size', 0):,} bytes, {inspected})")
    codes = [str(item.get("code")) for item in refused if isinstance(item, dict)]
    parts.append(f"{len(refused)} refused" + (f" ({', '.join(codes)})" if codes else ""))
    return "; ".join(parts)


def excerpt(body: bytes) -> str:
    """One line: an error page's title, or the start of any other text."""
    text = " ".join(body.decode("utf-8", errors="replace").split())
    title = text.partition("<title>")[2].partition("</title>")[0]
    if title:
        return f"HTML page {title!r}"
    return text[:200] or "(empty body)"


def not_assessed(size: int, upload: Upload) -> str:
    """Why the goals cannot be judged, or "" when the server took the whole file: a refused or
    cut-short upload says nothing about receiving one."""
    if upload.last_byte is None:
        return f"the file was not sent whole ({upload.send_problem})"
    if upload.status != 201:
        return f"the server answered {upload.status}, not 201"
    added = parse_json(upload.body).get("added")
    sizes = [item.get("size") for item in added or [] if isinstance(item, dict)]
    if sizes != [size]:
        return f"the answer does not list one file of {size:,} bytes as added"
    return ""


def print_figures(size: int, upload: Upload, answered: float, memory: Memory) -> None:
    """Everything measured, whether or not the file was accepted; ``answered`` is when the
    whole answer had been read."""
    elapsed = answered - upload.started
    print()
    print(f"file size        {size:,} bytes ({size / MIB:,.1f} MiB)")
    if upload.last_byte is not None:
        sending = upload.last_byte - upload.started
        waiting = answered - upload.last_byte
        split = f"last byte sent after {sending:.2f} s, answer {waiting:.2f} s later"
        rate = f"{size / elapsed / MB:,.1f} MB/s ({size / elapsed / MIB:,.1f} MiB/s)"
    else:
        split = f"sending stopped: {upload.send_problem}"
        rate = "not measured: the file was not sent whole"
    print(f"upload time      {elapsed:.2f} s ({split})")
    print(f"throughput       {rate}")
    print(f"answer           HTTP {upload.status}: {summarise_body(upload.body)}")
    print(
        f"worker RSS       before {memory.before / MIB:,.1f} MiB, peak {memory.peak / MIB:,.1f} "
        f"MiB, growth {memory.growth / MIB:,.1f} MiB"
    )
    print(f"                 peak from {memory.peak_source}; {memory.samples} samples")
    if memory.worker_lost:
        print("                 the worker exited during the upload: the figures stop there")
    if memory.children_peak:
        print(
            f"worker's children (inspection), not in the goal: peak RSS seen "
            f"{memory.children_peak / MIB:,.1f} MiB"
        )


def print_goals(size: int, upload: Upload, answered: float, memory: Memory) -> None:
    """The goals as figures: a report for people to read, never a pass/fail exit status."""
    print()
    print(
        f"goals: worker memory growth < {GOAL_GROWTH_MIB:.0f} MiB, throughput >= "
        f"{GOAL_MB_PER_S:.0f} MB/s"
    )
    reason = not_assessed(size, upload)
    if reason:
        print(f"  not assessed: {reason}")
        return
    growth = memory.growth / MIB
    rate = size / (answered - upload.started) / MB
    print(f"  memory growth {growth:,.1f} MiB: {'met' if growth < GOAL_GROWTH_MIB else 'not met'}")
    print(f"  throughput {rate:,.1f} MB/s: {'met' if rate >= GOAL_MB_PER_S else 'not met'}")


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Defaults give the figures the goal is stated for: one 1 GiB file, five minutes at most."""
    parser = argparse.ArgumentParser(
        prog="bench/upload.py",
        description=(
            "Send one large evidence file (an MP4 header and random bytes) through rightsdesk's "
            "JSON API (POST /api/v1/reports, then /api/v1/reports/files) on 127.0.0.1, streamed "
            "from disk, and print the upload time, throughput, the answer, and how much the "
            "gunicorn worker's resident memory grew meanwhile. Uses PostgreSQL when "
            "DATABASE_URL is set, SQLite otherwise. Prints figures only; it never fails on them."
        ),
    )
    parser.add_argument(
        "--size-mb",
        type=positive_int,
        default=DEFAULT_SIZE_MIB,
        help=f"size of the file in MiB (default: {DEFAULT_SIZE_MIB}, 1 GiB)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_int,
        default=DEFAULT_TIMEOUT_S,
        help=(
            "seconds allowed for the upload, from the first byte to the end of the answer "
            f"(default: {DEFAULT_TIMEOUT_S})"
        ),
    )
    return parser.parse_args(argv)


def upload_env(data_dir: Path, database: Database, size: int) -> dict[str, str]:
    """bench/intake.py's environment, with one worker (the one measured) and limits that let
    the file in; the preparation steps share it, and with it the data directory's secrets."""
    env = server_env(data_dir, database)
    limit = str(size + LIMIT_MARGIN_BYTES)
    env["RIGHTSDESK_MAX_FILE_BYTES"] = limit
    env["RIGHTSDESK_MAX_REPORT_FILES_BYTES"] = limit
    env["RIGHTSDESK_WEB_WORKERS"] = "1"
    return env


def server_pid(server: Server) -> int:
    """The ``serve`` process, under which gunicorn's master and worker are looked for."""
    if server.process is None:
        raise BenchError(f"{server.name} was never started")
    return server.process.pid


@contextlib.contextmanager
def work_directory() -> Iterator[Path]:
    """Removed at the end whatever happens, with the test file and the encrypted evidence."""
    with tempfile.TemporaryDirectory(prefix="rightsdesk-bench-") as temp:
        yield Path(temp)


def measure(options: argparse.Namespace) -> None:
    """The file is written before the server starts, so writing it cannot slow the upload."""
    size = options.size_mb * MIB
    with work_directory() as workdir:
        check_disk(workdir, size)
        test_file = workdir / FILE_NAME
        written_s = write_test_file(test_file, size)
        data_dir = workdir / "data"
        with chosen_database(data_dir) as database:
            env = upload_env(data_dir, database, size)
            prepare(env, workdir)
            (port,) = free_ports(1)
            with running(intake_server(port, env, workdir)) as server:
                wait_until_ready(server, port, "/healthz")
                worker = find_worker(server_pid(server))
                describe_run(size, database, worker, written_s)
                token = create_report(port)
                print(f"uploading {FILE_NAME} ...", flush=True)
                upload, memory = measure_upload(port, token, test_file, worker, options.timeout)
            if upload.status is None or upload.answered is None:
                reason = upload.body.decode("utf-8", errors="replace")
                sending = f"; sending stopped: {upload.send_problem}" if upload.send_problem else ""
                raise BenchError(
                    f"the upload was not answered within {options.timeout} s ({reason}{sending})"
                )
            print_figures(size, upload, upload.answered, memory)
            print_goals(size, upload, upload.answered, memory)


def main(argv: list[str] | None = None) -> int:
    """Exit 0 whatever the figures say; 1 only when the run could not be made, 130 when stopped."""
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt_on_sigterm)
    try:
        measure(options)
    except BenchError as error:
        sys.stderr.write(f"bench/upload.py: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(
            "bench/upload.py: interrupted; the server was stopped and its data removed\n"
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
