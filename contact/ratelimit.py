"""
A limit on how many enquiries one client may send in a time window.

Each client address has CONTACT_RATE_LIMIT places, each taken by one submission for
CONTACT_RATE_LIMIT_WINDOW seconds: at most that many submissions in any window, and a refused
client is told (Retry-After) when its oldest place frees up. A place is taken with the cache's
`add`, which only one caller can win for a key, so two workers or threads counting the same client
at once never both take the same place (a read-then-write count could lose one).

The places live in the cache named by CONTACT_RATE_LIMIT_CACHE: Redis when configured (one count
for every worker and machine), otherwise the database cache (one count for every worker using the
same database). Only the client's address is used, and only as a hash in the cache key.

While Redis is down the limit fails open: django-redis ignores (and logs) the error and its `add`
answers None instead of True or False, and the enquiry goes through. Never lose a genuine
enquiry to an outage of the cache (docs/operations.md, "Faults").

Other forms reuse it with their own `scope`, limit and window (the articles' "Is this page
useful?" answers: conditions/views.py).
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

KEY_PREFIX = "contact:rate:"


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry added by the outermost of
    TRUSTED_PROXY_COUNT proxies. Entries further left are the client's own claims and ignored."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _bucket(ip: str) -> str:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        # One IPv6 subscriber usually has a whole /64: count it as one client.
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def rate_limit_take(
    request: HttpRequest, *, scope: str = "contact", limit: int | None = None, window: int | None = None
) -> int:
    """Take one of this client's places for an enquiry (or for what `scope` names: at most `limit`
    in any `window` seconds, the enquiry limits by default). Returns 0 when one was free,
    otherwise the number of seconds until the first place frees up (the 429's Retry-After)."""
    cache = caches[settings.CONTACT_RATE_LIMIT_CACHE]
    prefix = KEY_PREFIX if scope == "contact" else f"{scope}:rate:"
    key = prefix + hashlib.sha256(_bucket(client_ip(request)).encode()).hexdigest()[:32]
    window = window or settings.CONTACT_RATE_LIMIT_WINDOW
    limit = limit or settings.CONTACT_RATE_LIMIT
    now = time.time()
    places = [f"{key}:{number}" for number in range(limit)]
    for place in places:
        # The value is when the place frees up again, for Retry-After. None: the cache is down.
        if cache.add(place, now + window, timeout=window) is not False:
            return 0
    frees_at = [value for value in cache.get_many(places).values() if isinstance(value, int | float)]
    return max(1, math.ceil(min(frees_at, default=now + window) - now))
