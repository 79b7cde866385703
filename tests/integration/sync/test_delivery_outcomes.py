"""Exactly once, even with two workers: which outcome is recorded, and what people see.

Real parts: aiosmtpd for email, pytest-httpserver for the webhook, two DeliveryService
workers on one SQLite file (the second one's clock an hour ahead, as if the first had hung).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import SteppingClock
from tests.integration.sync.conftest import WEBHOOK_SECRET, open_incident, release
from warroom.domain.channels import ChannelKind
from warroom.domain.errors import RuleViolation
from warroom.domain.outbox import DeliveryState
from warroom.services.context import ServiceContext
from warroom.services.delivery import DeliveryService

UTF8_PASSWORD = "pässwörd-Ünïcode-🔑"


def _row(services: Any, row_id: int) -> Any:
    return next(r for r in services.channels.outbox() if r.id == row_id)


def _events(services: Any, incident: int) -> list[str]:
    return [str(e.data.get("event")) for e in services.timeline.entries(incident)]


# --- SMTP -------------------------------------------------------------------------------


@dataclass
class Inbox:
    raw: list[bytes] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content)
        return "250 Message accepted"


@pytest.fixture
def smtp(services: Any) -> Iterator[Inbox]:
    """A plain SMTP server on 127.0.0.1 that takes AUTH with a non-ASCII password."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = Inbox()

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        login, password = data.login.decode("utf-8"), data.password.decode("utf-8")
        inbox.logins.append((login, mechanism))
        return AuthResult(success=(login, password) == ("warroom", UTF8_PASSWORD), handled=False)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=check,
        auth_require_tls=False,
        enable_SMTPUTF8=False,
    )
    controller.start()
    services.channel_setup.configure(
        "email",
        ChannelKind.EMAIL,
        {
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            "user": "warroom",
            "from": "War Room <crisis@example.com>",
            "to": ["press@example.org"],
            "read_timeout": 5,
        },
        UTF8_PASSWORD,
    )
    try:
        yield inbox
    finally:
        services.delivery.close()
        controller.stop()


def test_a_non_ascii_password_logs_in_with_utf8_credentials(services: Any, smtp: Inbox) -> None:
    (row,) = release(services, open_incident(services), ["email"], "Checkout is back.")
    report = services.delivery.run_once()
    assert report.sent == [row.id], _row(services, row.id).last_error
    assert smtp.logins and smtp.logins[0][0] == "warroom"
    assert services.channel_setup.test("email").ok


def test_a_failure_before_the_data_is_a_failure_with_its_reason(services: Any, smtp: Inbox) -> None:
    # The server offers no SMTPUTF8: the address cannot be taken, before any data is sent.
    services.channel_setup.configure("email", ChannelKind.EMAIL, {"to": ["pr@exämple.org"]}, None)
    (row,) = release(services, open_incident(services), ["email"], "Update.")
    report = services.delivery.run_once()
    assert report.failed == [row.id] and report.uncertain == []
    reason = _row(services, row.id).last_error
    assert "does not accept international (non-ASCII) addresses" in reason
    assert smtp.raw == []


def test_email_bodies_are_sent_byte_for_byte(services: Any, smtp: Inbox) -> None:
    text = (
        "From the crisis desk:\n"
        "From 14:00 UTC payments work again.\n"
        ">From quoted already\n"
        "Line with trailing spaces   \n"
        ".\n"
        "Danke — ünïcode."
    )
    (row,) = release(services, open_incident(services), ["email"], text, subject="Resolved")
    assert services.delivery.run_once().sent == [row.id]
    (raw,) = smtp.raw
    assert b"\n>From the crisis desk" not in raw and b"\n>From 14:00" not in raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert body.replace("\r\n", "\n").splitlines() == text.splitlines()


# --- webhook ------------------------------------------------------------------------------


def _webhook(services: Any, httpserver: Any, **settings: Any) -> None:
    services.channel_setup.configure(
        "webhook",
        ChannelKind.WEBHOOK,
        {"url": httpserver.url_for("/hook"), "read_timeout": 5, **settings},
        WEBHOOK_SECRET,
    )


def test_a_success_wins_over_uncertain_set_by_another_worker(
    services: Any, httpserver: Any, clock: SteppingClock
) -> None:
    """Worker A hangs in its POST; worker B (an hour later) takes the claim for dead and
    marks the row uncertain; then A's POST succeeds: the row is sent, for good."""
    from werkzeug import Request, Response

    arrived, answer = threading.Event(), threading.Event()

    def slow(request: Request) -> Response:
        arrived.set()
        answer.wait(10)
        return Response("ok", status=200)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(slow)
    _webhook(services, httpserver)
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Checkout restored.")

    reports: list[Any] = []
    worker_a = threading.Thread(target=lambda: reports.append(services.delivery.run_once()))
    worker_a.start()
    try:
        assert arrived.wait(10)
        later = SteppingClock(clock.now + timedelta(hours=1))
        worker_b = DeliveryService(ServiceContext(db=services.db, clock=later), services.secrets)
        assert worker_b.run_once().uncertain == [row.id]
        worker_b.close()
        assert _row(services, row.id).state is DeliveryState.UNCERTAIN
    finally:
        answer.set()
        worker_a.join(20)
        services.delivery.close()
    assert reports[0].sent == [row.id]
    assert _row(services, row.id).state is DeliveryState.SENT
    assert _events(services, incident)[-2:] == ["delivery.uncertain", "delivery.sent"]
    last = services.timeline.entries(incident)[-1]
    assert "confirmed after the row had been marked uncertain" in last.text
    assert last.data["previous_state"] == "uncertain"
    with pytest.raises(RuleViolation, match="only an uncertain or failed row"):
        services.delivery.resend(row.id, "alice")
    assert services.delivery.status().attention == []


