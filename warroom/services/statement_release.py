"""Releasing a statement now or at a set time, and calling a scheduled release off.

A release writes one outbox row per target channel, each carrying that channel's variant,
in the same transaction as the state change. A scheduled release writes the rows at once
with a not-before time (the sync worker does not claim them earlier) and puts the statement
in the ``scheduled`` state; at that time the worker's pass marks it released
(:func:`release_due`). Editing or rejecting it before then cancels its rows (they stay in
the record as ``cancelled``) and voids its approvals; the timeline says so.
"""

from __future__ import annotations

import logging
from datetime import datetime

from warroom.domain.changes import Area
from warroom.domain.clock import as_utc, iso_utc
from warroom.domain.errors import RuleViolation
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.domain.release_rules import release_refusal_at, schedule_refusal
from warroom.domain.statements import Statement, StatementState
from warroom.domain.timeline import TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.services.signing import ensure_signed
from warroom.services.statement_log import log_statement
from warroom.storage import changes, incident_repo, outbox_repo, reply_repo, statement_repo
from warroom.storage.database import Session

log = logging.getLogger(__name__)

RELEASED_AREAS = (Area.STATEMENTS, Area.TIMELINE, Area.OUTBOX)


def required_approvals(session: Session, statement: Statement, incident: Incident) -> int:
    """Return the approvals ``statement`` needs: the incident's rule, or a reply's lighter one.

    A reply to an inbox item may need fewer (the playbook's ``reply_approvals``), or none
    while it is still a pre-approved template's exact text.
    """
    link = reply_repo.link_for(session, statement.id)
    if link is None:
        return incident.approvals_required
    return link.required(statement.content_hash, incident.approvals_required)


def release(
    ctx: ServiceContext, statement_id: int, actor: str, at: datetime | None = None
) -> Statement:
    """Release an approved statement now (``at`` None) or schedule it for ``at``."""
    with ctx.db.transaction() as session:
        authorize(session, actor, Action.RELEASE)
        current = statement_repo.get(session, statement_id, for_update=True)
        incident = incident_repo.get(session, current.incident_id)
        incident.ensure_open()
        required = required_approvals(session, current, incident)
        now = ctx.clock()
        window = incident.approval_window
        when = as_utc(at) if at is not None else None
        refusal = (
            release_refusal_at(current, required, now, window)
            if when is None
            else schedule_refusal(current, required, when, now, window)
        )
        if refusal:
            raise RuleViolation(refusal)
        ensure_signed(session, current)
        statement = statement_repo.set_state(
            session,
            statement_id,
            StatementState.RELEASED if when is None else StatementState.SCHEDULED,
            now,
            expected_version=current.version,
            released_by=actor,
            scheduled_for=when,
        )
        outbox_repo.enqueue(
            session,
            statement_id=statement_id,
            channels=statement.channels,
            subject=statement.subject,
            text=statement.text,
            at=now,
            content_hash=statement.content_hash,
            variants={v.channel: (v.subject, v.text) for v in statement.variants},
            not_before=when,
        )
        names = ", ".join(statement.channel_names)
        if when is None:
            log_statement(
                session,
                statement,
                actor,
                now,
                f"released by {actor} to {names}",
                TimelineEvent.STATEMENT_RELEASED,
                channels=list(statement.channel_names),
            )
        else:
            log_statement(
                session,
                statement,
                actor,
                now,
                f"scheduled by {actor} for release at {when:%Y-%m-%d %H:%M}Z to {names}",
                TimelineEvent.STATEMENT_SCHEDULED,
                channels=list(statement.channel_names),
                release_at=iso_utc(when),
            )
        changes.record(session, statement.incident_id, *RELEASED_AREAS)
        return statement


def release_due(ctx: ServiceContext, actor: str) -> list[Statement]:
    """Mark released every scheduled statement whose time has come (the worker's pass).

    Its rows were written when it was scheduled and become claimable at that time; the
    entry names who scheduled it as the releaser, and ``actor`` (the worker) as its writer.
    """
    now = ctx.clock()
    with ctx.db.reading() as session:
        due = statement_repo.scheduled_due(session, now)
    released = []
    for statement_id in due:
        with ctx.db.transaction() as session:
            current = statement_repo.get(session, statement_id, for_update=True)
            when = current.scheduled_for
            if current.state is not StatementState.SCHEDULED or when is None or when > now:
                continue  # another workstation's worker released it (or it was called off)
            scheduler = current.scheduled_by or actor
            statement = statement_repo.set_state(
                session, statement_id, StatementState.RELEASED, now, released_by=scheduler
            )
            log_statement(
                session,
                statement,
                actor,
                now,
                f"released as scheduled for {when:%Y-%m-%d %H:%M}Z by {scheduler} to "
                + ", ".join(statement.channel_names),
                TimelineEvent.STATEMENT_RELEASED,
                channels=list(statement.channel_names),
                scheduled_for=iso_utc(when),
                released_by=scheduler,
            )
            changes.record(session, statement.incident_id, Area.STATEMENTS, Area.TIMELINE)
            released.append(statement)
            log.info("statement %s released as scheduled", statement_id)
    return released


def call_off(session: Session, current: Statement, now: datetime, why: str) -> str:
    """Cancel the held rows of a scheduled ``current`` (same transaction as ``why``: an edit
    or a rejection); return the sentence the timeline entry adds ('' when not scheduled).

    Refused when a row was already claimed or sent: the release is under way.
    """
    if current.state is not StatementState.SCHEDULED or current.scheduled_for is None:
        return ""
    when = current.scheduled_for
    cancelled, live = outbox_repo.cancel_scheduled(
        session, current.id, now, f"cancelled: the statement was {why} before its release"
    )
    if cancelled < live:
        raise RuleViolation(
            f"statement {current.id} is already going out (its release time "
            f"{when:%Y-%m-%d %H:%M}Z has come); it can no longer be {why}"
        )
    return f"; the release scheduled for {when:%Y-%m-%d %H:%M}Z is cancelled"
