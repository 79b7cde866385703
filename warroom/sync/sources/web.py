"""HTTP for listeners: bounded answers, and a refused login told apart from other failures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warroom.sync import http
from warroom.sync.outcomes import TransientError
from warroom.sync.sources import SourceAuthError

if TYPE_CHECKING:
    import requests

#: The most a listener reads of one answer; a larger one is refused, not read into memory.
MAX_ANSWER_BYTES = 8 * 1024 * 1024


def fetch_bytes(
    session: requests.Session,
    url: str,
    *,
    settings: Mapping[str, Any],
    secrets: Iterable[str],
    what: str,
    now: datetime,
    source_name: str,
    max_bytes: int = MAX_ANSWER_BYTES,
    **kwargs: Any,
) -> tuple[bytes, Mapping[str, str]]:
    """GET ``url``; return the body (at most ``max_bytes``) and the headers.

    401/403 raise SourceAuthError; 429/503 and server errors TransientError (with the
    server's Retry-After); a connection lost mid-answer is transient too (reading changes
    nothing on the server).
    """
    hidden = list(secrets)
    try:
        response = http.send(
            session,
            "GET",
            url,
            settings=settings,
            secrets=hidden,
            what=what,
            stream=True,
            **kwargs,
        )
    except http.MaybeSent as error:
        raise TransientError(str(error)) from None
    with response:
        if response.status_code in (401, 403):
            reason = http.server_reason(response, hidden)
            raise SourceAuthError(
                f"{what}: HTTP {response.status_code}"
                + (f" {reason}" if reason else "")
                + f" (the credentials were rejected; run 'warroom source add {source_name} ...'"
                " again with a valid secret)"
            )
        http.raise_for_status(response, what=what, secrets=hidden, now=now)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise TransientError(f"{what}: the answer is {int(declared):,} bytes; not read")
        chunks = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise TransientError(
                        f"{what}: the answer is over {max_bytes:,} bytes; not read"
                    )
                chunks.append(chunk)
        except OSError as error:
            raise TransientError(
                f"{what}: the answer was cut off ({type(error).__name__})"
            ) from None
        except Exception as error:  # requests' own ChunkedEncodingError, ProtocolError...
            if isinstance(error, TransientError):
                raise
            raise TransientError(
                f"{what}: the answer was cut off ({type(error).__name__})"
            ) from None
        return b"".join(chunks), dict(response.headers)


def fetch_json(session: requests.Session, url: str, **kwargs: Any) -> Any:
    """GET ``url`` and parse its JSON; an answer that is not JSON is a transient error."""
    body, _headers = fetch_bytes(session, url, **kwargs)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise TransientError(f"{kwargs.get('what', url)}: the answer was not JSON") from None
