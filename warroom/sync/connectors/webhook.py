"""Webhook (Slack/Teams bridges, status pages): one JSON POST per statement.

The body carries the text and the incident, statement and outbox ids. Every request has an
``Idempotency-Key`` header; with a secret set, ``X-Warroom-Signature: sha256=<hex>`` is the
HMAC-SHA256 of the exact body bytes, so the receiver can check where it came from. A webhook
cannot be asked whether it already got a message, so a broken exchange leaves the row
*uncertain* for a person to decide.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, iso_utc, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync import http
from warroom.sync.connectors import ensure_fits
from warroom.sync.outcomes import DeliveryResult, PermanentError, UncertainError

SIGNATURE_HEADER = "X-Warroom-Signature"
TEST_EVENT = "warroom.test"


def signature(secret: str, body: bytes) -> str:
    """Return the signature header value for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def payload(row: Delivery, at: Any) -> bytes:
    """Return the JSON body for ``row``."""
    document = {
        "event": "statement.published",
        "text": row.text,
        "subject": row.subject,
        "incident": row.incident_id,
        "statement": row.statement_id,
        "outbox": row.id,
        "idempotency_key": row.idempotency_key,
        "sent_at": iso_utc(at),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_payload(at: Any) -> bytes:
    """Return the body of ``channel test``: marked as a test, never taken for a statement."""
    document = {
        "event": TEST_EVENT,
        "test": True,
        "text": "War Room channel test: this is not a statement; nothing to publish.",
        "sent_at": iso_utc(at),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookConnector:
    """POSTs statements to one URL."""

    idempotent = False

    def __init__(self, channel: Channel, secret: str, *, clock: Clock = utc_now) -> None:
        self._channel = channel
        self._settings = dict(channel.settings)
        self._url = str(self._settings.get("url") or "")
        if not self._url:
            raise PermanentError(f"channel {channel.name!r} has no --url")
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)

    def check(self) -> str:
        """POST a signed test event, exactly as a statement would go, and report the status.

        The body is ``{"event": "warroom.test", ...}`` so a receiver can tell it from a
        statement (and check the signature); any answer other than 2xx is a failure with
        the server's reason.
        """
        body = test_payload(self._clock())
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        if self._secret:
            headers[SIGNATURE_HEADER] = signature(self._secret, body)
        response = http.send(
            self._session,
            "POST",
            self._url,
            settings=self._settings,
            secrets=[self._secret],
            what="webhook test",
            data=body,
            headers=headers,
        )
        with response:
            http.raise_for_status(
                response,
                what="webhook test",
                secrets=[self._secret],
                now=self._clock(),
                permanent=lambda _status: True,
            )
            signed = "signed " if self._secret else "unsigned "
            return f"webhook accepted the {signed}test event (HTTP {response.status_code})"

    def deliver(self, row: Delivery) -> DeliveryResult:
        """POST the statement once."""
        ensure_fits(self._channel, row.text)
        body = payload(row, self._clock())
        headers = {"Content-Type": "application/json", "Idempotency-Key": row.idempotency_key}
        if self._secret:
            headers[SIGNATURE_HEADER] = signature(self._secret, body)
        try:
            response = http.send(
                self._session,
                "POST",
                self._url,
                settings=self._settings,
                secrets=[self._secret],
                what="webhook",
                data=body,
                headers=headers,
            )
        except http.MaybeSent as error:
            raise UncertainError(f"{error}; it may or may not have been delivered") from None
        with response:
            http.raise_for_status(
                response, what="webhook", secrets=[self._secret], now=self._clock()
            )
            return DeliveryResult(
                remote_id=row.idempotency_key, detail=f"HTTP {response.status_code}"
            )

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()
