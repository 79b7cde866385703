"""What the drafts pane may offer now, and how it explains itself (no Qt, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.people import Action
from warroom.domain.permissions import StatementRefusals as Refusals
from warroom.domain.permissions import closed_refusal
from warroom.domain.publication import Publication, publication
from warroom.domain.release_rules import approval_expiry, countdown_text
from warroom.domain.statements import Statement, StatementState

UNSAVED = "save your changes first: approvals bind to the saved text"
CHECKING = "checking what you may do…"

STATE_LABELS = {
    StatementState.DRAFT: "draft",
    StatementState.IN_REVIEW: "in review",
    StatementState.APPROVED: "approved",
    StatementState.SCHEDULED: "scheduled",
    StatementState.RELEASED: "released",
}


def state_badge(statement: Statement, approvals_required: int) -> str:
    """Return the badge text people read, e.g. 'in review · 1 of 2 approvals'."""
    label = STATE_LABELS[statement.state]
    if statement.state is StatementState.DRAFT:
        return label
    return f"{label} · {len(statement.valid_approvals)} of {approvals_required} approvals"


def pane_refusals(
    incident: Incident | None,
    view: IncidentView | None,
    statement: Statement | None,
    actor: str,
    *,
    new_mode: bool,
    dirty: bool,
) -> Refusals:
    """Combine the read model's refusals for ``actor`` with what only the pane knows:
    unsaved text, a new draft, a view judged for someone else (the user was switched)."""
    if incident is None:
        return Refusals.every("no incident is open")
    closed = closed_refusal(incident)
    if closed:
        return Refusals.every(closed)
    if view is None or view.actor != actor:
        return Refusals.every(CHECKING)
    if new_mode:
        first = "save the new draft first"
        return Refusals(view.refusal(Action.DRAFT), first, first, first, first)
    found = view.statement(statement.id) if statement is not None else None
    if found is None:
        return Refusals.every("choose a statement first")
    refusals = found.refusals
    if dirty:
        return Refusals(refusals.edit, UNSAVED, UNSAVED, refusals.reject, UNSAVED)
    return refusals


def reason_lines(
    statement: Statement | None,
    refusals: Refusals,
    *,
    new_mode: bool,
    deliveries: Sequence[Delivery] = (),
    signoff: str | None = None,
    incident: Incident | None = None,
    now: datetime | None = None,
) -> str:
    """Return the visible lines under the buttons: why the next steps are not possible,
    a stale template sign-off, when a scheduled release goes out or an approval expires,
    and for a released statement, each delivery that failed or waits for a person."""
    if new_mode:
        return "New draft: choose channels, write the text and save (Ctrl+S)."
    if statement is None:
        return ""
    relevant = {
        StatementState.DRAFT: (("Submit", refusals.submit),),
        StatementState.IN_REVIEW: (("Approve", refusals.approve), ("Release", refusals.release)),
        StatementState.APPROVED: (("Release", refusals.release),),
        StatementState.SCHEDULED: (("Edit", refusals.edit),),
        StatementState.RELEASED: (("Edit", refusals.edit),),
    }[statement.state]
    lines = [f"{name}: {reason}" for name, reason in relevant if reason]
    if now is not None:
        lines[:0] = timing_lines(statement, incident, now)
    if statement.rejection_reason and statement.state is StatementState.DRAFT:
        lines.insert(0, f"Rejected: {statement.rejection_reason}")
    if signoff:
        lines.insert(0, f"Stale sign-off: {signoff}")
    lines.extend(delivery_lines(deliveries))
    return "\n".join(lines)


def delivery_lines(deliveries: Sequence[Delivery]) -> list[str]:
    """Return one line per delivery that failed, is uncertain or waits for a retry, with
    its reason (a server's error shows from its first failure on)."""
    lines = []
    for row in deliveries:
        if row.state is DeliveryState.FAILED:
            lines.append(f"Delivery failed on {row.channel_name}: {row.last_error}")
        elif row.state is DeliveryState.UNCERTAIN:
            lines.append(
                f"Delivery on {row.channel_name} may or may not have gone out: "
                f"{row.last_error} (decide in Tools > Outbox…)"
            )
        elif row.state is DeliveryState.QUEUED and row.last_error:
            lines.append(f"Delivery on {row.channel_name} will be retried: {row.last_error}")
        elif row.state is DeliveryState.HELD:
            lines.append(
                f"Held on {row.channel_name}: it waited longer than the hold window; confirm "
                "or withdraw it in Tools > Outbox…"
            )
    return lines


def publication_text(statement: Statement, deliveries: Sequence[Delivery]) -> str | None:
    """Say where a released statement stands with the public: 'queued, not public yet',
    'public', 'held'... (None before release). Released but queued is never public."""
    found = publication(statement, deliveries)
    if found is None:
        return None
    if found is Publication.QUEUED:
        return "queued, not public yet"
    return found.value


def timing_lines(statement: Statement, incident: Incident | None, now: datetime) -> list[str]:
    """Return the countdowns that matter for ``statement``: when its scheduled release goes
    out, or when its approval expires (approved, not yet released)."""
    when = statement.scheduled_for
    if statement.state is StatementState.SCHEDULED and when is not None:
        due = countdown_text(when, now)
        wait = " (due: waiting for the sync worker)" if due == "now" else f" ({due})"
        return [
            f"Scheduled: goes out at {when.astimezone():%H:%M} "
            f"({when:%H:%M} UTC){wait}. Editing or rejecting it cancels the release."
        ]
    if statement.state is StatementState.APPROVED and incident is not None:
        expiry = approval_expiry(statement, incident.approvals_required, incident.approval_window)
        if expiry is not None and expiry > now:
            return [
                f"Approval expires at {expiry.astimezone():%H:%M} "
                f"({countdown_text(expiry, now)}): release or schedule it before then."
            ]
    return []


def heading_text(
    statement: Statement | None,
    incident: Incident | None,
    *,
    new_mode: bool,
    deliveries: Sequence[Delivery] = (),
) -> str:
    """Return the line above the editor: which statement, its state, who wrote it."""
    if new_mode:
        return "New statement (not saved yet)"
    if statement is None or incident is None:
        return "Choose a statement above, or start a new draft."
    text = (
        f"Statement #{statement.id}: {state_badge(statement, incident.approvals_required)}; "
        f"revision {statement.revision} by {statement.revision_author}"
    )
    if statement.author != statement.revision_author:
        text += f" (first written by {statement.author})"
    if statement.released_at is not None:
        text += f"; released by {statement.released_by} at "
        text += f"{statement.released_at.astimezone():%H:%M}"
        shown = publication_text(statement, deliveries)
        if shown:
            text += f" ({shown})"
    elif statement.state is StatementState.SCHEDULED and statement.scheduled_for is not None:
        text += f"; scheduled by {statement.scheduled_by} for "
        text += f"{statement.scheduled_for.astimezone():%H:%M}"
    if statement.template_key:
        text += f"; from template {statement.template_key!r}"
    return text
