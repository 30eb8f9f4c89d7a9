"""Logging that never records who visited.

rightsdesk promises that no IP address, user agent or request body reaches a log. Django attaches
the request to some records and prints paths; gunicorn can print peer addresses. The filter below
removes the request object and scrubs anything shaped like an IP address from every message, and
the gunicorn logger class turns the access log off for good.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornBaseLogger

# Candidates only: each match is checked with ipaddress before it is replaced, so version numbers
# and times are left alone.
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6_BRACKETED = re.compile(r"\[[0-9A-Fa-f:.]+(?:%\w+)?\]")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])")
REDACTED = "[address removed]"


def _replace_if_address(match: re.Match[str]) -> str:
    candidate = match.group(0).strip("[]").split("%", 1)[0]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return match.group(0)
    return REDACTED


def scrub(text: str) -> str:
    for pattern in (_IPV6_BRACKETED, _IPV4, _IPV6):
        text = pattern.sub(_replace_if_address, text)
    return text


class PrivacyFilter(logging.Filter):
    """Drops request objects from records and removes IP addresses from their text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class GunicornLogger(GunicornBaseLogger):  # type: ignore[misc]
    """gunicorn's logger with the access log off and the error log scrubbed."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        privacy = PrivacyFilter()
        for handler in self.error_log.handlers:
            handler.addFilter(privacy)

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        return None
