"""Drafting, reviewing, approving and releasing outbound statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from warroom.domain.changes import Area
from warroom.domain.clock import as_utc, iso_utc
from warroom.domain.errors import ValidationError
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.domain.playbooks import StatementTemplate
from warroom.domain.statements import (
    Revision,
    Statement,
    StatementState,
    ensure_can_approve,
    ensure_can_reject,
    ensure_can_release,
    ensure_editable,
    ensure_submittable,
    fill_placeholders,
    state_after_approval,
    state_after_edit,
    validate_content,
)
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.domain.trust import approval_document
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.services.playbooks import PlaybookCatalog
from warroom.services.signing import Keys, ensure_signed, registered_name
from warroom.storage import (
    changes,
    channel_repo,
    incident_repo,
    outbox_repo,
    reply_repo,
    statement_repo,
)
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append

_UNSET = object()
#: What a workflow step changes (a statement and its timeline entry); a release adds rows.
_WORKFLOW = (Area.STATEMENTS, Area.TIMELINE)
_RELEASED = (*_WORKFLOW, Area.OUTBOX)


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
) -> Statement:
    """Insert a draft and log it; shared by drafting and by opening from a playbook.

    Template drafts skip the length check: their placeholders are not filled yet, and the
    check runs again on every edit and at submission.
    """
    channels = channel_repo.by_names(session, channel_names)
    if check_limits:
        subject, text = validate_content(subject, text, channels)
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
    )
    origin = f" from template {template_key!r}" if template_key else ""
    _log(
        session,
        statement,
        actor,
        at,
        f"drafted{origin} for {', '.join(statement.channel_names)}",
        TimelineEvent.STATEMENT_DRAFTED,
        **_content_data(statement),
        template=template_key,
    )
    return statement


def required_approvals(session: Session, statement: Statement, incident: Incident) -> int:
    """Return the approvals ``statement`` needs: the incident's rule, or a reply's lighter one.

    A reply to an inbox item may need fewer (the playbook's ``reply_approvals``), or none
    while it is still a pre-approved template's exact text.
    """
    link = reply_repo.link_for(session, statement.id)
    if link is None:
        return incident.approvals_required
    return link.required(statement.content_hash, incident.approvals_required)


def _content_data(statement: Statement) -> dict[str, object]:
    """Return what a drafted/edited entry chains: channels and the promised next update."""
    return {
        "channels": list(statement.channel_names),
        "next_update_by": iso_utc(statement.next_update_by) if statement.next_update_by else None,
    }


def _log(
    session: Session,
    statement: Statement,
    actor: str,
    at: datetime,
    what: str,
    event: TimelineEvent,
    **extra: object,
) -> None:
    append(
        session,
        incident_id=statement.incident_id,
        kind=EntryKind.STATEMENT,
        text=f"Statement #{statement.id} {what}",
        author=actor,
        at=at,
        data={
            "event": event,
            "statement": statement.id,
            "revision": statement.revision,
            "content_hash": statement.content_hash,
            **extra,
        },
    )


class StatementService:
    """The approval workflow. Every method is one transaction and logs to the timeline."""

    def __init__(
        self, context: ServiceContext, playbooks: PlaybookCatalog, keys: Keys | None = None
    ) -> None:
        self._ctx = context
        self._playbooks = playbooks
        self._keys = keys or Keys(context.secrets)

    def draft(
        self,
        incident_id: int,
        channel_names: Sequence[str],
        text: str,
        actor: str,
        *,
        subject: str = "",
        next_update_by: datetime | None = None,
    ) -> Statement:
        """Write a new draft for the named channels."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.DRAFT)
            # Lock the incident before inserting the draft: the insert's foreign-key lock on
            # the incident would otherwise deadlock with another writer's append (PostgreSQL).
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            statement = create_draft(
                session,
                incident_id=incident_id,
                channel_names=channel_names,
                subject=subject,
                text=text,
                actor=actor,
                at=self._ctx.clock(),
                next_update_by=as_utc(next_update_by) if next_update_by else None,
            )
            changes.record(session, incident_id, *_WORKFLOW)
            return statement

    def templates(self, incident_id: int) -> list[StatementTemplate]:
        """Return the templates of the incident's playbook (none without a playbook)."""
        incident = self._incident(incident_id)
        if not incident.playbook_key:
            return []
        return list(self._playbooks.get(incident.playbook_key).templates)

    def draft_from_template(
        self,
        incident_id: int,
        template_key: str,
        values: dict[str, str],
        actor: str,
        *,
        channel_names: Sequence[str] = (),
    ) -> Statement:
        """Draft from a playbook template, filling the placeholders given in ``values``.

        ``{status}`` is the incident's status (investigating, identified, monitoring,
        resolved) unless ``values`` says otherwise.
        """
        template = next((t for t in self.templates(incident_id) if t.key == template_key), None)
        if template is None:
            raise ValidationError(
                f"incident {incident_id}'s playbook has no template {template_key!r}"
            )
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.DRAFT)
            # Lock the incident before inserting the draft: the insert's foreign-key lock on
            # the incident would otherwise deadlock with another writer's append (PostgreSQL).
            incident = incident_repo.get(session, incident_id, for_update=True)
            incident.ensure_open()
            filled = {"status": incident.status.value, **values}
            statement = create_draft(
                session,
                incident_id=incident_id,
                channel_names=list(channel_names or template.channels or ("email",)),
                subject=fill_placeholders(template.subject, filled),
                text=fill_placeholders(template.text, filled),
                actor=actor,
                at=self._ctx.clock(),
                template_key=template.key,
            )
            changes.record(session, incident_id, *_WORKFLOW)
            return statement

    def edit(
        self,
        statement_id: int,
        actor: str,
        *,
        text: str | None = None,
        subject: str | None = None,
        channel_names: Sequence[str] | None = None,
        next_update_by: datetime | object | None = _UNSET,
        expected_version: int | None = None,
    ) -> Statement:
        """Save new content as a new revision; approvals of the old content no longer count.

        With ``expected_version``, a save based on an outdated copy is refused (ConflictError)
        instead of overwriting someone else's edit.
        """
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.DRAFT)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident_repo.get(session, current.incident_id).ensure_open()
            ensure_editable(current)
            channels = (
                channel_repo.by_names(session, channel_names)
                if channel_names is not None
                else list(current.channels)
            )
            new_subject, new_text = validate_content(
                current.subject if subject is None else subject,
                current.text if text is None else text,
                channels,
            )
            promise = current.next_update_by if next_update_by is _UNSET else next_update_by
            assert promise is None or isinstance(promise, datetime)
            now = self._ctx.clock()
            statement = statement_repo.update_content(
                session,
                statement_id,
                subject=new_subject,
                text=new_text,
                channels=channels if channel_names is not None else None,
                next_update_by=as_utc(promise) if promise else None,
                author=actor,
                at=now,
                state=state_after_edit(current),
                expected_version=expected_version,
            )
            voided = len(current.valid_approvals)
            note = f"edited (revision {statement.revision})"
            if voided:
                note += f"; {voided} earlier approval(s) no longer apply"
            _log(
                session,
                statement,
                actor,
                now,
                note,
                TimelineEvent.STATEMENT_EDITED,
                **_content_data(statement),
            )
            changes.record(session, statement.incident_id, *_WORKFLOW)
            return statement

    def submit(self, statement_id: int, actor: str) -> Statement:
        """Send a draft for review."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.DRAFT)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident = incident_repo.get(session, current.incident_id)
            incident.ensure_open()
            ensure_submittable(current)
            validate_content(current.subject, current.text, current.channels)
            now = self._ctx.clock()
            # A pre-approved reply needs no approval: it is ready to release at once.
            needed = required_approvals(session, current, incident)
            state = StatementState.APPROVED if needed == 0 else StatementState.IN_REVIEW
            statement = statement_repo.set_state(session, statement_id, state, now)
            _log(
                session,
                statement,
                actor,
                now,
                "submitted for review",
                TimelineEvent.STATEMENT_SUBMITTED,
            )
            changes.record(session, statement.incident_id, *_WORKFLOW)
            return statement

    def approve(self, statement_id: int, actor: str, *, revision: int | None = None) -> Statement:
        """Approve and sign the current content; enough approvals make it approved.

        ``revision`` is the revision the approver read: if the statement changed since,
        the approval is refused ("changed since you read it"). The signature covers the
        incident, statement, revision, content hash, approver and time.
        """
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.APPROVE)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident = incident_repo.get(session, current.incident_id)
            incident.ensure_open()
            ensure_can_approve(current, actor, revision)
            now = self._ctx.clock()
            approver = registered_name(session, actor)
            key = self._keys.for_signing(session, approver, now, current.incident_id)
            signature = key.sign(
                approval_document(
                    incident_id=current.incident_id,
                    statement_id=current.id,
                    revision=current.revision,
                    content_hash=current.content_hash,
                    approver=approver,
                    approved_at=now,
                )
            )
            required = required_approvals(session, current, incident)
            new_state = state_after_approval(current, required)
            statement_repo.add_approval(
                session, current, approver, now, signature=signature, key=key.public.fingerprint
            )
            statement = statement_repo.set_state(session, statement_id, new_state, now)
            have = len(statement.valid_approvals)
            _log(
                session,
                statement,
                actor,
                now,
                f"approved by {approver} ({have} of {required})",
                TimelineEvent.STATEMENT_APPROVED,
                approver=approver,
                approvals=have,
                required=required,
                review_round=current.review_round,
                signature=signature,
                key=key.public.fingerprint,
                public_key=key.public.public_key,
            )
            changes.record(session, statement.incident_id, *_WORKFLOW)
            return statement

    def reject(self, statement_id: int, actor: str, reason: str) -> Statement:
        """Send a statement back to draft with a reason; every current approval is void."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.APPROVE)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident_repo.get(session, current.incident_id).ensure_open()
            cleaned = ensure_can_reject(current, reason)
            now = self._ctx.clock()
            statement = statement_repo.set_state(
                session, statement_id, StatementState.DRAFT, now, rejection_reason=cleaned
            )
            voided = len(current.valid_approvals)
            note = f"rejected by {actor}: {cleaned}"
            if voided:
                note += f" ({voided} approval(s) void: fresh approvals are needed)"
            _log(
                session,
                statement,
                actor,
                now,
                note,
                TimelineEvent.STATEMENT_REJECTED,
                reason=cleaned,
                voided=voided,
            )
            changes.record(session, statement.incident_id, *_WORKFLOW)
            return statement

    def release(self, statement_id: int, actor: str) -> Statement:
        """Release an approved statement: one outbox row per channel, same transaction."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.RELEASE)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident = incident_repo.get(session, current.incident_id)
            incident.ensure_open()
            ensure_can_release(current, required_approvals(session, current, incident))
            ensure_signed(session, current)
            now = self._ctx.clock()
            statement = statement_repo.set_state(
                session,
                statement_id,
                StatementState.RELEASED,
                now,
                expected_version=current.version,
                released_by=actor,
            )
            outbox_repo.enqueue(
                session,
                statement_id=statement_id,
                channels=statement.channels,
                subject=statement.subject,
                text=statement.text,
                at=now,
                content_hash=statement.content_hash,
            )
            _log(
                session,
                statement,
                actor,
                now,
                f"released by {actor} to {', '.join(statement.channel_names)}",
                TimelineEvent.STATEMENT_RELEASED,
                channels=list(statement.channel_names),
            )
            changes.record(session, statement.incident_id, *_RELEASED)
            return statement

    def get(self, statement_id: int) -> Statement:
        """Return one statement or raise NotFoundError."""
        with self._ctx.db.reading() as session:
            return statement_repo.get(session, statement_id)

    def for_incident(self, incident_id: int) -> list[Statement]:
        """Return an incident's statements, oldest first."""
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
            return statement_repo.list_for_incident(session, incident_id)

    def revisions(self, statement_id: int) -> list[Revision]:
        """Return a statement's revision history, oldest first."""
        with self._ctx.db.reading() as session:
            statement_repo.get(session, statement_id)
            return statement_repo.revisions(session, statement_id)

    def _incident(self, incident_id: int) -> Incident:
        with self._ctx.db.reading() as session:
            return incident_repo.get(session, incident_id)
