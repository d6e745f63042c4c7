"""How long a client over a rate limit waits, said from the configured rate (django-ratelimit syntax).

The limits count in fixed windows: "10/h" lets 10 requests through per hour, counted from a moment set
per key, so a refused client can try again when the window ends, at most one period later. The pages
that refuse say that period in minutes, from the same setting the limit uses.
"""

import math
import re

_RATE = re.compile(r"^\s*\d+\s*/\s*(\d*)\s*([smhd])\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def rate_wait_minutes(rate: str) -> int:
    """The longest wait, in whole minutes (at least 1), before a client refused under `rate` is let in again.

    "10/h" → 60, "5/m" → 1, "100/2h" → 120, "3/d" → 1440. A rate that is not in this syntax raises
    ValueError (the limit itself would fail on it too).
    """
    match = _RATE.match(rate or "")
    if match is None:
        raise ValueError(f"not a rate: {rate!r}")
    multiplier, unit = match.groups()
    seconds = int(multiplier or 1) * _SECONDS[unit.lower()]
    return max(1, math.ceil(seconds / 60))
