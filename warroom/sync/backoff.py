"""When to try a delivery again: exponential backoff with jitter, and ``Retry-After``."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Backoff:
    """Delays of ``base * 2**(attempt-1)`` seconds, capped, with 'equal jitter'.

    Half of each delay is fixed and half random, so retries spread out without ever coming
    back sooner than half the nominal delay.
    """

    base: float = 2.0
    cap: float = 900.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Return seconds to wait after failed attempt number ``attempt`` (1-based)."""
        nominal = min(self.cap, self.base * float(2 ** min(max(0, attempt - 1), 30)))
        jittered = nominal / 2 + float(self.rng.uniform(0, nominal / 2))
        if retry_after is not None:
            # The server's wish wins when it is longer; never come back before it.
            return max(retry_after, min(jittered, self.base))
        return jittered


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Parse a ``Retry-After`` header (seconds or an HTTP date) into seconds from ``now``."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
