"""Domain objects for the JSON mapper's tests: every field set, and the cases where the
export and the CLI disagree (an approval from before a rejection, a revision from before
channels were recorded, variants whose channel order is not their language order)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.incidents import Incident, IncidentState, IncidentStatus, Severity
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.statement_record import StatementRecord
from warroom.domain.statements import Approval, Revision, Statement, StatementState
from warroom.domain.timeline import ChainRecord, EntryKind, TimelineEntry
from warroom.domain.variants import Variant

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)

INCIDENT = Incident(
    id=4,
    title="Paiements en panne — ñ",
    severity=Severity.SEV2,
    state=IncidentState.OPEN,
    playbook_key="service-outage",
    began_at=T0,
    aware_at=T0 + timedelta(minutes=5),
    declared_at=T0 + timedelta(minutes=9),
    closed_at=None,
    created_by="alice",
    entry_count=12,
    head_hash="ab" * 32,
    lessons_learned="watch the queue",
    status=IncidentStatus.IDENTIFIED,
    cadence_minutes=45,
    hold_minutes=20,
)
#: the approval window left at its default (the CLI and the export print it differently)
INCIDENTS = (INCIDENT, replace(INCIDENT, id=5, approval_window_minutes=90, cadence_minutes=0))

ENTRY = TimelineEntry(
    id=31,
    incident_id=4,
    seq=7,
    kind=EntryKind.DECISION,
    text="the outage began at 08:25",
    author="bob",
    created_at=T0 + timedelta(minutes=40),
    corrects_id=29,
    prev_hash="cd" * 32,
    hash="ef" * 32,
    data={"occurred_at": "2026-03-01T08:25:00Z"},
)
RECORD = ChainRecord(
    incident_id=4,
    seq=7,
    kind="decision",
    text=ENTRY.text,
    author="bob",
    created_at=ENTRY.created_at,
    corrects_seq=5,
    data=dict(ENTRY.data),
    prev_hash=ENTRY.prev_hash,
    hash=ENTRY.hash,
)

MASTODON = Channel(1, "mastodon", ChannelKind.MASTODON, {"language": "fr"})
EMAIL = Channel(2, "email", ChannelKind.EMAIL, {"language": "en"})


def _statement() -> Statement:
    base = Statement(
        id=9,
        incident_id=4,
        channels=(MASTODON, EMAIL),
        subject="Update",
        text="We are investigating.",
        state=StatementState.IN_REVIEW,
        revision=3,
        author="alice",
        revision_author="carol",
        created_at=T0 + timedelta(minutes=20),
        updated_at=T0 + timedelta(minutes=50),
        version=6,
        next_update_by=T0 + timedelta(hours=2),
        template_key="first-notice",
        rejection_reason="too vague",
        review_round=1,
        edited_variants=(Variant("mastodon", "", "On enquête.", edited=True),),
        scheduled_for=T0 + timedelta(hours=1),
        scheduled_by="dave",
    )
    current = base.content_hash
    approvals = (
        # same text, an earlier round: the CLI's 'valid' says yes, the export's says no
        Approval(9, "bob", T0 + timedelta(minutes=30), current, 3, review_round=0),
        Approval(9, "erin", T0 + timedelta(minutes=55), current, 3, 1, "5e" * 32, "k1"),
        Approval(9, "frank", T0 + timedelta(minutes=25), "00" * 32, 2, review_round=0),
    )
    return replace(base, approvals=approvals)


STATEMENT = _statement()
REVISIONS = (
    # written before channels were recorded (migration 0007)
    Revision(9, 1, "Update", "First words.", "alice", T0 + timedelta(minutes=20), "11" * 32),
    Revision(
        9,
        3,
        "Update",
        "We are investigating.",
        "carol",
        T0 + timedelta(minutes=50),
        STATEMENT.content_hash,
        ("mastodon", "email"),
        (Variant("mastodon", "", "On enquête.", edited=True),),
    ),
)
DELIVERY = Delivery(
    id=3,
    statement_id=9,
    incident_id=4,
    channel_id=1,
    channel_name="mastodon",
    state=DeliveryState.SENT,
    idempotency_key="idem-3",
    subject="",
    text="On enquête.",
    attempts=1,
    created_at=T0 + timedelta(minutes=56),
    updated_at=T0 + timedelta(minutes=57),
    remote_id="1101",
    remote_url="https://social.example/@room/1101",
)
STATEMENT_RECORD = StatementRecord(STATEMENT, REVISIONS, (DELIVERY,))
