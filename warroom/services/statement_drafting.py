"""Writing a draft and working out its channels' variants (shared by drafting, templates,
playbooks and inbox replies)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from warroom.domain.channels import Channel
from warroom.domain.errors import ValidationError
from warroom.domain.names import same_name
from warroom.domain.statements import Statement, clean_variant, validate_content
from warroom.domain.timeline import TimelineEvent
from warroom.domain.variants import Variant, VariantEdit
from warroom.services.statement_log import content_data, log_statement
from warroom.storage import channel_repo, statement_repo
from warroom.storage.database import Session

#: a channel's requested variant, by channel name (None: back to the main text)
VariantEdits = Mapping[str, VariantEdit | None]


def create_draft(
    session: Session,
    *,
    incident_id: int,
    channel_names: Sequence[str],
    subject: str,
    text: str,
    actor: str,
    at: datetime,
    next_update_by: datetime | None = None,
    template_key: str | None = None,
    check_limits: bool = True,
    variants: VariantEdits | None = None,
) -> Statement:
    """Insert a draft and log it; shared by drafting and by opening from a playbook.

    Template drafts skip the length check: their placeholders are not filled yet, and the
    check runs again on every edit and at submission. ``variants`` gives channels their own
    subject and text from the start.
    """
    channels = channel_repo.by_names(session, channel_names)
    own = variants_after(channels, (), variants, subject, text)
    if check_limits:
        subject, text = validate_content(subject, text, channels, list(own.values()))
    statement = statement_repo.add(
        session,
        incident_id=incident_id,
        channels=channels,
        subject=subject,
        text=text,
        author=actor,
        at=at,
        next_update_by=next_update_by,
        template_key=template_key,
        own={name: (v.subject, v.text) for name, v in own.items()},
    )
    origin = f" from template {template_key!r}" if template_key else ""
    edited = [v.channel for v in statement.edited_variants]
    own_note = f" ({', '.join(edited)}: own text)" if edited else ""
    log_statement(
        session,
        statement,
        actor,
        at,
        f"drafted{origin} for {', '.join(statement.channel_names)}{own_note}",
        TimelineEvent.STATEMENT_DRAFTED,
        **content_data(statement),
        template=template_key,
    )
    return statement


def variants_after(
    channels: Sequence[Channel],
    edited: Sequence[Variant],
    changes_: VariantEdits | None,
    subject: str,
    text: str,
) -> dict[str, Variant]:
    """Return every target channel's own variant after ``changes_`` (by channel name).

    ``edited`` are the variants before; those of channels no longer targeted are dropped.
    A change names a channel as people type it; it must be a target. A text-only change of
    a derived variant starts from the main subject (on channels that send one).
    """
    names = {c.name for c in channels}
    own = {v.channel: v for v in edited if v.channel in names}
    for typed, change in (changes_ or {}).items():
        channel = next((c for c in channels if same_name(c.name, typed)), None)
        if channel is None:
            targets = ", ".join(c.name for c in channels) or "none"
            raise ValidationError(
                f"channel {typed!r} is not a target of this statement (its channels: {targets})"
            )
        if change is None:
            own.pop(channel.name, None)
            continue
        base = own.get(channel.name)
        sends_subject = channel.has_subject
        if base is None:
            base = Variant(channel.name, subject if sends_subject else "", text)
        new_subject = change.subject if change.subject is not None else base.subject
        new_text = change.text if change.text is not None else base.text
        own[channel.name] = clean_variant(channel, new_subject, new_text)
    return own
