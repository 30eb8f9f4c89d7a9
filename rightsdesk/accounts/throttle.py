"""Growing delays after failed sign-ins, per account name and per client.

An attempt that arrives before the delay has passed is refused without checking anything. The
delay doubles with each failure past a few free ones and stops at a cap; it is forgotten after an
hour without failures. Nobody is ever locked out for good: at-risk volunteers share Tor exits, and
an attacker must not be able to lock a handler out during an emergency.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import ngettext

from rightsdesk.accounts.models import LoginThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int
    cap_seconds: int


def account_policy() -> ThrottlePolicy:
    return ThrottlePolicy(settings.LOGIN_FREE_FAILURES, settings.LOGIN_DELAY_CAP_SECONDS)


def client_policy() -> ThrottlePolicy:
    # Far gentler: one onion service or Tor exit may carry many honest people at once.
    return ThrottlePolicy(settings.LOGIN_FREE_FAILURES * 10, settings.LOGIN_DELAY_CAP_SECONDS // 4)


def throttle_key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:64]}"


def delay_after(failures: int, policy: ThrottlePolicy) -> float:
    if failures < policy.free_failures:
        return 0.0
    return float(min(policy.cap_seconds, 2 ** (failures - policy.free_failures)))


def seconds_to_wait(key: str, policy: ThrottlePolicy, *, now: datetime) -> int:
    record = LoginThrottle.objects.filter(key=key).first()
    if record is None:
        return 0
    elapsed = (now - record.last_failure_at).total_seconds()
    if elapsed > settings.LOGIN_FAILURE_MEMORY_SECONDS:
        return 0
    remaining = delay_after(record.failures, policy) - elapsed
    return max(0, math.ceil(remaining))


def record_failure(key: str, *, now: datetime) -> None:
    forget_before = now - timedelta(seconds=settings.LOGIN_FAILURE_MEMORY_SECONDS)
    with transaction.atomic():
        LoginThrottle.objects.filter(key=key, last_failure_at__lt=forget_before).update(failures=0)
        updated = LoginThrottle.objects.filter(key=key).update(
            failures=F("failures") + 1, last_failure_at=now
        )
        if not updated:
            LoginThrottle.objects.get_or_create(
                key=key, defaults={"failures": 1, "last_failure_at": now}
            )


def forget(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def wait_message(seconds: int) -> str:
    """The one sentence, in the reader's language, that says how long to wait."""
    return ngettext(
        "Too many attempts. Please wait %(seconds)d second and try again.",
        "Too many attempts. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}
