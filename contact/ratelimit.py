"""
A limit on how many enquiries one client may send in a time window.

Counted in the configured cache (Redis when set, so every gunicorn worker and machine shares one
count; per-process memory otherwise). A fixed window: the first submission starts it and the
count expires with it. Only the client's address is used, and only as a hash in the cache key.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
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


def rate_limit_hit(request: HttpRequest) -> bool:
    """Count one submission from this client; True when that goes over CONTACT_RATE_LIMIT."""
    key = KEY_PREFIX + hashlib.sha256(_bucket(client_ip(request)).encode()).hexdigest()[:32]
    window = settings.CONTACT_RATE_LIMIT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ran out between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.CONTACT_RATE_LIMIT
