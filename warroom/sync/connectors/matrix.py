"""Matrix: one ``m.room.message`` per statement, through the client-server API.

``PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`` with the outbox row's
idempotency key as the transaction id: the homeserver answers a repeated transaction with
the event it already made, so a retry after a lost answer posts nothing twice. The event
carries the plain ``body``, an ``org.matrix.custom.html`` ``formatted_body`` (the statement's
Markdown subset, escaped) and the idempotency key itself under
``org.warroom.idempotency_key``.

A homeserver deduplicates a transaction id only for the same access token (Synapse: the same
device) and for about a day. So when the token changed since the row was first claimed (the
claim stores a keyed fingerprint of the token, never the token), or the first attempt is
older than that, the room's recent events are searched for the key before sending again.

A room alias (``#room:server``) is resolved once (``GET /directory/room/{alias}``) and the
room id kept in the channel's settings. Room ids are opaque (room version 12 ids carry no
server name): they are only ever quoted into paths, never parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, as_utc, utc_now
from warroom.domain.markup import to_html
from warroom.domain.outbox import Delivery
from warroom.sync import http
from warroom.sync.connectors import ChannelMemory, ForgetfulMemory, ensure_fits
from warroom.sync.outcomes import DeliveryResult, PermanentError, TransientError

IDEMPOTENCY_FIELD = "org.warroom.idempotency_key"
API = "/_matrix/client/v3"
#: Synapse forgets transaction ids after 24 hours; look first, well before that.
TXN_MEMORY = timedelta(hours=23)
#: How far back the room's history is searched for an earlier attempt.
LOOKUP_PAGES = 5
LOOKUP_PAGE_SIZE = 100
LOOKUP_MARGIN = timedelta(minutes=5)


def token_mark(token: str, idempotency_key: str) -> str:
    """Return a short keyed fingerprint of ``token`` (tells a changed token, reveals nothing)."""
    digest = hmac.new(token.encode("utf-8"), idempotency_key.encode("ascii"), hashlib.sha256)
    return "mx" + digest.hexdigest()[:16]


def event_content(row: Delivery) -> dict[str, Any]:
    """Return the ``m.room.message`` content of ``row``."""
    text = row.text.strip()
    return {
        "msgtype": "m.text",
        "body": text,
        "format": "org.matrix.custom.html",
        "formatted_body": to_html(text),
        IDEMPOTENCY_FIELD: row.idempotency_key,
    }


class MatrixConnector:
    """Sends statements to one Matrix room as one user (an access token in the keychain)."""

    idempotent = True

    def __init__(
        self,
        channel: Channel,
        secret: str,
        *,
        clock: Clock = utc_now,
        memory: ChannelMemory | None = None,
    ) -> None:
        self._channel = channel
        self._settings = dict(channel.settings)
        self._base = str(self._settings.get("url") or "").rstrip("/")
        self._room = str(self._settings.get("room") or "")
        self._room_id = str(self._settings.get("room_id") or "")
        if not self._base:
            raise PermanentError(f"channel {channel.name!r} has no homeserver --url")
        if not self._room:
            raise PermanentError(f"channel {channel.name!r} has no --room")
        if not secret:
            raise PermanentError(f"channel {channel.name!r} has no access token in the keychain")
        self._secret = secret
        self._clock = clock
        self._memory = memory or ForgetfulMemory()
        self._session = http.make_session(self._settings)
        self._session.headers["Authorization"] = f"Bearer {secret}"
        self._api = http.JsonApi(self._session, self._base, self._settings, secret, clock)

    def room_id(self) -> str:
        """Return the room id, resolving an alias once (and keeping the answer)."""
        if self._room_id:
            return self._room_id
        if self._room.startswith("!"):
            self._room_id = self._room
            return self._room_id
        answer = self._api.request(
            "GET", f"{API}/directory/room/{quote(self._room, safe='')}", "Matrix room alias"
        )
        room_id = str(answer.get("room_id") or "") if isinstance(answer, dict) else ""
        if not room_id.startswith("!"):
            raise PermanentError(f"Matrix room alias {self._room}: no room id in the answer")
        self._memory.remember_setting("room_id", room_id)
        self._room_id = room_id
        return room_id

    def check(self) -> str:
        """Call whoami (proves the token) and resolve the room alias if there is one."""
        me = self._api.request("GET", f"{API}/account/whoami", "Matrix login")
        user = str(me.get("user_id") or "?") if isinstance(me, dict) else "?"
        room = self.room_id()
        where = f" (room {self._room} is {room})" if room != self._room else ""
        return f"authenticated as {user}{where}"

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Send the statement; a retry reuses the transaction id (or finds the event first)."""
        ensure_fits(self._channel, row.text)
        room_id = self.room_id()
        if self._needs_lookup(row):
            found = self._find_sent(row, room_id)
            if found is not None:
                return found
        path = (
            f"{API}/rooms/{quote(room_id, safe='')}/send/m.room.message/"
            f"{quote(row.idempotency_key, safe='')}"
        )
        try:
            answer = self._api.request("PUT", path, "Matrix send", json=event_content(row))
        except http.MaybeSent as error:
            # Safe to retry: the transaction id (or, with another token, the lookup) dedupes.
            raise TransientError(str(error)) from None
        event_id = str(answer.get("event_id") or "") if isinstance(answer, dict) else ""
        if not event_id:
            raise TransientError("Matrix send: the answer named no event")
        return DeliveryResult(remote_id=event_id)

    def _needs_lookup(self, row: Delivery) -> bool:
        """Tell whether the homeserver may not recognise this row's transaction id."""
        if row.attempts <= 1:
            return False
        if row.record_key != token_mark(self._secret, row.idempotency_key):
            return True  # another token (or an unknown one) made the earlier attempt
        first = row.first_attempt_at or row.created_at
        return self._clock() - as_utc(first) >= TXN_MEMORY

    def _find_sent(self, row: Delivery, room_id: str) -> DeliveryResult | None:
        """Look for the row's idempotency key among the room's recent messages."""
        since = as_utc(row.first_attempt_at or row.created_at) - LOOKUP_MARGIN
        since_ms = since.timestamp() * 1000
        params: dict[str, Any] = {
            "dir": "b",
            "limit": LOOKUP_PAGE_SIZE,
            "filter": json.dumps({"types": ["m.room.message"]}, separators=(",", ":")),
        }
        path = f"{API}/rooms/{quote(room_id, safe='')}/messages"
        try:
            for _page in range(LOOKUP_PAGES):
                answer = self._api.request("GET", path, "Matrix history", params=params)
                chunk = answer.get("chunk") if isinstance(answer, dict) else None
                for event in chunk if isinstance(chunk, list) else []:
                    content = event.get("content") if isinstance(event, dict) else None
                    if isinstance(content, dict) and (
                        content.get(IDEMPOTENCY_FIELD) == row.idempotency_key
                    ):
                        return DeliveryResult(
                            remote_id=str(event.get("event_id") or ""),
                            detail="found in the room after an interrupted attempt",
                        )
                oldest = min(
                    (float(e.get("origin_server_ts") or 0) for e in chunk or [] if e), default=0
                )
                end = answer.get("end") if isinstance(answer, dict) else None
                if not chunk or not end or oldest < since_ms:
                    return None
                params["from"] = end
        except http.MaybeSent as error:
            raise TransientError(str(error)) from None
        return None

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()
