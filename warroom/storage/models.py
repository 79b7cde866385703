"""SQLAlchemy 2.0 typed mappings of War Room's tables.

Schema changes go through Alembic migrations in ``migrations/versions``; a test compares
these models with the migrated schema so that the two never drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from warroom.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Tables that migrations create but the ORM does not map: the full-text indexes (FTS5 virtual
# tables and their shadow tables on SQLite, tsvector tables on PostgreSQL), which triggers
# keep and only raw SQL reads (storage/search_sql.py).
SEARCH_INDEX_PREFIX = "search_"


def is_mapped_table(name: str | None) -> bool:
    """Tell whether a table of the migrated schema is one the models describe."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIX)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)


class ChangeFeedRow(Base):
    """One (incident, area) a committed write changed; windows read the rows past the last
    ``seq`` they saw and refresh only what is named. Old rows are pruned."""

    __tablename__ = "change_feed"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: a feed row must not lock the incident row (PostgreSQL's FOR KEY SHARE)
    # and a room-wide change (channels, people) has no incident.
    incident_id: Mapped[int | None] = mapped_column(Integer)
    area: Mapped[str] = mapped_column(String(16))


class IncidentRow(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    severity: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="open")
    playbook_key: Mapped[str | None] = mapped_column(String(64))
    began_at: Mapped[datetime] = mapped_column(UTCDateTime)
    aware_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    approvals_override: Mapped[int | None] = mapped_column(Integer)
    regulator_deadline_minutes: Mapped[int | None] = mapped_column(Integer)
    regulator_deadline_label: Mapped[str] = mapped_column(String(200), default="")
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    lessons_learned: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(
        String(16), default="investigating", server_default="investigating"
    )
    #: None: the severity's cadence; 0: no cadence
    cadence_minutes: Mapped[int | None] = mapped_column(Integer)
    hold_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    #: how long an approval counts before release (NULL: 24 hours)
    approval_window_minutes: Mapped[int | None] = mapped_column(Integer)


class TimelineEntryRow(Base):
    __tablename__ = "timeline_entries"
    __table_args__ = (
        UniqueConstraint("incident_id", "seq", name="uq_timeline_incident_seq"),
        # Which entries of a page are corrected, without scanning the whole timeline.
        Index("ix_timeline_corrects", "incident_id", "corrects_seq"),
        # The header entries (kind 'status') of a long timeline, for the cadence periods.
        Index("ix_timeline_kind", "incident_id", "kind", "seq"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_entries.id"))
    corrects_seq: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChannelRow(Base):
    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    #: The name as compared (NFKC, case-folded): two channels cannot share it.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: Immutable random id; the keychain entry of the channel's secret is keyed by it.
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    #: The name an older version kept this channel's secret under (None: none could be).
    legacy_secret_name: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    configured: Mapped[bool] = mapped_column(Boolean, default=False)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class ChannelIncidentRow(Base):
    """The remote incident a channel keeps for a War Room incident (a status page's own
    incident, which later statements update)."""

    __tablename__ = "channel_incidents"
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StatementChannelRow(Base):
    __tablename__ = "statement_channels"
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: this channel's own variant (NULL text: it follows the statement's main text)
    variant_subject: Mapped[str | None] = mapped_column(String(200))
    variant_text: Mapped[str | None] = mapped_column(Text)


class StatementRow(Base):
    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    author: Mapped[str] = mapped_column(String(100))
    revision_author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    next_update_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    template_key: Mapped[str | None] = mapped_column(String(64))
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(String(100))
    review_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_by: Mapped[str | None] = mapped_column(String(100))
    channel_links: Mapped[list[StatementChannelRow]] = relationship(
        order_by=StatementChannelRow.position, cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy API


class RevisionRow(Base):
    __tablename__ = "statement_revisions"
    __table_args__ = (UniqueConstraint("statement_id", "revision", name="uq_revision_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    revision: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    channels: Mapped[list[str] | None] = mapped_column(JSON)


class RevisionVariantRow(Base):
    """A channel's own subject and text in one revision (insert-only, like revisions)."""

    __tablename__ = "statement_revision_variants"
    __table_args__ = (UniqueConstraint("revision_id", "channel", name="uq_revision_variant"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("statement_revisions.id"), index=True)
    channel: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)


class ApprovalRow(Base):
    __tablename__ = "approvals"
    __table_args__ = (
        UniqueConstraint(
            "statement_id", "approver", "content_hash", "review_round", name="uq_approval_once"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    approver: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    review_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    signature: Mapped[str] = mapped_column(Text, default="", server_default="")
    key: Mapped[str] = mapped_column(String(32), default="", server_default="")


class ChecklistItemRow(Base):
    __tablename__ = "checklist_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    phase: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    owner_role: Mapped[str] = mapped_column(String(100))
    due_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(100))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stops_regulator_clock: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    assignee: Mapped[str] = mapped_column(String(100), default="", server_default="")


class OutboxEntryRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # One live row per (statement, channel): a cancelled schedule's rows stay, in the
        # record, beside the rows of the release that replaced it.
        Index(
            "uq_outbox_live_statement_channel",
            "statement_id",
            "channel_id",
            unique=True,
            sqlite_where=text("state <> 'cancelled'"),
            postgresql_where=text("state <> 'cancelled'"),
        ),
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    remote_id: Mapped[str] = mapped_column(String(300), default="")
    remote_url: Mapped[str] = mapped_column(String(500), default="")
    record_key: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    #: a post a person made by hand and recorded: who, and when they say it went out
    posted_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: who confirmed a held row (it waited longer than its incident's hold window)
    confirmed_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: a scheduled release: not claimed before this time (NULL: at once)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PersonRow(Base):
    """A registered person and their role (team mode; empty means no role checks)."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the name as compared (NFKC + case fold): unique, so twins cannot both be registered
    name_key: Mapped[str] = mapped_column(String(100), unique=True, server_default="")
    #: their own database login role in team mode ('' without one)
    login: Mapped[str] = mapped_column(String(63), default="", server_default="")


class PersonKeyRow(Base):
    """A public signing key registered for a person (insert-only: keys are never edited)."""

    __tablename__ = "person_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person: Mapped[str] = mapped_column(String(100))
    person_key: Mapped[str] = mapped_column(String(100), index=True)
    fingerprint: Mapped[str] = mapped_column(String(32), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SourceRow(Base):
    """A listening source (settings hold no secret) and where each of its streams stopped."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cursors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    stopped_reason: Mapped[str] = mapped_column(Text, default="")
    items_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)


class InboxItemRow(Base):
    """One thing heard on a source: unique per source by its remote id."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("source_id", "remote_id", name="uq_inbox_source_remote"),
        Index("ix_inbox_incident_state", "incident_id", "state"),
        Index("ix_inbox_state_posted", "state", "posted_at"),
        Index("ix_inbox_posted", "posted_at"),
        # Covering indexes of the stats: scanned instead of the (wide) table.
        Index("ix_inbox_volume", "incident_id", "posted_epoch", "source_name", "sentiment"),
        Index(
            "ix_inbox_response", "incident_id", "response_seconds", "priority", "suggested_priority"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    source_name: Mapped[str] = mapped_column(String(40))
    source_kind: Mapped[str] = mapped_column(String(16))
    remote_id: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000), default="")
    author_handle: Mapped[str] = mapped_column(String(300), default="")
    author_name: Mapped[str] = mapped_column(String(300), default="")
    author_followers: Mapped[int | None] = mapped_column(Integer)
    author_address: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="")
    thread: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: posted_at in whole seconds since the epoch: stats bucket 100,000 items by integer
    #: division, which is far cheaper than parsing times in SQL.
    posted_epoch: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    attachments: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="new")
    suggested_priority: Mapped[int] = mapped_column(Integer)
    suggestion_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    risk_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    sentiment: Mapped[float | None] = mapped_column(Float)
    priority: Mapped[int | None] = mapped_column(Integer)
    assignee: Mapped[str] = mapped_column(String(100), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    attached_automatically: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_url: Mapped[str] = mapped_column(String(1000), default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Seconds from posting to the first response (set with responded_at), for the stats.
    response_seconds: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)


class InboxReplyRow(Base):
    """A statement that answers an inbox item in its thread, and the quorum it needs."""

    __tablename__ = "inbox_replies"
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id"), index=True)
    approvals_required: Mapped[int | None] = mapped_column(Integer)
    template_key: Mapped[str | None] = mapped_column(String(64))
    #: The content hash of a pre-approved template's text: while unchanged, no approval needed.
    preapproved_hash: Mapped[str] = mapped_column(String(64), default="")


class TrackedTermRow(Base):
    """A word, phrase or hashtag whose inbound matches are attached to an incident."""

    __tablename__ = "tracked_terms"
    __table_args__ = (UniqueConstraint("incident_id", "term", name="uq_tracked_term"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    term: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VerifyCheckpointRow(Base):
    """The last head of an incident's chain that a verification proved (see migration
    0015): ``warroom verify --incident`` rechecks from there."""

    __tablename__ = "verify_checkpoints"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    entry_count: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    #: JSON list of the numbers of the entries up to the head that record the incident
    #: header, statements and keys (re-read to check every exported field)
    event_seqs: Mapped[str] = mapped_column(Text)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_by: Mapped[str] = mapped_column(String(100))
