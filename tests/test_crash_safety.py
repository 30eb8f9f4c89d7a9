"""SIGKILL the server while reports are being sent, again and again. Afterwards every case is
complete and every receipt the reporter was shown (or gets on retrying) opens its case: never a
half case, never two cases for one report."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.live import Browser, LiveServer, receipt_in, server_environment

pytestmark = pytest.mark.slow

ROUNDS = 6


def prepare(data_dir: Path) -> None:
    for args in (["migrate", "-v0"], ["init-escrow", "--shares", "3", "--threshold", "2"]):
        subprocess.run(
            [sys.executable, "-m", "rightsdesk", *args],
            env=server_environment(data_dir),
            capture_output=True,
            check=True,
            timeout=120,
        )


def send_in_background(browser: Browser, outcome: dict[str, str]) -> threading.Thread:
    def send() -> None:
        try:
            outcome["html"] = browser.post("/en/report/review/", {}, timeout=20)
        except OSError as error:  # the server died under us
            outcome["error"] = repr(error)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_kill_during_sending_never_leaves_a_half_case(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    prepare(data_dir)
    server = LiveServer(data_dir=data_dir, log=tmp_path / "server.log")
    randomness = random.Random(20261124)
    receipts: list[str] = []
    interrupted = 0
    server.start()
    try:
        for round_number in range(ROUNDS):
            browser = Browser(server.url)
            browser.fill_report(language="en", narrative=f"round {round_number}")
            outcome: dict[str, str] = {}
            thread = send_in_background(browser, outcome)
            time.sleep(randomness.uniform(0.0, 0.35))
            server.kill()
            thread.join(timeout=30)
            server.start()
            interrupted += "error" in outcome
            if "html" in outcome and 'class="receipt"' in outcome["html"]:
                receipts.append(receipt_in(outcome["html"]))
                continue
            # The reporter presses "Send" again with the draft that is still in their cookie.
            retry = browser.post("/en/report/review/", {})
            if 'class="receipt"' in retry:
                receipts.append(receipt_in(retry))
            else:
                # Only possible when the receipt page itself was rendered just before the kill.
                assert "Nothing to show" in retry or "Start the report" in retry, retry[:1500]
        # Every receipt anyone was shown opens its report.
        for receipt in receipts:
            page = Browser(server.url)
            page.get("/en/report/followup/")
            assert "Received" in page.post("/en/report/followup/", {"receipt": receipt})
    finally:
        server.stop()

    database = sqlite3.connect(data_dir / "rightsdesk.sqlite3")
    cases = database.execute(
        "SELECT id, length(reporter_wrap), length(escrow_wrap), receipt_lookup FROM cases_case"
    ).fetchall()
    assert len(receipts) >= ROUNDS - 1
    assert len(receipts) <= len(cases) <= ROUNDS
    for case_id, reporter_wrap, escrow_wrap, lookup in cases:
        assert reporter_wrap
        assert escrow_wrap
        assert lookup
        (entries,) = database.execute(
            "SELECT count(*) FROM cases_caseentry WHERE case_id = ? AND kind = 'report'", (case_id,)
        ).fetchone()
        assert entries == 1
    assert len(set(receipts)) == len(receipts)
    # The kills did land in the middle of sending, or the test proved nothing.
    assert interrupted >= 2, f"only {interrupted} sends were interrupted"
