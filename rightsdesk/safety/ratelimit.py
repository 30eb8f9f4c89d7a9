"""A per-minute budget of footprint checks, per client and in all.

A check costs the wikis a request and the server a parse of up to a megabyte, so a client may run
only a few a minute, and everyone together a few more. The client is known only by a keyed hash
of its address, kept in this process's memory cache for the minute it counts and never written
to the database or a log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from rightsdesk.accounts.throttle import throttle_key
from rightsdesk.core.clock import now

WINDOW_SECONDS = 60
CACHE_ALIAS = "default"


def client_key(request: HttpRequest) -> str:
    """The client's address, hashed under the server's key as the sign-in throttle does."""
    address = str(request.META.get(settings.CLIENT_ADDRESS_HEADER, ""))
    return throttle_key("footprint-client", address)


def _spend(key: str, limit: int) -> bool:
    cache = caches[CACHE_ALIAS]
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new minute
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit


def footprint_check_allowed(request: HttpRequest) -> bool:
    """Counts one check for this client and in all; False when either budget is spent."""
    window = int(now().timestamp() // WINDOW_SECONDS)
    # The client's own budget first, so that one client past it cannot spend everyone's.
    client = f"footprint:client:{window}:{client_key(request)}"
    if not _spend(client, settings.FOOTPRINT_CHECKS_PER_MINUTE):
        return False
    return _spend(f"footprint:all:{window}", settings.FOOTPRINT_CHECKS_PER_MINUTE_ALL)
