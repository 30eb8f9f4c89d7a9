import io
import logging
import sys
from typing import Any

import pytest
from django.test import Client

from rightsdesk.core.logging import REDACTED, PrivacyFilter, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 203.0.113.7 at noon", f"from {REDACTED} at noon"),
        ("peer [2001:db8::1]:443", f"peer {REDACTED}:443"),
        ("fe80::1%eth0 said hi", f"{REDACTED} said hi"),
        ("version 1.2.3.4.5 stays", "version 1.2.3.4.5 stays"),
        ("at 12:30:45 nothing", "at 12:30:45 nothing"),
        ("not an address 999.1.1.1", "not an address 999.1.1.1"),
    ],
)
def test_scrub_removes_addresses_only(text: str, expected: str):
    assert scrub(text) == expected


def test_filter_drops_the_request_and_scrubs_arguments():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "client %s failed", ("10.1.2.3",), None
    )
    record.request = object()
    assert PrivacyFilter().filter(record)
    assert getattr(record, "request", "missing") is None
    assert record.getMessage() == f"client {REDACTED} failed"


def test_filter_scrubs_tracebacks():
    try:
        raise ValueError("bad peer 192.0.2.55")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "oops", None, sys.exc_info())
    PrivacyFilter().filter(record)
    assert "192.0.2.55" not in (record.exc_text or "")


@pytest.mark.django_db
def test_a_request_address_never_reaches_the_logs(client: Client):
    """Everything logged while handling requests goes through the configured handlers; capture
    their output and look for the client's address, forwarded addresses and user agent."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PrivacyFilter())
    root = logging.getLogger()
    loggers = [root, logging.getLogger("django.request"), logging.getLogger("rightsdesk.security")]
    for logger in loggers:
        logger.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    try:
        headers: dict[str, Any] = {
            "REMOTE_ADDR": "203.0.113.77",
            "HTTP_X_FORWARDED_FOR": "198.51.100.9",
            "HTTP_X_REAL_IP": "198.51.100.10",
            "HTTP_USER_AGENT": "CanaryAgent/7.7",
        }
        client.get("/en/does-not-exist-203.0.113.77/", **headers)
        client.post(
            "/en/staff/sign-in/",
            {"username": "nobody", "password": "canary-body-secret", "code": "123456"},
            **headers,
        )
        client.post("/en/staff/sign-in/", {"username": "x"}, **headers)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        root.setLevel(previous)
    output = stream.getvalue()
    assert output, "the requests should have logged something"
    for secret in ["203.0.113.77", "198.51.100.9", "198.51.100.10", "CanaryAgent", "canary-body"]:
        assert secret not in output