def test_a_claim_is_never_taken_for_dead_within_the_timeouts(
    services: Any, httpserver: Any, clock: SteppingClock
) -> None:
    _webhook(services, httpserver, connect_timeout=20, read_timeout=100)
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")
    from warroom.storage import outbox_repo

    with services.db.transaction() as session:
        assert outbox_repo.claim(session, row.id, clock.now, "")
    worker = DeliveryService(
        ServiceContext(db=services.db, clock=clock), services.secrets, stale_after=timedelta()
    )
    clock.advance(seconds=119)  # within connect + read (120 s): its worker may still wait
    assert worker.run_once().uncertain == []
    assert _row(services, row.id).state is DeliveryState.SENDING
    clock.advance(seconds=3)
    assert worker.run_once().uncertain == [row.id]
    worker.close()


def test_stale_after_not_longer_than_the_timeouts_is_bad_usage(run_cli: Any) -> None:
    added = run_cli(
        "channel", "add", "webhook", "--kind", "webhook", "--url", "https://hooks.example/w",
        "--connect-timeout", "5", "--read-timeout", "60", stdin="s\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    refused = run_cli("sync", "--once", "--stale-after", "60")
    assert refused.code == 2 and refused.out == ""
    assert refused.err == (
        "error: --stale-after 60 is not longer than the connect + read timeouts of channel "
        "webhook (65 s); a row still being sent would be taken for an interrupted one\n"
    )
    assert run_cli("sync", "--status", "--stale-after", "66").code == 0


HOSTILE_REASON = "maintenance \x1b[31mwindow\x1b[0m until 15:00"


def test_a_webhook_5xx_shows_its_reason_everywhere_after_the_first_failure(
    services: Any, httpserver: Any, run_cli: Any
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_json(
        {"error": HOSTILE_REASON}, status=503
    )
    _webhook(services, httpserver)
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")
    assert services.delivery.run_once().retrying == [row.id]
    services.delivery.close()
    reason = _row(services, row.id).last_error
    assert "HTTP 503 maintenance" in reason

    status = services.delivery.status()
    assert [r.id for r in status.retrying] == [row.id]
    shown = run_cli("sync", "--status")
    assert shown.code == 0 and "\x1b" not in shown.out
    assert "retrying (the last attempt failed; War Room tries again by itself):" in shown.out
    assert "HTTP 503 maintenance \\x1b[31mwindow\\x1b[0m until 15:00" in shown.out
    assert run_cli("sync", "--status", "--json").json()["retrying"][0]["id"] == row.id

    statement = run_cli("draft", "show", str(row.statement_id))
    assert "will be retried; last attempt: webhook: HTTP 503 maintenance" in statement.out
    assert "\x1b" not in statement.out

    from warroom.ui.drafts.rules import delivery_lines

    (line,) = delivery_lines([_row(services, row.id)])
    assert line.startswith("Delivery on webhook will be retried: webhook: HTTP 503 maintenance")


def test_channel_test_posts_a_signed_test_event(services: Any, httpserver: Any) -> None:
    from werkzeug import Request, Response

    received: list[Request] = []

    def record(request: Request) -> Response:
        received.append(request)
        return Response("", status=204)

    httpserver.expect_request("/hook").respond_with_handler(record)
    _webhook(services, httpserver)
    result = services.channel_setup.test("webhook")
    assert result.ok and result.message == "webhook accepted the signed test event (HTTP 204)"
    (request,) = received
    assert request.method == "POST"
    body = request.get_data()
    assert json.loads(body)["event"] == "warroom.test" and json.loads(body)["test"] is True
    expected = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert request.headers["X-Warroom-Signature"] == f"sha256={expected}"


def test_channel_test_and_list_show_a_server_error_inert(
    services: Any, httpserver: Any, run_cli: Any
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_json(
        {"error": HOSTILE_REASON}, status=500
    )
    _webhook(services, httpserver)
    tested = run_cli("channel", "test", "webhook")
    assert tested.code == 1 and tested.out == ""
    assert tested.err.count("\n") == 1 and "\x1b" not in tested.err
    assert tested.err.startswith("error: channel webhook: webhook test: HTTP 500 maintenance")
    listed = run_cli("channel", "list")
    assert "\x1b" not in listed.out and "HTTP 500 maintenance \\x1b[31mwindow" in listed.out
