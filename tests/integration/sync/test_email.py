"""Delivering by email to a real SMTP server (aiosmtpd) with STARTTLS/SSL and AUTH."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.integration.sync.conftest import SMTP_PASSWORD, open_incident, release
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server received, and how it should misbehave."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    drop_after_store: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            drop = self.drop_after_store > 0
            self.drop_after_store -= int(drop)
        if drop:
            server.transport.abort()  # stored, but the client never hears "250"
        return "250 Message accepted"


@dataclass
class SmtpServer:
    host: str
    port: int
    ca_path: Path
    mailbox: Mailbox


def _authenticator(mailbox: Mailbox) -> Any:
    from aiosmtpd.smtp import AuthResult

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        login = data.login.decode()
        password = data.password.decode()
        mailbox.logins.append((login, mechanism))
        return AuthResult(success=login == "warroom" and password == SMTP_PASSWORD, handled=False)

    return check


@pytest.fixture(params=["starttls", "ssl"])
def smtp_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SmtpServer]:
    import trustme
    from aiosmtpd.controller import Controller

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    mailbox = Mailbox()
    port = _free_port()
    options: dict[str, Any] = {"authenticator": _authenticator(mailbox), "auth_require_tls": True}
    if request.param == "starttls":
        options.update(tls_context=server_context, require_starttls=True)
    else:
        # Implicit TLS: aiosmtpd does not count it as TLS for auth_require_tls.
        options.update(ssl_context=server_context, auth_require_tls=False)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, ca_path, mailbox)
    finally:
        controller.stop()


def configure_email(
    services: Any,
    smtp_server: SmtpServer,
    request: pytest.FixtureRequest,
    secret: str,
    *,
    trust_test_ca: bool = True,
    read_timeout: float = 5,
) -> None:
    """Point the 'email' channel at the test SMTP server, with the test's security mode."""
    settings: dict[str, Any] = {
        "host": smtp_server.host,
        "port": smtp_server.port,
        "security": request.node.callspec.params["smtp_server"],
        "user": "warroom",
        "from": "War Room <crisis@example.com>",
        "to": ["press@example.org", "support@example.org"],
        "read_timeout": read_timeout,
    }
    if trust_test_ca:
        settings["ca_bundle"] = str(smtp_server.ca_path)
    services.channel_setup.configure("email", ChannelKind.EMAIL, settings, secret)


@pytest.fixture
def mail(services: Any, smtp_server: SmtpServer, request: pytest.FixtureRequest) -> Any:
    configure_email(services, smtp_server, request, SMTP_PASSWORD)
    yield services
    services.delivery.close()


def _row(services: Any, row_id: int) -> Any:
    return next(r for r in services.channels.outbox() if r.id == row_id)


def test_the_message_arrives_once_with_the_right_headers(
    mail: Any, smtp_server: SmtpServer
) -> None:
    incident = open_incident(mail)
    (row,) = release(
        mail,
        incident,
        ["email"],
        "Checkout works again.\nSorry — Ünïcode ok.",
        subject="Checkout outage resolved",
    )

    report = mail.delivery.run_once()

    assert report.sent == [row.id]
    (message,) = smtp_server.mailbox.messages
    assert message["From"] == "War Room <crisis@example.com>"
    assert message["To"] == "press@example.org, support@example.org"
    assert message["Subject"] == "Checkout outage resolved"
    assert message["Date"]
    assert message["Message-ID"] == f"<warroom.{row.idempotency_key}@example.com>"
    assert message.get_content_type() == "multipart/alternative"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n").strip()
    assert body == "Checkout works again.\nSorry — Ünïcode ok."
    assert smtp_server.mailbox.envelopes == [
        ("crisis@example.com", ["press@example.org", "support@example.org"])
    ]
    assert smtp_server.mailbox.logins[0][0] == "warroom"
    assert _row(mail, row.id).remote_id == message["Message-ID"]


def test_one_connection_carries_several_messages(mail: Any, smtp_server: SmtpServer) -> None:
    incident = open_incident(mail)
    rows = [release(mail, incident, ["email"], f"Update {n}.")[0] for n in range(3)]

    assert mail.delivery.run_once().sent == [r.id for r in rows]
    assert len(smtp_server.mailbox.messages) == 3
    assert len(smtp_server.mailbox.logins) == 1  # one login: the connection was reused


def test_a_connection_lost_after_the_data_makes_the_row_uncertain(
    mail: Any, smtp_server: SmtpServer
) -> None:
    incident = open_incident(mail)
    (row,) = release(mail, incident, ["email"], "Update.", subject="Status")
    smtp_server.mailbox.drop_after_store = 1

    report = mail.delivery.run_once()

    assert report.uncertain == [row.id]
    assert len(smtp_server.mailbox.messages) == 1  # it did arrive...
    uncertain = _row(mail, row.id)
    assert uncertain.state is DeliveryState.UNCERTAIN  # ...but nothing retries it blindly
    assert mail.delivery.run_once().sent == []
    assert len(smtp_server.mailbox.messages) == 1
    status = mail.delivery.status()
    assert [r.id for r in status.attention] == [row.id]
    entries = mail.timeline.entries(incident)
    assert entries[-1].data["event"] == "delivery.uncertain"
    assert f"warroom sync --resend {row.id}" in entries[-1].text

    mail.delivery.mark_sent(row.id, "alice")
    assert _row(mail, row.id).state is DeliveryState.SENT
    assert mail.timeline.entries(incident)[-1].data["decided_by"] == "alice"


def test_resend_of_an_uncertain_row_sends_the_same_message_id(
    mail: Any, smtp_server: SmtpServer
) -> None:
    incident = open_incident(mail)
    (row,) = release(mail, incident, ["email"], "Update.")
    smtp_server.mailbox.drop_after_store = 1
    mail.delivery.run_once()

    mail.delivery.resend(row.id, "alice")
    assert mail.delivery.run_once().sent == [row.id]

    first, second = smtp_server.mailbox.messages
    assert first["Message-ID"] == second["Message-ID"]


def test_a_wrong_password_fails_without_showing_it(
    services: Any, smtp_server: SmtpServer, request: pytest.FixtureRequest
) -> None:
    configure_email(services, smtp_server, request, "not-the-password-xyz", read_timeout=3)
    incident = open_incident(services)
    (row,) = release(services, incident, ["email"], "Update.")

    assert services.delivery.run_once().failed == [row.id]
    services.delivery.close()
    reason = _row(services, row.id).last_error
    assert "rejected the login" in reason and "535" in reason
    assert "not-the-password-xyz" not in reason
    test = services.channel_setup.test("email")
    assert not test.ok and "rejected the login" in test.message


def test_channel_test_does_ehlo_tls_and_auth(mail: Any, smtp_server: SmtpServer) -> None:
    result = mail.channel_setup.test("email")
    assert result.ok, result.message
    assert "logged in as warroom" in result.message
    assert smtp_server.mailbox.messages == []


def test_an_untrusted_certificate_is_refused(
    services: Any, smtp_server: SmtpServer, request: pytest.FixtureRequest
) -> None:
    configure_email(services, smtp_server, request, SMTP_PASSWORD, trust_test_ca=False)
    result = services.channel_setup.test("email")
    assert not result.ok
    assert "certificate" in result.message
