"""How an entry's hash is computed. Keyed (HMAC-SHA256 under a secret kept outside the
database), so someone who can write to the database cannot rebuild a consistent chain after
editing it."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def entry_digest(
    key: bytes,
    *,
    sequence: int,
    at: datetime,
    actor: str,
    action: str,
    case_reference: str,
    detail: dict[str, Any],
    previous_hash: str,
) -> str:
    canonical = json.dumps(
        [
            sequence,
            at.isoformat(timespec="microseconds"),
            actor,
            action,
            case_reference,
            detail,
            previous_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()
