"""One requests.Session per channel, and HTTP failures mapped to delivery outcomes.

requests honours the system proxy variables (``trust_env``), verifies TLS certificates
(always; a channel may name its own CA bundle) and never retries by itself: retries and
backoff belong to the outbox worker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warroom import __version__
from warroom.sync.backoff import parse_retry_after
from warroom.sync.outcomes import DeliveryError, PermanentError, TransientError
from warroom.sync.redact import one_line, scrub

if TYPE_CHECKING:
    import requests

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 413, 414, 415, 422})
USER_AGENT = f"warroom/{__version__}"


class MaybeSent(DeliveryError):
    """The request may have reached the server but no answer came back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def timeouts(settings: Mapping[str, Any]) -> tuple[float, float]:
    """Return (connect, read) timeouts in seconds from a channel's settings."""
    connect = float(settings.get("connect_timeout") or DEFAULT_CONNECT_TIMEOUT)
    read = float(settings.get("read_timeout") or DEFAULT_READ_TIMEOUT)
    return connect, read


def make_session(settings: Mapping[str, Any]) -> requests.Session:
    """Return a session that verifies TLS (with the channel's CA bundle, if any)."""
    import requests

    session = requests.Session()
    session.trust_env = True
    ca_bundle = settings.get("ca_bundle")
    session.verify = str(ca_bundle) if ca_bundle else True
    session.headers["User-Agent"] = USER_AGENT
    return session


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    settings: Mapping[str, Any],
    secrets: Iterable[str],
    what: str,
    **kwargs: Any,
) -> requests.Response:
    """Make one request; map failures to TransientError (nothing sent) or MaybeSent.

    HTTP error statuses are left for :func:`raise_for_status`.
    """
    import requests

    hidden = list(secrets)
    try:
        # verify is passed per request: with trust_env, requests would otherwise let
        # $REQUESTS_CA_BUNDLE override the session's (the channel's) CA bundle.
        return session.request(
            method, url, timeout=timeouts(settings), verify=session.verify, **kwargs
        )
    except requests.exceptions.SSLError as error:
        found = re.search(r"certificate verify failed: [^'\"(]+", str(error))
        detail = found.group(0).strip() if found else _reason(error, hidden)
        raise TransientError(
            f"{what}: TLS failed ({detail}); check the server's certificate "
            "or the channel's --ca-bundle",
            unreachable=True,
        ) from None
    except (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError) as error:
        raise TransientError(
            f"{what}: could not connect ({_reason(error, hidden)})", unreachable=True
        ) from None
    except requests.exceptions.ReadTimeout:
        raise MaybeSent(f"{what}: no answer within {timeouts(settings)[1]:g} s") from None
    except requests.exceptions.ConnectionError as error:
        if _never_connected(error):
            raise TransientError(
                f"{what}: could not connect ({_reason(error, hidden)})", unreachable=True
            ) from None
        raise MaybeSent(f"{what}: the connection broke ({_reason(error, hidden)})") from None
    except requests.exceptions.RequestException as error:
        raise PermanentError(f"{what}: {_reason(error, hidden)}") from None


def _never_connected(error: Exception) -> bool:
    """Tell whether a ConnectionError happened before any byte of the request was sent."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, NameResolutionError, ConnectionRefusedError)):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException) and id(reason) not in seen:
            current = reason
            continue
        nested = current.args[0] if current.args else None
        if isinstance(nested, BaseException) and id(nested) not in seen:
            current = nested
            continue
        current = current.__cause__ or current.__context__
    return False


def _reason(error: Exception, secrets: list[str]) -> str:
    """Return a short, secret-free reason (the innermost cause, without the object reprs)."""
    text = str(error)
    for marker in ("Caused by ", "(Caused by "):
        if marker in text:
            text = text.split(marker, 1)[1].rstrip(")")
    found = _PLAIN_REASON.search(text)
    if found:
        text = found.group(0).strip()
    return one_line(scrub(text, secrets), 200)


_PLAIN_REASON = re.compile(
    r"Failed to establish a new connection: [^\"]+|Failed to resolve '[^']+'|"
    r"\[Errno -?\d+\] [^\"'()]+|Remote end closed connection without response|"
    r"Connection (?:refused|reset by peer|aborted)"
)


def raise_for_status(
    response: requests.Response,
    *,
    what: str,
    secrets: Iterable[str],
    now: datetime,
    permanent: Callable[[int], bool] = PERMANENT_STATUSES.__contains__,
) -> None:
    """Raise PermanentError or TransientError for a non-2xx answer, with the server's reason."""
    status = response.status_code
    if 200 <= status < 300:
        return
    detail = server_reason(response, list(secrets))
    message = f"{what}: HTTP {status}" + (f" {detail}" if detail else "")
    if status == 429 or status == 503:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
        suffix = f" (retry after {retry_after:g} s)" if retry_after is not None else ""
        raise TransientError(message + suffix, retry_after=retry_after)
    if status in (401, 403):
        raise PermanentError(
            message + " (the credentials were rejected; run 'warroom "
            "channel add' again with a valid secret)"
        )
    if permanent(status):
        raise PermanentError(message)
    raise TransientError(message)


def request_json(
    session: requests.Session,
    method: str,
    url: str,
    *,
    settings: Mapping[str, Any],
    secret: str,
    what: str,
    now: Callable[[], datetime],
    **kwargs: Any,
) -> Any:
    """Send one API request (see :func:`send`), refuse a non-2xx answer (see
    :func:`raise_for_status`) and return the answer's JSON; an answer that is not JSON is
    transient. The one request path of the JSON APIs (Mastodon, Matrix, Statuspage)."""
    response = send(session, method, url, settings=settings, secrets=[secret], what=what, **kwargs)
    with response:
        raise_for_status(response, what=what, secrets=[secret], now=now())
        try:
            return response.json()
        except ValueError:
            raise TransientError(f"{what}: the answer was not JSON") from None


@dataclass(frozen=True)
class JsonApi:
    """One account on a JSON API (Mastodon, Matrix, Statuspage): its session, its base URL,
    the channel's settings and the secret its answers must never echo."""

    session: requests.Session
    base: str
    settings: Mapping[str, Any]
    secret: str
    now: Callable[[], datetime]

    def request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        """Send ``method`` to ``path`` under the base URL (see :func:`request_json`)."""
        return request_json(
            self.session,
            method,
            self.base + path,
            settings=self.settings,
            secret=self.secret,
            what=what,
            now=self.now,
            **kwargs,
        )


def server_reason(response: requests.Response, secrets: list[str]) -> str:
    """Return the error text the server gave (JSON 'error'/'message', else the body start)."""
    text = ""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("error", "message", "error_description") if body.get(k)]
        text = ": ".join(dict.fromkeys(parts))
    elif response.text and "html" not in response.headers.get("Content-Type", ""):
        text = response.text
    return one_line(scrub(text, secrets), 200)
