"""Keep secrets out of every message a person or a log file can see."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

MASK = "***"
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+")


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with the given secrets, bearer tokens and JWTs masked."""
    result = text
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        for form in _forms(secret):
            result = result.replace(form, MASK)
    result = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", result)
    result = _JWT.sub(MASK, result)
    return _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, result)


def _forms(secret: str) -> list[str]:
    """The secret as it may appear: plain, URL-quoted, base64 (SMTP AUTH)."""
    from urllib.parse import quote

    forms = [secret, quote(secret, safe=""), base64.b64encode(secret.encode()).decode()]
    return [form for form in dict.fromkeys(forms) if form]


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace and cut ``text`` to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
