"""Drafting, reviewing, approving and releasing outbound statements.

A statement has a main subject and text and, per target channel, a variant that follows it
until someone edits that channel's own (domain.variants). Every save of the main text or
of any variant is one new revision: approvals of the old content no longer count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from warroom.domain.changes import Area
from warroom.domain.clock import as_utc
from warroom.domain.errors import ValidationError
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.domain.playbooks import StatementTemplate
from warroom.domain.release_rules import approved_state
from warroom.domain.statements import (
    Revision,
    Statement,
    StatementState,
    ensure_can_approve,
    ensure_can_reject,
    ensure_editable,
    ensure_submittable,
    fill_placeholders,
    state_after_edit,
    validate_content,
)
from warroom.domain.timeline import TimelineEvent
from warroom.domain.trust import approval_document
from warroom.domain.variants import VariantEdit
from warroom.services import statement_release
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.services.playbooks import PlaybookCatalog
from warroom.services.signing import Keys, registered_name
from warroom.services.statement_drafting import VariantEdits, create_draft, variants_after
from warroom.services.statement_log import content_data, log_statement
from warroom.services.statement_release import call_off, required_approvals
from warroom.storage import (
    changes,
    channel_repo,
    incident_repo,
    statement_repo,
)

__all__ = ["StatementService", "create_draft", "required_approvals"]

_UNSET = object()
#: What a workflow step changes (a statement and its timeline entry); a release adds rows.
_WORKFLOW = (Area.STATEMENTS, Area.TIMELINE)
_RELEASED = (*_WORKFLOW, Area.OUTBOX)


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
        variants: VariantEdits | None = None,
    ) -> Statement:
        """Write a new draft for the named channels (``variants``: channels' own texts)."""
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
                variants=variants,
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
        variants: VariantEdits | None = None,
    ) -> Statement:
        """Save new content as a new revision; approvals of the old content no longer count.

        ``variants`` sets channels' own subject and text (a None value sends a channel back
        to the main text). With ``expected_version``, a save based on an outdated copy is
        refused (ConflictError) instead of overwriting someone else's edit. A scheduled
        release is called off: its rows are cancelled, and the entry says so.
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
            main_subject = current.subject if subject is None else subject
            main_text = current.text if text is None else text
            own = variants_after(
                channels, current.edited_variants, variants, main_subject, main_text
            )
            new_subject, new_text = validate_content(
                main_subject, main_text, channels, list(own.values())
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
                own={name: (v.subject, v.text) for name, v in own.items()},
            )
            called_off = call_off(session, current, now, "edited")
            note = f"edited (revision {statement.revision}{_variant_note(variants)})"
            voided = len(current.valid_approvals)
            if voided:
                note += f"; {voided} earlier approval(s) no longer apply"
            extra: dict[str, object] = {}
            if called_off:
                extra["schedule_cancelled"] = True
            log_statement(
                session,
                statement,
                actor,
                now,
                note + called_off,
                TimelineEvent.STATEMENT_EDITED,
                **content_data(statement),
                **extra,
            )
            areas = _RELEASED if called_off else _WORKFLOW
            changes.record(session, statement.incident_id, *areas)
            return statement

    def set_variant(
        self,
        statement_id: int,
        actor: str,
        channel: str,
        *,
        text: str | None = None,
        subject: str | None = None,
        reset: bool = False,
        expected_version: int | None = None,
    ) -> Statement:
        """Give one target channel its own subject and/or text, or (``reset``) send it back
        to the main text: a new revision, like any edit."""
        if reset and (text is not None or subject is not None):
            raise ValidationError("either reset a variant to the main text or give it a text")
        if not reset and text is None and subject is None:
            raise ValidationError("a variant needs a text or a subject (or a reset)")
        change = None if reset else VariantEdit(subject=subject, text=text)
        return self.edit(
            statement_id, actor, variants={channel: change}, expected_version=expected_version
        )

    def submit(self, statement_id: int, actor: str) -> Statement:
        """Send a draft for review."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.DRAFT)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident = incident_repo.get(session, current.incident_id)
            incident.ensure_open()
            ensure_submittable(current)
            validate_content(
                current.subject, current.text, current.channels, current.edited_variants
            )
            now = self._ctx.clock()
            # A pre-approved reply needs no approval: it is ready to release at once.
            needed = required_approvals(session, current, incident)
            state = StatementState.APPROVED if needed == 0 else StatementState.IN_REVIEW
            statement = statement_repo.set_state(session, statement_id, state, now)
            log_statement(
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
            new_state = approved_state(
                [a.approved_at for a in current.valid_approvals] + [now],
                now,
                required,
                incident.approval_window,
            )
            statement_repo.add_approval(
                session, current, approver, now, signature=signature, key=key.public.fingerprint
            )
            statement = statement_repo.set_state(session, statement_id, new_state, now)
            have = len(statement.valid_approvals)
            log_statement(
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
        """Send a statement back to draft with a reason; every current approval is void (a
        scheduled release is called off)."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.APPROVE)
            current = statement_repo.get(session, statement_id, for_update=True)
            incident_repo.get(session, current.incident_id).ensure_open()
            cleaned = ensure_can_reject(current, reason)
            now = self._ctx.clock()
            statement = statement_repo.set_state(
                session, statement_id, StatementState.DRAFT, now, rejection_reason=cleaned
            )
            called_off = call_off(session, current, now, "rejected")
            voided = len(current.valid_approvals)
            note = f"rejected by {actor}: {cleaned}"
            if voided:
                note += f" ({voided} approval(s) void: fresh approvals are needed)"
            extra: dict[str, object] = {"schedule_cancelled": True} if called_off else {}
            log_statement(
                session,
                statement,
                actor,
                now,
                note + called_off,
                TimelineEvent.STATEMENT_REJECTED,
                reason=cleaned,
                voided=voided,
                **extra,
            )
            changes.record(
                session, statement.incident_id, *(_RELEASED if called_off else _WORKFLOW)
            )
            return statement

    def release(self, statement_id: int, actor: str, *, at: datetime | None = None) -> Statement:
        """Release an approved statement: one outbox row per channel (its variant), same
        transaction; with ``at``, scheduled for that time (the rows wait until then)."""
        return statement_release.release(self._ctx, statement_id, actor, at)

    def release_due(self, actor: str) -> list[Statement]:
        """Mark released the scheduled statements whose time has come (the sync worker)."""
        return statement_release.release_due(self._ctx, actor)

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


def _variant_note(variants: VariantEdits | None) -> str:
    """Say which channels' variants an edit set or reset, e.g. ': email variant'."""
    if not variants:
        return ""
    parts = [
        f"{name} variant" + (" back to the main text" if change is None else "")
        for name, change in variants.items()
    ]
    return ": " + ", ".join(parts)
