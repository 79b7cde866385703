"""Webhook: one JSON POST per statement, in War Room's own format or a chat service's.

The format (``generic``, ``slack``, ``teams``, ``discord``; see ``chat_formats``) decides
the body; the generic body carries the text and the incident, statement and outbox ids.
Every request has an ``Idempotency-Key`` header; with a secret set,
``X-Warroom-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes, so the
receiver can check where it came from. A webhook
cannot be asked whether it already got a message, so a broken exchange leaves the row
*uncertain* for a person to decide.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

from warroom.domain.channels import Channel, WebhookFormat, webhook_format
from warroom.domain.clock import Clock, utc_now
from warroom.domain.outbox import Delivery
from warroom.sync import http
from warroom.sync.connectors import ensure_fits
from warroom.sync.connectors.chat_formats import TEST_EVENT, statement_body, test_body
from warroom.sync.outcomes import DeliveryResult, PermanentError, UncertainError

SIGNATURE_HEADER = "X-Warroom-Signature"
__all__ = [
    "SIGNATURE_HEADER",
    "TEST_EVENT",
    "WebhookConnector",
    "payload",
    "signature",
    "test_payload",
]


def signature(secret: str, body: bytes) -> str:
    """Return the signature header value for ``body``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def payload(row: Delivery, at: Any) -> bytes:
    """Return the generic JSON body for ``row``."""
    return statement_body(WebhookFormat.GENERIC, row, at)


def test_payload(at: Any) -> bytes:
    """Return the generic body of ``channel test``."""
    return test_body(WebhookFormat.GENERIC, at)


class WebhookConnector:
    """POSTs statements to one URL."""

    idempotent = False

    def __init__(self, channel: Channel, secret: str, *, clock: Clock = utc_now) -> None:
        self._channel = channel
        self._settings = dict(channel.settings)
        self._url = str(self._settings.get("url") or "")
        if not self._url:
            raise PermanentError(f"channel {channel.name!r} has no --url")
        self._format = webhook_format(self._settings)
        self._secret = secret
        self._clock = clock
        self._session = http.make_session(self._settings)
        # Discord answers 204 without a body unless asked to wait for the message.
        self._params = {"wait": "true"} if self._format is WebhookFormat.DISCORD else {}

    def check(self) -> str:
        """POST a signed test event, exactly as a statement would go, and report the status.

        The body is ``{"event": "warroom.test", ...}`` so a receiver can tell it from a
        statement (and check the signature); any answer other than 2xx is a failure with
        the server's reason.
        """
        body = test_body(self._format, self._clock())
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
            params=self._params,
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
            shape = "" if self._format is WebhookFormat.GENERIC else f"{self._format.value} "
            return f"webhook accepted the {signed}{shape}test event (HTTP {response.status_code})"

    def deliver(self, row: Delivery) -> DeliveryResult:
        """POST the statement once."""
        ensure_fits(self._channel, row.text)
        body = statement_body(self._format, row, self._clock())
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
                params=self._params,
            )
        except http.MaybeSent as error:
            raise UncertainError(f"{error}; it may or may not have been delivered") from None
        with response:
            http.raise_for_status(
                response, what="webhook", secrets=[self._secret], now=self._clock()
            )
            return DeliveryResult(
                remote_id=self._message_id(response) or row.idempotency_key,
                detail=f"HTTP {response.status_code}",
            )

    def _message_id(self, response: Any) -> str:
        """Return the id of the message a Discord webhook created (others say none)."""
        if self._format is not WebhookFormat.DISCORD:
            return ""
        try:
            answer = response.json()
        except ValueError:
            return ""
        return str(answer.get("id") or "") if isinstance(answer, dict) else ""

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()
