"""Chat webhooks in their documented shapes: Slack, Microsoft Teams (Workflows), Discord.

A real HTTP server on 127.0.0.1 (pytest-httpserver) records each body; the tests read
them back field by field against the shapes the services document:
- Slack incoming webhooks: ``text`` plus ``blocks``; a section's text object is
  ``{"type": "mrkdwn", "text": ..., "verbatim": ...}`` of at most 3,000 characters, with
  ``&``, ``<`` and ``>`` escaped as ``&amp;``, ``&lt;``, ``&gt;``.
- Teams Workflows: ``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": AdaptiveCard}]}``.
- Discord execute webhook: ``content`` (at most 2,000 characters) and ``allowed_mentions``
  with an empty ``parse`` list; ``?wait=true`` returns the message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from tests.integration.sync.conftest import WEBHOOK_SECRET, open_incident, release
from warroom.domain.channels import Channel, ChannelKind, fit
from warroom.domain.errors import ValidationError

HOSTILE = (
    "Checkout is **back** <!channel> <@U024BE7LH> @everyone & <https://evil.example|click>.\n"
    "- refunds within *24 h*\n"
    "- see [status](https://status.example.com)"
)


def _configure(services: Any, httpserver: Any, fmt: str, secret: str = WEBHOOK_SECRET) -> None:
    services.channel_setup.configure(
        "webhook",
        ChannelKind.WEBHOOK,
        {"url": httpserver.url_for("/hook"), "format": fmt, "read_timeout": 5},
        secret,
    )


def _deliver(services: Any, httpserver: Any, text: str, subject: str = "") -> tuple[Any, Any]:
    (row,) = release(services, open_incident(services), ["webhook"], text, subject=subject)
    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()
    (request, _response) = httpserver.log[-1]
    return row, request


def _signed(request: Any) -> bool:
    body = request.get_data()
    expected = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return bool(request.headers.get("X-Warroom-Signature") == f"sha256={expected}")


def test_slack_payload_escapes_control_characters_and_pings_nobody(
    services: Any, httpserver: Any
) -> None:
    _configure(services, httpserver, "slack")
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    row, request = _deliver(services, httpserver, HOSTILE, subject="Resolved")

    document = json.loads(request.get_data())
    assert set(document) == {"text", "blocks"}
    expected = (
        "Checkout is *back* &lt;!channel&gt; &lt;@U024BE7LH&gt; @everyone &amp; "
        "&lt;https://evil.example|click&gt;.\n\n"
        "• refunds within _24 h_\n"
        "• see <https://status.example.com|status>"
    )
    assert document["text"] == expected
    (block,) = document["blocks"]
    assert block == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": expected, "verbatim": True},
    }
    # No unescaped special sequence survives: the only <...> is the link War Room made.
    assert "<!" not in document["text"] and "<@" not in document["text"]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == row.idempotency_key
    assert _signed(request)


def test_teams_payload_is_an_adaptive_card_message(services: Any, httpserver: Any) -> None:
    _configure(services, httpserver, "teams")
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=202)
    _row, request = _deliver(services, httpserver, HOSTILE, subject="Checkout restored")

    document = json.loads(request.get_data())
    assert document["type"] == "message"
    (attachment,) = document["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.4"
    title, text = card["body"]
    assert title["type"] == "TextBlock" and title["text"] == "Checkout restored"
    assert title["weight"] == "Bolder" and title["wrap"] is True
    assert text["type"] == "TextBlock" and text["wrap"] is True
    assert text["text"].startswith("Checkout is **back** <!channel>")
    assert "- refunds within _24 h_" in text["text"]
    assert "[status](https://status.example.com)" in text["text"]
    assert "msteams" not in json.dumps(card)  # no mention entities: plain text pings nobody
    assert _signed(request)


def test_discord_payload_mentions_nobody_and_returns_the_message(
    services: Any, httpserver: Any
) -> None:
    _configure(services, httpserver, "discord")
    httpserver.expect_request("/hook", method="POST", query_string="wait=true").respond_with_json(
        {"id": "1180000000000000001", "content": "..."}
    )
    row, request = _deliver(services, httpserver, HOSTILE)

    document = json.loads(request.get_data())
    assert document == {"content": HOSTILE, "allowed_mentions": {"parse": []}}
    assert _signed(request)
    (stored,) = [r for r in services.channels.outbox() if r.id == row.id]
    assert stored.remote_id == "1180000000000000001"


@pytest.mark.parametrize(
    ("fmt", "limit", "unit_text"),
    [("discord", 2000, "x"), ("slack", 3000, "x"), ("generic", 4000, "x")],
)
def test_each_format_has_its_own_limit(fmt: str, limit: int, unit_text: str) -> None:
    channel = Channel(1, "hook", ChannelKind.WEBHOOK, {"format": fmt})
    assert fit(channel, unit_text * limit).fits
    over = fit(channel, unit_text * (limit + 1))
    assert not over.fits
    assert over.problem == (
        f"the text is {limit + 1} characters but channel 'hook' (webhook ({fmt})) allows {limit}"
    )


def test_slack_counts_the_escaped_text_and_teams_counts_bytes() -> None:
    slack = Channel(1, "slack", ChannelKind.WEBHOOK, {"format": "slack"})
    assert fit(slack, "&" * 600).length == 3000  # each & is sent as &amp;
    assert not fit(slack, "&" * 601).fits
    teams = Channel(2, "teams", ChannelKind.WEBHOOK, {"format": "teams"})
    assert fit(teams, "x" * 20_000).fits
    heavy = fit(teams, "€" * 7000)  # 7,000 characters, 21,000 bytes
    assert heavy.over_bytes and not heavy.fits and "20000-byte limit" in str(heavy.problem)


def test_an_over_long_discord_text_is_refused_before_release(
    services: Any, httpserver: Any
) -> None:
    _configure(services, httpserver, "discord")
    with pytest.raises(ValidationError, match="allows 2000"):
        release(services, open_incident(services), ["webhook"], "x" * 2001)
    assert httpserver.log == []


@pytest.mark.parametrize("fmt", ["slack", "teams", "discord", "generic"])
def test_channel_test_posts_a_signed_test_event_in_the_format(
    services: Any, httpserver: Any, fmt: str
) -> None:
    _configure(services, httpserver, fmt)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    result = services.channel_setup.test("webhook")
    assert result.ok, result.message
    (request, _response) = httpserver.log[-1]
    assert _signed(request)
    document = json.loads(request.get_data())
    text = json.dumps(document)
    assert "this is not a statement" in text
    if fmt == "slack":
        assert document["blocks"][0]["text"]["type"] == "mrkdwn"
    elif fmt == "teams":
        assert document["attachments"][0]["content"]["type"] == "AdaptiveCard"
    elif fmt == "discord":
        assert document["allowed_mentions"] == {"parse": []}
    else:
        assert document["event"] == "warroom.test"


def test_the_cli_sets_the_format_and_refuses_an_unknown_one(run_cli: Any, tmp_path: Any) -> None:
    ok = run_cli(
        "--json",
        "channel",
        "add",
        "chat",
        "--kind",
        "webhook",
        "--url",
        "https://hooks.example.com/services/T/B",
        "--format",
        "slack",
        stdin="",
    )
    assert ok.code == 0, ok.err
    assert ok.json()["settings"]["format"] == "slack"
    assert ok.json()["limit"] == 3000
    bad = run_cli("channel", "add", "chat", "--kind", "webhook", "--format", "irc", stdin="")
    assert bad.code == 2 and "invalid choice" in bad.err
