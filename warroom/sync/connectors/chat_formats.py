"""The bodies a webhook channel sends, one per format: War Room's own JSON, Slack, Teams, Discord.

- generic: ``{"event": "statement.published", "text": ..., ids...}`` (receivers check the
  ``X-Warroom-Signature`` HMAC).
- slack: an incoming-webhook message, ``text`` plus ``blocks`` (one ``section`` of
  ``mrkdwn``). ``&``, ``<`` and ``>`` are escaped as Slack's docs require, so ``<!channel>``
  or ``<@U123>`` typed in a statement arrive as text and ping nobody; ``verbatim`` stops
  Slack's automatic parsing of names and mentions.
- teams: a Microsoft Teams Workflows message carrying one Adaptive Card (a title
  TextBlock when the statement has a subject, then the text; Teams renders ``**``/``_``
  Markdown in TextBlocks). Plain text mentions nobody in Teams.
- discord: ``content`` (Discord renders the same Markdown subset) with
  ``allowed_mentions: {"parse": []}``, so ``@everyone`` and ``<@id>`` ping nobody.
"""

from __future__ import annotations

import json
from typing import Any

from warroom.domain.channels import WebhookFormat
from warroom.domain.clock import iso_utc
from warroom.domain.markup import to_slack, to_teams
from warroom.domain.outbox import Delivery

TEST_EVENT = "warroom.test"
TEST_TEXT = "War Room channel test: this is not a statement; nothing to publish."
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def _dump(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def generic_document(row: Delivery, at: Any) -> dict[str, Any]:
    """Return War Room's own JSON for ``row``."""
    return {
        "event": "statement.published",
        "text": row.text,
        "subject": row.subject,
        "incident": row.incident_id,
        "statement": row.statement_id,
        "outbox": row.id,
        "idempotency_key": row.idempotency_key,
        "sent_at": iso_utc(at),
    }


def slack_document(text: str) -> dict[str, Any]:
    """Return a Slack incoming-webhook message (``text`` is the notification fallback)."""
    mrkdwn = to_slack(text)
    return {
        "text": mrkdwn,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn, "verbatim": True}}
        ],
    }


def teams_document(text: str, subject: str = "") -> dict[str, Any]:
    """Return a Teams Workflows message with one Adaptive Card."""
    body: list[dict[str, Any]] = []
    if subject:
        body.append(
            {
                "type": "TextBlock",
                "text": subject,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
                "style": "heading",
            }
        )
    body.append({"type": "TextBlock", "text": to_teams(text), "wrap": True})
    card = {"$schema": ADAPTIVE_SCHEMA, "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }


def discord_document(text: str) -> dict[str, Any]:
    """Return a Discord execute-webhook body that mentions nobody."""
    return {"content": text.strip(), "allowed_mentions": {"parse": []}}


def statement_body(kind: WebhookFormat, row: Delivery, at: Any) -> bytes:
    """Return the exact bytes to POST for ``row`` in format ``kind``."""
    if kind is WebhookFormat.SLACK:
        return _dump(slack_document(row.text))
    if kind is WebhookFormat.TEAMS:
        return _dump(teams_document(row.text, row.subject))
    if kind is WebhookFormat.DISCORD:
        return _dump(discord_document(row.text))
    return _dump(generic_document(row, at))


def test_body(kind: WebhookFormat, at: Any) -> bytes:
    """Return the body of ``channel test``: marked as a test, never taken for a statement."""
    if kind is WebhookFormat.SLACK:
        return _dump(slack_document(TEST_TEXT))
    if kind is WebhookFormat.TEAMS:
        return _dump(teams_document(TEST_TEXT, "War Room channel test"))
    if kind is WebhookFormat.DISCORD:
        return _dump(discord_document(TEST_TEXT))
    return _dump({"event": TEST_EVENT, "test": True, "text": TEST_TEXT, "sent_at": iso_utc(at)})
