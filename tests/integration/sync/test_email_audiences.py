"""Email as people expect it: plain text and HTML, hidden recipients, named audiences.

A real SMTP server (aiosmtpd) receives the message; it is parsed back and checked part by
part, header by header, and the envelope tells who actually received it.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import html5lib
import pytest

from tests.integration.sync.conftest import open_incident, release
from tests.support.channels import channel_named
from warroom.domain.channels import ChannelKind
from warroom.domain.errors import ValidationError


@dataclass
class Received:
    """What the SMTP server took: each message's bytes and its envelope recipients."""

    raw: list[bytes] = field(default_factory=list)
    rcpt: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content)
        self.rcpt.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def message(self, index: int = -1) -> Any:
        return email.message_from_bytes(self.raw[index], policy=email.policy.default)


@pytest.fixture
def smtp() -> Iterator[tuple[Received, int]]:
    from aiosmtpd.controller import Controller

    received = Received()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield received, port
    finally:
        controller.stop()


def _configure(services: Any, port: int, **settings: Any) -> None:
    base = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from": "War Room <crisis@example.com>",
        "read_timeout": 5,
    }
    services.channel_setup.configure("email", ChannelKind.EMAIL, {**base, **settings}, "")


TEXT = (
    "We are **investigating** *slow* checkouts <script>alert(1)</script> & refunds.\n"
    "Details: [status page](https://status.example.com/?a=1&b=2), "
    "[not a link](javascript:alert(1)).\n"
    "\n"
    "- Card payments fail\n"
    "- PayPal works"
)


def test_multipart_with_bcc_hidden_and_received(services: Any, smtp: Any) -> None:
    received, port = smtp
    _configure(
        services,
        port,
        to=["press@example.org"],
        bcc=["alice@example.net", "bob@example.net"],
        reply_to="support@example.com",
        groups={"customers": ["c1@example.com", "c2@example.com"], "press": ["press@example.org"]},
    )
    incident = open_incident(services)
    (row,) = release(services, incident, ["email"], TEXT, subject="Checkout issues")

    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()

    message = received.message()
    # Who received it: the visible addressee, every Bcc and every group member, once each.
    assert sorted(received.rcpt[0]) == sorted(
        [
            "press@example.org",
            "alice@example.net",
            "bob@example.net",
            "c1@example.com",
            "c2@example.com",
        ]
    )
    # Who can see whom: only the visible addressee, no Bcc header at all.
    assert message["To"] == "press@example.org"
    assert "Bcc" not in message and b"alice@example.net" not in received.raw[0]
    assert b"c1@example.com" not in received.raw[0]
    assert message["Reply-To"] == "support@example.com"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == f"<warroom.{row.idempotency_key}@example.com>"
    assert message["Subject"] == "Checkout issues"

    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert plain.get_content().replace("\r\n", "\n").strip() == TEXT  # the approved text
    assert rich.get_content_type() == "text/html"
    markup = rich.get_content()
    assert "<strong>investigating</strong>" in markup and "<em>slow</em>" in markup
    assert '<a href="https://status.example.com/?a=1&amp;b=2">status page</a>' in markup
    assert "<ul><li>Card payments fail</li><li>PayPal works</li></ul>" in markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "javascript:" not in markup.split("[not a link]")[0]  # stayed text, not a link
    assert 'href="javascript' not in markup
    document = html5lib.parse(markup, namespaceHTMLElements=False)
    assert not document.findall(".//script")
    assert [a.get("href") for a in document.iter("a")] == ["https://status.example.com/?a=1&b=2"]


def test_without_visible_addressees_the_to_header_is_the_empty_group(
    services: Any, smtp: Any
) -> None:
    received, port = smtp
    _configure(services, port, bcc=["alice@example.net"])
    (row,) = release(services, open_incident(services), ["email"], "Update.")
    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()
    message = received.message()
    assert message["To"] == "undisclosed-recipients:;"
    assert received.rcpt == [["alice@example.net"]]


def test_groups_are_named_one_by_one_and_kept_across_reconfiguring(services: Any) -> None:
    base = {"host": "smtp.example.com", "from": "crisis@example.com"}
    setup = services.channel_setup
    setup.configure("email", ChannelKind.EMAIL, {**base, "groups": {"press": ["p@x.org"]}}, "")
    setup.configure("email", ChannelKind.EMAIL, {"groups": {"staff": ["s@x.org", "t@x.org"]}}, None)
    assert channel_named(services, "email").settings["groups"] == {
        "press": ["p@x.org"],
        "staff": ["s@x.org", "t@x.org"],
    }
    setup.configure("email", ChannelKind.EMAIL, {"groups": {"press": []}}, None)  # NAME= removes
    assert channel_named(services, "email").settings["groups"] == {"staff": ["s@x.org", "t@x.org"]}
    with pytest.raises(ValidationError, match="needs recipients"):
        setup.configure("email", ChannelKind.EMAIL, {"groups": {"staff": []}}, None)
    with pytest.raises(ValidationError, match="is not an email address"):
        setup.configure("email", ChannelKind.EMAIL, {"bcc": ["not-an-address"]}, None)
    with pytest.raises(ValidationError, match="group name"):
        setup.configure("email", ChannelKind.EMAIL, {"groups": {"bad name!": ["a@x.org"]}}, None)
    # Nothing refused changed what was stored.
    assert channel_named(services, "email").settings["groups"] == {"staff": ["s@x.org", "t@x.org"]}


def test_the_cli_takes_bcc_reply_to_and_groups(run_cli: Any) -> None:
    result = run_cli(
        "--json",
        "channel",
        "add",
        "email",
        "--kind",
        "email",
        "--host",
        "smtp.example.com",
        "--from",
        "crisis@example.com",
        "--bcc",
        "a@example.net",
        "--bcc",
        "b@example.net",
        "--reply-to",
        "help@example.com",
        "--group",
        "customers=c1@example.com,c2@example.com",
        stdin="",
    )
    assert result.code == 0, result.err
    settings = result.json()["settings"]
    assert settings["bcc"] == ["a@example.net", "b@example.net"]
    assert settings["reply_to"] == "help@example.com"
    assert settings["groups"] == {"customers": ["c1@example.com", "c2@example.com"]}
    assert "to" not in settings
    bad = run_cli("channel", "add", "email", "--kind", "email", "--group", "nogroup", stdin="")
    assert bad.code == 2 and "NAME=ADDRESS" in bad.err
