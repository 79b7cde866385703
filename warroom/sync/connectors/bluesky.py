"""Bluesky: ``createSession`` then ``createRecord`` in ``app.bsky.feed.post``.

Each outbox row gets a record key (a TID) once, so a retry names the same record and can
never create a second post. The reference server answers a second create with the same key
with HTTP 500, so before retrying a row whose outcome is unknown we ask ``getRecord`` for
that key (absent: HTTP 400 ``RecordNotFound``) and record the existing post instead.
"""

from __future__ import annotations

import re
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, as_utc, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync import http, tid
from warroom.sync.connectors import ensure_fits
from warroom.sync.outcomes import DeliveryResult, PermanentError, TransientError

DEFAULT_SERVICE = "https://bsky.social"
COLLECTION = "app.bsky.feed.post"
APP_URL = "https://bsky.app"
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}'\""


def link_facets(text: str) -> list[dict[str, Any]]:
    """Return ``app.bsky.richtext.facet`` link facets for the URLs in ``text``.

    Offsets count UTF-8 *bytes*, as the lexicon requires.
    """
    facets = []
    for match in _URL.finditer(text):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        start = len(text[: match.start()].encode("utf-8"))
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(url.encode("utf-8"))},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            }
        )
    return facets


def iso_millis(moment: Any) -> str:
    """Render a datetime as the lexicon's datetime (UTC, milliseconds, ``Z``)."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class _Expired(TransientError):
    """The access token expired: log in again and repeat the call once."""


class BlueskyConnector:
    """Posts to one Bluesky account through its PDS (``--url``, default bsky.social)."""

    idempotent = True

    def __init__(self, channel: Channel, secret: str, *, clock: Clock = utc_now) -> None:
        self._channel = channel
        self._settings = dict(channel.settings)
        self._base = str(self._settings.get("url") or DEFAULT_SERVICE).rstrip("/")
        self._handle = str(self._settings.get("handle") or "")
        if not self._handle:
            raise PermanentError(f"channel {channel.name!r} has no --handle")
        if not secret:
            raise PermanentError(f"channel {channel.name!r} has no app password in the keychain")
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)
        self._access: str | None = None
        self._did = ""

    def _hidden(self) -> list[str]:
        return [self._secret, self._access or ""]

    def _call(self, method: str, nsid: str, what: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if self._access:
            headers["Authorization"] = f"Bearer {self._access}"
        response = http.send(
            self._session,
            method,
            f"{self._base}/xrpc/{nsid}",
            settings=self._settings,
            secrets=self._hidden(),
            what=what,
            headers=headers,
            **kwargs,
        )
        with response:
            if response.status_code in (400, 401) and _error_name(response) == "ExpiredToken":
                self._access = None
                raise _Expired(f"{what}: the session expired; logging in again")
            http.raise_for_status(response, what=what, secrets=self._hidden(), now=self._clock())
            return response.json()

    def _login(self) -> None:
        if self._access:
            return
        self._access = None
        try:
            data = self._call(
                "POST",
                "com.atproto.server.createSession",
                "Bluesky login",
                json={"identifier": self._handle, "password": self._secret},
            )
        except http.MaybeSent as error:
            raise TransientError(str(error)) from None
        self._access = str(data.get("accessJwt") or "")
        self._did = str(data.get("did") or "")
        self._handle = str(data.get("handle") or self._handle)
        if not self._access or not self._did:
            raise TransientError("Bluesky login: the answer had no session")

    def check(self) -> str:
        """Create a session: proves the handle and app password."""
        self._access = None
        self._login()
        return f"authenticated as @{self._handle} ({self._did})"

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Create the post under the row's record key, or find it if a try already did."""
        rkey = row.record_key
        if not tid.is_valid(rkey):
            raise PermanentError(f"outbox row {row.id} has no valid record key ({rkey!r})")
        ensure_fits(self._channel, row.text)
        try:
            try:
                return self._publish(row, rkey)
            except _Expired:
                return self._publish(row, rkey)  # _call dropped the session: log in afresh
        except http.MaybeSent as error:
            # Safe to retry: the next attempt asks getRecord first.
            raise TransientError(str(error)) from None

    def _publish(self, row: Delivery, rkey: str) -> DeliveryResult:
        """Log in if needed, look for an earlier try's record, else create the record."""
        self._login()
        if row.attempts > 1:
            existing = self._get_record(row, rkey)
            if existing is not None:
                return existing
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": row.text,
            "createdAt": iso_millis(row.first_attempt_at or self._clock()),
        }
        facets = link_facets(row.text)
        if facets:
            record["facets"] = facets
        root, parent = row.thread.get("root"), row.thread.get("parent")
        if isinstance(root, dict) and isinstance(parent, dict):
            # An answer to an inbox item: app.bsky.feed.post#replyRef (strong refs).
            record["reply"] = {
                "root": {"uri": str(root["uri"]), "cid": str(root["cid"])},
                "parent": {"uri": str(parent["uri"]), "cid": str(parent["cid"])},
            }
        data = self._call(
            "POST",
            "com.atproto.repo.createRecord",
            "Bluesky post",
            json={"repo": self._did, "collection": COLLECTION, "rkey": rkey, "record": record},
        )
        return self._result(str(data.get("uri", "")), rkey)

    def _get_record(self, row: Delivery, rkey: str) -> DeliveryResult | None:
        """Return the post stored under ``rkey``, or None when the server has none.

        A post with another text under the key is not this row's: counting the row as sent
        would lose it silently, so it fails with the reason instead.
        """
        response = http.send(
            self._session,
            "GET",
            f"{self._base}/xrpc/com.atproto.repo.getRecord",
            settings=self._settings,
            secrets=self._hidden(),
            what="Bluesky lookup",
            params={"repo": self._did, "collection": COLLECTION, "rkey": rkey},
            headers={"Authorization": f"Bearer {self._access}"} if self._access else {},
        )
        with response:
            if response.status_code in (400, 404) and _error_name(response) in (
                "RecordNotFound",
                "NotFound",
                "",
            ):
                return None
            http.raise_for_status(
                response, what="Bluesky lookup", secrets=self._hidden(), now=self._clock()
            )
            data = response.json()
        value = data.get("value") if isinstance(data, dict) else None
        if isinstance(value, dict) and value.get("text") != row.text:
            raise PermanentError(
                f"outbox row {row.id}: its record key {rkey} already holds another post; "
                "nothing was sent"
            )
        result = self._result(str(data.get("uri", "")), rkey)
        return DeliveryResult(
            result.remote_id,
            result.remote_url,
            "found under its record key after an interrupted attempt",
        )

    def _result(self, uri: str, rkey: str) -> DeliveryResult:
        return DeliveryResult(
            remote_id=uri or f"at://{self._did}/{COLLECTION}/{rkey}",
            remote_url=f"{APP_URL}/profile/{self._handle}/post/{rkey}",
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()


def _error_name(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""
