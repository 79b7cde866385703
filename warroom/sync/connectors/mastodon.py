"""Mastodon: ``POST /api/v1/statuses`` with a bearer token and an ``Idempotency-Key``.

Mastodon remembers an Idempotency-Key for one hour only. A row whose first attempt is older
than that and whose outcome is unknown is first looked for among the account's own recent
statuses (``GET /api/v1/accounts/:id/statuses``) instead of being posted blindly again.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, as_utc, parse_iso, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync import http
from warroom.sync.connectors import ensure_fits
from warroom.sync.outcomes import DeliveryResult, PermanentError, TransientError

#: Reconcile before Mastodon forgets the key (1 h), with a margin for clock skew.
KEY_LIFETIME = timedelta(minutes=55)
RECENT_STATUSES = 40
_TAG = re.compile(r"<[^>]+>")


class MastodonConnector:
    """Posts statuses to one Mastodon account."""

    idempotent = True

    def __init__(self, channel: Channel, secret: str, *, clock: Clock = utc_now) -> None:
        self._channel = channel
        self._settings = dict(channel.settings)
        self._base = str(self._settings.get("url") or "").rstrip("/")
        if not self._base:
            raise PermanentError(f"channel {channel.name!r} has no instance --url")
        if not secret:
            raise PermanentError(f"channel {channel.name!r} has no access token in the keychain")
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)
        self._session.headers["Authorization"] = f"Bearer {secret}"
        self._api = http.JsonApi(self._session, self._base, self._settings, secret, clock)
        self._account_id: str | None = None

    def check(self) -> str:
        """Call verify_credentials: proves the token and names the account."""
        account = self._api.request("GET", "/api/v1/accounts/verify_credentials", "Mastodon login")
        self._account_id = str(account.get("id", ""))
        return f"authenticated as @{account.get('acct') or account.get('username') or '?'}"

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Post the statement; a retry carries the same Idempotency-Key."""
        ensure_fits(self._channel, row.text)
        if self._needs_reconciling(row):
            found = self._find_posted(row)
            if found is not None:
                return found
        body: dict[str, Any] = {"status": row.text, "visibility": "public"}
        if row.thread.get("status_id"):
            # An answer to an inbox item: in its thread (the text already mentions the author).
            body["in_reply_to_id"] = str(row.thread["status_id"])
        try:
            status = self._api.request(
                "POST",
                "/api/v1/statuses",
                "Mastodon post",
                json=body,
                headers={"Idempotency-Key": row.idempotency_key},
            )
        except http.MaybeSent as error:
            # Safe to retry: the server deduplicates on the Idempotency-Key.
            raise TransientError(str(error)) from None
        return DeliveryResult(
            remote_id=str(status.get("id", "")),
            remote_url=str(status.get("url") or status.get("uri") or ""),
        )

    def _needs_reconciling(self, row: Delivery) -> bool:
        if row.attempts <= 1 or row.first_attempt_at is None:
            return False
        return self._clock() - as_utc(row.first_attempt_at) >= KEY_LIFETIME

    def _find_posted(self, row: Delivery) -> DeliveryResult | None:
        """Look for the statement among the account's own recent statuses."""
        try:
            if not self._account_id:
                self.check()
            statuses = self._api.request(
                "GET",
                f"/api/v1/accounts/{self._account_id}/statuses",
                "Mastodon reconciliation",
                params={"limit": RECENT_STATUSES},
            )
        except http.MaybeSent as error:
            raise TransientError(str(error)) from None
        since = as_utc(row.first_attempt_at or row.created_at) - timedelta(minutes=5)
        wanted = _normalise(row.text)
        for status in statuses if isinstance(statuses, list) else []:
            if _created(status) < since:
                continue
            if _normalise(_plain_text(str(status.get("content", "")))) == wanted:
                return DeliveryResult(
                    remote_id=str(status.get("id", "")),
                    remote_url=str(status.get("url") or status.get("uri") or ""),
                    detail="found among the account's statuses after an interrupted attempt",
                )
        return None

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()


def _plain_text(content: str) -> str:
    """Turn Mastodon's HTML content back into text (paragraphs and line breaks kept)."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", content)
    text = re.sub(r"(?i)</p>\s*<p>", "\n\n", text)
    return html.unescape(_TAG.sub("", text))


def _normalise(text: str) -> str:
    return "".join(text.split())


def _created(status: dict[str, Any]) -> datetime:
    try:
        return parse_iso(str(status.get("created_at", "")))
    except ValueError:
        return datetime.max.replace(tzinfo=as_utc(datetime.now()).tzinfo)
