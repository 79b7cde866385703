"""Listening to a real Dovecot IMAP server: IMAPS and STARTTLS, UIDs, UIDVALIDITY, read-only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from tests.support.dovecot import DovecotServer, DovecotUnavailable
from warroom.domain.inbox import SourceKind

PASSWORD = "imap-Secret-pw-8812"


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    try:
        server = DovecotServer({"support": PASSWORD})
    except DovecotUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"Dovecot is required on CI: {error}")
        pytest.skip(str(error))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def message(number: int, *, attachment: bytes = b"", references: str = "") -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Customer {number} <customer{number}@example.org>"
    mail["To"] = "support@example.com"
    mail["Subject"] = f"Complaint {number}"
    mail["Message-ID"] = f"<complaint-{number}@example.org>"
    mail["Date"] = f"Mon, 23 Nov 2026 08:0{number % 10} +0000"
    if references:
        mail["References"] = references
    mail.set_content(f"My order {number} is late.\nPlease refund me.")
    if attachment:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="x.pdf")
    return bytes(mail)


def add_source(services: Any, server: DovecotServer, security: str, **extra: Any) -> Any:
    port = server.imaps_port if security == "ssl" else server.imap_port
    settings = {
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "user": "support",
        "ca_bundle": str(server.ca_path),
        "read_timeout": 5,
        **extra,
    }
    return services.sources.configure("support", SourceKind.IMAP, settings, PASSWORD)


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_new_mail_is_read_by_uid_and_nothing_on_the_server_changes(
    services: Any, dovecot: DovecotServer, security: str
) -> None:
    dovecot.append("support", message(1, attachment=b"%PDF-" + b"x" * 2_000_000))
    dovecot.append("support", message(2, references="<older@example.org>"))
    add_source(services, dovecot, security)

    assert services.sources.test("support").ok
    report = services.inbox_pull.pull_once()

    assert report.sources[0].added == 2, report.summary()
    first, second = sorted(services.inbox.items(), key=lambda i: i.subject)
    assert first.subject == "Complaint 1"
    assert first.text == "My order 1 is late.\nPlease refund me."
    assert first.attachments == 1  # counted from the structure, never downloaded
    assert first.author.address == "customer1@example.org" and first.author.name == "Customer 1"
    assert first.remote_id == "<complaint-1@example.org>"
    assert second.thread == {
        "message_id": "<complaint-2@example.org>",
        "references": "<older@example.org> <complaint-2@example.org>",
        "subject": "Complaint 2",
    }
    cursor = services.sources.get("support").cursors["mailbox"]
    assert cursor["last_uid"] == 2 and cursor["uidvalidity"] > 0
    assert all(b"\\Seen" not in flags for flags in dovecot.flags("support"))

    dovecot.append("support", message(3))
    assert services.inbox_pull.pull_once().added == 1
    assert services.inbox_pull.pull_once().added == 0
    assert services.sources.get("support").cursors["mailbox"]["last_uid"] == 3


def test_a_new_uidvalidity_rereads_the_folder_without_duplicates(
    services: Any, dovecot: DovecotServer
) -> None:
    dovecot.append("support", message(1), folder="Support")
    add_source(services, dovecot, "ssl", mailbox="Support")
    services.inbox_pull.pull_once()
    before = services.sources.get("support").cursors["mailbox"]["uidvalidity"]

    dovecot.delete_folder("support", "Support")
    dovecot.append("support", message(1), folder="Support")  # the same message again
    dovecot.append("support", message(4), folder="Support")
    report = services.inbox_pull.pull_once()

    assert report.added == 1
    assert sorted(i.subject for i in services.inbox.items()) == ["Complaint 1", "Complaint 4"]
    after = services.sources.get("support").cursors["mailbox"]
    assert after["uidvalidity"] != before and after["last_uid"] == 2


def test_mark_seen_only_when_asked(services: Any, dovecot: DovecotServer) -> None:
    dovecot.append("support", message(1))
    add_source(services, dovecot, "ssl", mark_seen=True)
    services.inbox_pull.pull_once()
    assert all(b"\\Seen" in flags for flags in dovecot.flags("support"))


def test_a_refused_login_stops_the_source_with_its_reason(
    services: Any, dovecot: DovecotServer
) -> None:
    settings = {
        "host": "127.0.0.1",
        "port": dovecot.imaps_port,
        "security": "ssl",
        "user": "support",
        "ca_bundle": str(dovecot.ca_path),
    }
    services.sources.configure("support", SourceKind.IMAP, settings, "wrong-password")
    report = services.inbox_pull.pull_once()
    assert report.sources[0].stopped
    source = services.sources.get("support")
    assert "login was refused" in source.stopped_reason
    assert "wrong-password" not in source.stopped_reason
    services.sources.configure("support", SourceKind.IMAP, settings, PASSWORD)
    assert services.sources.get("support").active


def test_an_untrusted_certificate_is_refused(services: Any, dovecot: DovecotServer) -> None:
    services.sources.configure(
        "support",
        SourceKind.IMAP,
        {"host": "127.0.0.1", "port": dovecot.imaps_port, "security": "ssl", "user": "support"},
        PASSWORD,
    )
    result = services.sources.test("support")
    assert not result.ok and "certificate" in result.message
