"""The canary test: report, reply and read with unique strings everywhere, then look for them in
everything an attacker could take — the database (file or dump), the data directory and the logs.
Zero occurrences are allowed."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from tests.live import Browser, LiveServer, receipt_in, server_environment

pytestmark = pytest.mark.slow

PASSWORD = "coordinator canary passphrase"


def canaries() -> dict[str, str]:
    tag = secrets.token_hex(6)
    return {
        name: f"canary{tag}{name}"
        for name in (
            "narrative",
            "projects",
            "when",
            "others",
            "link",
            "contact",
            "reply",
            "team",
            "filename",
            "filecontent",
        )
    }


def run(data_dir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "rightsdesk", *args],
        env=server_environment(data_dir, **(env or {})),
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout + result.stderr


@pytest.fixture
def database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """SQLite in the data dir, or a fresh PostgreSQL database when DATABASE_URL is given."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield {}
        return
    import psycopg

    name = f"rightsdesk_canary_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(url)
    canary_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield {"DATABASE_URL": canary_url}
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def everything_stored(data_dir: Path, log: Path, database: dict[str, str]) -> bytes:
    stored = [log.read_bytes()]
    stored.extend(path.read_bytes() for path in data_dir.rglob("*") if path.is_file())
    if database:
        pg_dump = shutil.which("pg_dump") or max(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
        dump = subprocess.run(
            [str(pg_dump), "--no-owner", database["DATABASE_URL"]],
            capture_output=True,
            check=True,
            timeout=120,
        )
        assert b"CREATE TABLE" in dump.stdout
        stored.append(dump.stdout)
    return b"\n".join(stored)


def test_no_canary_survives_anywhere(tmp_path: Path, database: dict[str, str]):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "server.log"
    marks = canaries()

    run(data_dir, "migrate", "-v0", env=database)
    run(data_dir, "init-escrow", "--shares", "3", "--threshold", "2", env=database)
    created = run(
        data_dir,
        "createstaff",
        "--username",
        "coord",
        "--role",
        "coordinator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        env=database,
    )
    seed = pyotp.parse_uri(re.search(r"otpauth://\S+", created).group(0)).secret  # type: ignore[union-attr]

    server = LiveServer(data_dir=data_dir, log=log, extra_env=database)
    server.start()
    try:
        # The coordinator signs in first: a key pair is made at the first sign-in.
        staff = Browser(server.url)
        staff.get("/en/staff/sign-in/")
        page = staff.post(
            "/en/staff/sign-in/",
            {"username": "coord", "password": PASSWORD, "code": pyotp.TOTP(seed).now()},
        )
        shown = re.search(r'<p class="recovery-key" dir="ltr"><code>([^<]+)</code>', page)
        assert shown, page[:2000]
        staff.post("/en/staff/account/recovery-key/", {"key": shown.group(1)})
        reporter = Browser(server.url)
        reporter.fill_report(
            language="fa",
            narrative=marks["narrative"],
            extra={
                "projects": marks["projects"],
                "when": marks["when"],
                "others_affected": marks["others"],
                "links": f"https://example.org/{marks['link']}",
                "contact": f"{marks['contact']}@example.org",
            },
            files=[(f"{marks['filename']}.txt", (marks["filecontent"] + " ").encode() * 200)],
        )
        receipt = receipt_in(reporter.post("/fa/report/review/", {}))

        followup = Browser(server.url)
        followup.get("/fa/report/followup/")
        page = followup.post("/fa/report/followup/", {"receipt": receipt})
        assert marks["narrative"] in page
        followup.post("/fa/report/followup/reply/", {"text": marks["reply"]})

        listing = staff.get("/en/staff/cases/")
        reference = re.search(r"RD-[0-9A-Z]{4}-[0-9A-Z]{4}", listing).group(0)  # type: ignore[union-attr]
        case_page = staff.get(f"/en/staff/cases/{reference}/")
        for name in ("narrative", "projects", "when", "others", "reply", "filename"):
            assert marks[name] in case_page
        staff.post(f"/en/staff/cases/{reference}/reply/", {"text": marks["team"]})
        assert marks["team"] in followup.get("/fa/report/followup/")
    finally:
        server.stop()

    stored = everything_stored(data_dir, log, database)
    assert len(stored) > 10_000
    for name, mark in marks.items():
        assert mark.encode() not in stored, f"the {name} canary was found"
    digits = receipt.replace(" ", "")
    assert digits.encode() not in stored
    assert receipt.encode() not in stored
