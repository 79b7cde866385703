"""Answers in-thread, through approvals, exactly once: Mastodon, Bluesky and email."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.integration.inbound.conftest import add_bluesky_source, add_mastodon_source
from tests.integration.inbound.fake_listening import FakeListening
from tests.integration.sync.conftest import BLUESKY_PASSWORD, MASTODON_TOKEN, SMTP_PASSWORD
from tests.integration.sync.test_email import SmtpServer, smtp_server  # noqa: F401 (fixture)
from warroom.domain.channels import ChannelKind
from warroom.domain.errors import RuleViolation
from warroom.domain.inbox import Author, Heard, InboxState, SourceKind
from warroom.domain.outbox import DeliveryState
from warroom.domain.statements import StatementState

FIRESTORM = "social-media-firestorm"  # reply_approvals = 1 and a pre-approved reply template


def _incident(services: Any) -> int:
    return int(services.incidents.open("Angry customers", 2, "alice", playbook_key=FIRESTORM).id)


@pytest.fixture
def masto(services: Any, listening: FakeListening) -> Any:
    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": listening.url}, MASTODON_TOKEN
    )
    add_mastodon_source(services, listening, reply_channel="mastodon")
    yield services
    services.delivery.close()


def test_a_mastodon_reply_goes_through_the_lighter_quorum_and_lands_in_the_thread(
    masto: Any, listening: FakeListening, clock: Any
) -> None:
    incident = _incident(masto)
    status = listening.mention("My order vanished", acct="carol@example.social")
    masto.inbox_pull.pull_once()
    (item,) = masto.inbox.items()
    masto.inbox.attach(item.id, incident, "alice")
    with pytest.raises(RuleViolation, match="approval"):
        ordinary = masto.statements.draft(incident, ["mastodon"], "General update", "alice")
        masto.statements.submit(ordinary.id, "alice")
        masto.statements.approve(ordinary.id, "bob")
        masto.statements.release(ordinary.id, "alice")  # SEV2: two approvals

    reply = masto.inbox_replies.reply(item.id, "alice", text="Sorry! We are on it.")

    assert reply.state is StatementState.IN_REVIEW
    assert reply.text == "@carol@example.social Sorry! We are on it."
    assert reply.channel_names == ("mastodon",)
    assert _release_refusal(masto, reply) is not None
    masto.statements.approve(reply.id, "bob")  # one approval is enough for a reply
    masto.statements.release(reply.id, "alice")
    clock.advance(minutes=12)
    report = masto.delivery.run_once()
    assert len(report.sent) == 1

    (posted,) = listening.statuses
    assert posted["in_reply_to_id"] == status["id"]
    assert posted["text"].startswith("@carol@example.social ")
    item = masto.inbox.get(item.id)
    assert item.state is InboxState.REPLIED
    assert item.reply_url == posted["url"]
    assert item.responded_at == clock.now
    stats = masto.inbox.stats(incident_id=incident)
    (answered,) = [r for r in stats.response if r.answered]
    assert answered.priority == item.effective_priority
    assert answered.median == item.responded_at - item.posted_at == answered.p90
    # Exactly once: another pass sends nothing more.
    assert masto.delivery.run_once().sent == []
    assert len(listening.statuses) == 1


def test_a_pre_approved_template_needs_no_approval_until_edited(
    masto: Any, listening: FakeListening
) -> None:
    incident = _incident(masto)
    listening.mention("Is your site down?", acct="erin@example.social")
    masto.inbox_pull.pull_once()
    (item,) = masto.inbox.items()
    masto.inbox.attach(item.id, incident, "alice")

    reply = masto.inbox_replies.reply(item.id, "alice", template_key="looking-into-it")

    assert reply.state is StatementState.APPROVED
    assert "Thank you Erin" in reply.text and reply.text.startswith("@erin@example.social")
    assert _release_refusal(masto, reply) is None
    edited = masto.statements.edit(reply.id, "alice", text=reply.text + " Really.")
    assert edited.state is StatementState.IN_REVIEW
    assert "needs 1 approval" in (_release_refusal(masto, edited) or "")


def test_an_item_without_an_incident_cannot_be_answered(
    masto: Any, listening: FakeListening
) -> None:
    listening.mention("hello")
    masto.inbox_pull.pull_once()
    (item,) = masto.inbox.items()
    with pytest.raises(RuleViolation, match="attach it first"):
        masto.inbox_replies.reply(item.id, "alice", text="Hi")


def test_a_bluesky_reply_carries_root_and_parent_refs(
    services: Any, listening: FakeListening
) -> None:
    services.channel_setup.configure(
        "bluesky",
        ChannelKind.BLUESKY,
        {"url": listening.url, "handle": listening.handle},
        BLUESKY_PASSWORD,
    )
    add_bluesky_source(services, listening)
    root = {"uri": "at://did:plc:someone/app.bsky.feed.post/3kroot", "cid": "bafyroot"}
    mention = listening.bsky_post(
        "@warroom.test your app ate my data", reason="reply", reply_root=root
    )
    services.inbox_pull.pull_once()
    (item,) = services.inbox.items()
    incident = _incident(services)
    services.inbox.attach(item.id, incident, "alice")

    reply = services.inbox_replies.reply(item.id, "alice", text="We are sorry, DM us please.")
    services.statements.approve(reply.id, "bob")
    services.statements.release(reply.id, "alice")
    assert len(services.delivery.run_once().sent) == 1
    services.delivery.close()

    (record,) = listening.records.values()
    assert record["value"]["reply"] == {
        "root": root,
        "parent": {"uri": mention["uri"], "cid": mention["cid"]},
    }
    done = services.inbox.get(item.id)
    assert done.state is InboxState.REPLIED and done.reply_url.startswith("https://bsky.app/")


def test_an_email_reply_goes_to_the_sender_only_in_the_thread(
    services: Any,
    smtp_server: SmtpServer,  # noqa: F811 (the imported fixture)
    request: pytest.FixtureRequest,
) -> None:
    from tests.integration.sync.test_email import configure_email
    from warroom.storage import inbox_repo, source_repo

    configure_email(services, smtp_server, request, SMTP_PASSWORD)
    source = services.sources.configure(
        "support",
        SourceKind.IMAP,
        {"host": "127.0.0.1", "user": "support", "reply_channel": "email"},
        "imap-pass",
    )
    heard = Heard(
        remote_id="<abc123@customer.example>",
        text="My parcel never arrived.",
        posted_at=datetime(2026, 11, 23, 8, 30, tzinfo=UTC),
        author=Author(
            handle="frank@customer.example", name="Frank", address="frank@customer.example"
        ),
        subject="Parcel missing",
        thread={
            "message_id": "<abc123@customer.example>",
            "references": "<first@customer.example> <abc123@customer.example>",
            "subject": "Parcel missing",
        },
    )
    from warroom.domain.inbox import Suggestion

    with services.db.transaction() as session:
        (item,) = inbox_repo.add_heard(
            session,
            source_repo.by_name(session, source.name),
            [(heard, Suggestion(3))],
            services.inbox._ctx.clock(),
        )
    incident = _incident(services)
    services.inbox.attach(item.id, incident, "alice")

    reply = services.inbox_replies.reply(item.id, "alice", text="It is on its way again.")
    assert reply.subject == "Re: Parcel missing"
    services.statements.approve(reply.id, "bob")
    services.statements.release(reply.id, "alice")
    assert len(services.delivery.run_once().sent) == 1
    services.delivery.close()

    (message,) = smtp_server.mailbox.messages
    assert message["To"] == "frank@customer.example"
    assert smtp_server.mailbox.envelopes[0][1] == ["frank@customer.example"]
    assert message["Subject"] == "Re: Parcel missing"
    assert message["In-Reply-To"] == "<abc123@customer.example>"
    assert message["References"] == "<first@customer.example> <abc123@customer.example>"
    done = services.inbox.get(item.id)
    assert done.state is InboxState.REPLIED and done.reply_url == message["Message-ID"]
    row = services.channels.outbox(statement_id=reply.id)[0]
    assert row.state is DeliveryState.SENT


def _release_refusal(services: Any, statement: Any) -> str | None:
    """Why the window would refuse to release ``statement`` now (its read model's verdict)."""
    view = services.views.incident(statement.incident_id, "alice").statement(statement.id)
    assert view is not None
    return view.refusals.release
