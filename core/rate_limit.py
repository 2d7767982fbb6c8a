"""A per-address limit on what one client may send (SPEC §9: registrations), kept in Django's cache.

The address itself is personal data: the cache keeps a keyed hash of it, never the address.
"""

from __future__ import annotations

import re
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`"20/h"` → (20, 3600); `"0"` or empty → (0, 0): no limit."""
    rate = (rate or "0").strip()
    if rate == "0":
        return 0, 0
    match = re.fullmatch(r"(\d+)/(\d*)([smhd])", rate)
    if not match:
        raise ValueError(f"a rate is 'count/period' such as 20/h or 100/d, or 0 for none: {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * PERIODS[unit]


def client_address(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def over_limit(request, scope: str, rate: str) -> bool:
    """Count one more request of this client in `scope`; True when it goes over `rate`."""
    count, period = parse_rate(rate)
    if not count:
        return False
    window = int(time.time() // period)
    client = salted_hmac(f"rate-limit.{scope}", client_address(request), algorithm="sha256").hexdigest()[:32]
    key = f"rate:{scope}:{window}:{client}"
    cache.add(key, 0, timeout=period + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        used = 1
    return used > count
