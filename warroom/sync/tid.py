"""AT Protocol TIDs (timestamp identifiers), used as client-chosen Bluesky record keys.

A TID is 64 bits: a zero top bit, 53 bits of microseconds since the Unix epoch and a 10-bit
clock id, written as 13 characters of base32-sortable (``234567a-z``).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
TID_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def encode(value: int) -> str:
    """Encode a non-negative 64-bit integer with a zero top bit as 13 characters."""
    if not 0 <= value < 1 << 63:
        raise ValueError("a TID holds 63 bits")
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def decode(tid: str) -> int:
    """Return the integer a TID encodes (raises ValueError if it is not a TID)."""
    if not is_valid(tid):
        raise ValueError(f"{tid!r} is not a TID")
    value = 0
    for char in tid:
        value = value * 32 + ALPHABET.index(char)
    return value


def make_tid(at: datetime, clock_id: int | None = None) -> str:
    """Return a TID for the moment ``at`` (an aware datetime) and a clock id (random)."""
    micros = int(at.timestamp() * 1_000_000)
    clock = secrets.randbelow(1024) if clock_id is None else clock_id
    if not 0 <= clock < 1024:
        raise ValueError("the clock id holds 10 bits")
    return encode((micros << 10) | clock)


def is_valid(tid: str) -> bool:
    """Tell whether ``tid`` has TID syntax."""
    return bool(TID_PATTERN.match(tid))
