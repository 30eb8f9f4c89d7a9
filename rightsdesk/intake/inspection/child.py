"""The child process: starting it under CPU, memory and wall-clock limits, judging what it
returns, and (in :func:`main`) what runs inside it."""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

from rightsdesk.intake.inspection.detection import detect_type
from rightsdesk.intake.inspection.inspecting import inspect_bytes, strip_metadata
from rightsdesk.intake.inspection.vocabulary import Inspection

MAX_INPUT_BYTES = 128 * 1024 * 1024
"""The most the child reads from stdin; larger files are not sent to it at all."""

_MODULE = "rightsdesk.intake.inspection"
_PROJECT_ROOT = Path(__file__).resolve().parents[3]

_EXIT_NOT_STRIPPED = 3
_EXIT_OUT_OF_MEMORY = 4
_EXIT_TOO_LARGE = 5

# --- The child process -------------------------------------------------------------------------


def inspect_in_child(
    data: bytes, *, seconds: float = 10.0, memory_bytes: int = 512 * 1024 * 1024
) -> Inspection:
    """:func:`inspect_bytes` in a child process limited to ``seconds`` (wall clock and CPU) and
    ``memory_bytes`` of address space. Never raises because of the file.

    The content type is always the one this process detects (cheaply, from magic numbers): the
    child parsed a hostile file and may lie, and the type decides how the file is served later.
    Files of no allowed type are not sent to a child at all.
    """
    content_type, kind = detect_type(data)
    if content_type is None:
        return Inspection(None, None, False, "unknown_type")
    output, problem = _run_child("inspect", data, seconds=seconds, memory_bytes=memory_bytes)
    if output is None:
        return Inspection(content_type, kind, False, problem)
    try:
        result = Inspection.from_dict(json.loads(output))
    except (ValueError, RecursionError):
        return Inspection(content_type, kind, False, "crashed")
    if (result.content_type, result.kind) != (content_type, kind):
        return Inspection(content_type, kind, False, "crashed")
    return result


def strip_metadata_in_child(
    data: bytes, *, seconds: float = 20.0, memory_bytes: int = 768 * 1024 * 1024
) -> bytes | None:
    """:func:`strip_metadata` in a limited child process, like :func:`inspect_in_child`.

    None when the file is not an image or PDF, cannot be read, or the child fails; the caller
    then keeps (and shares) only the original. The copy is accepted only if it is of the same
    type as the original.
    """
    content_type, kind = detect_type(data)
    if kind not in ("image", "pdf"):
        return None
    output, _problem = _run_child("strip", data, seconds=seconds, memory_bytes=memory_bytes)
    if not output or detect_type(output)[0] != content_type:
        return None
    return output


def _run_child(
    command: str, data: bytes, *, seconds: float, memory_bytes: int
) -> tuple[bytes | None, str]:
    """``(stdout, "")`` when the child succeeds, else ``(None, problem)``."""
    if len(data) > MAX_INPUT_BYTES:
        return None, "out_of_memory"
    arguments = [
        sys.executable,
        "-P",  # nothing from the working directory on sys.path
        "-m",
        _MODULE,
        command,
        f"--memory-bytes={memory_bytes}",
        f"--cpu-seconds={max(1, math.ceil(seconds))}",
    ]
    try:
        # The command is fixed and the file only ever reaches the child's stdin.
        completed = subprocess.run(  # noqa: S603
            arguments,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"PYTHONPATH": str(_PROJECT_ROOT)},
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    except OSError:  # no process could be started (out of processes or memory)
        return None, "crashed"
    if completed.returncode == 0:
        return completed.stdout, ""
    return None, _exit_problem(completed.returncode)


def _exit_problem(returncode: int) -> str:
    if returncode in (_EXIT_OUT_OF_MEMORY, _EXIT_TOO_LARGE, -signal.SIGKILL):
        return "out_of_memory"  # SIGKILL: the kernel's out-of-memory killer
    if returncode == -signal.SIGXCPU:
        return "timeout"
    return "crashed"


def _limit_resources(memory_bytes: int | None, cpu_seconds: int | None) -> None:
    """Limit this process before it reads a byte of the file. No core dumps either: one would
    write the evidence, in plaintext, to disk."""
    if memory_bytes is None and cpu_seconds is None:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes is not None:
        _lower_limit(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    if cpu_seconds is not None:
        # At the soft limit the kernel sends SIGXCPU (which ends the process); the hard limit
        # one second later is SIGKILL, for a process that ignores it.
        _lower_limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)


def _lower_limit(which: int, soft: int, hard: int) -> None:
    _current_soft, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


_READ_CHUNK_BYTES = 1024 * 1024


def _read_input(source: BinaryIO) -> bytes | None:
    """All of ``source``, or None when it holds more than :data:`MAX_INPUT_BYTES`.

    Read in chunks: one ``read(MAX_INPUT_BYTES + 1)`` would reserve 128 MiB of the child's
    address space up front, whatever the size of the file.
    """
    chunks: list[bytes] = []
    total = 0
    while chunk := source.read(_READ_CHUNK_BYTES):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_INPUT_BYTES:
            return None
    return b"".join(chunks)


def main(argv: list[str] | None = None) -> int:
    """The child: ``inspect`` writes an :class:`Inspection` as JSON to stdout, ``strip`` the
    stripped copy (or exits with status 3 when there is none)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {_MODULE}", description="Inspect or strip one file read from stdin."
    )
    parser.add_argument("command", choices=("inspect", "strip"))
    parser.add_argument("--memory-bytes", type=int)
    parser.add_argument("--cpu-seconds", type=int)
    arguments = parser.parse_args(argv)
    _limit_resources(arguments.memory_bytes, arguments.cpu_seconds)
    try:
        data = _read_input(sys.stdin.buffer)
        if data is None:
            return _EXIT_TOO_LARGE
        if arguments.command == "inspect":
            output = json.dumps(inspect_bytes(data).to_dict()).encode("ascii")
        else:
            stripped = strip_metadata(data)
            if stripped is None:
                return _EXIT_NOT_STRIPPED
            output = stripped
    except MemoryError:
        # Leave at once: unwinding and cleaning up could need the memory that just ran out.
        os._exit(_EXIT_OUT_OF_MEMORY)
    sys.stdout.buffer.write(output)
    sys.stdout.buffer.flush()
    return 0
