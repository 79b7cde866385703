"""What the drafts pane may offer now, and how it explains itself (no Qt, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.domain.incidents import Incident
from warroom.domain.outbox import DeliveryState, OutboxRow
from warroom.domain.statements import Statement, StatementState
from warroom.ui.drafts.snapshot import DraftsSnapshot, Refusals

UNSAVED = "save your changes first: approvals bind to the saved text"

STATE_LABELS = {
    StatementState.DRAFT: "draft",
    StatementState.IN_REVIEW: "in review",
    StatementState.APPROVED: "approved",
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
    snapshot: DraftsSnapshot | None,
    statement: Statement | None,
    actor: str,
    *,
    new_mode: bool,
    dirty: bool,
) -> Refusals:
    """Combine the rules' refusals with what the pane knows: unsaved text, who acts now."""
    if incident is None:
        return Refusals(*(["no incident is open"] * 5))
    if not incident.is_open:
        return Refusals(*([f"incident {incident.id} is closed and read-only"] * 5))
    if new_mode:
        first = "save the new draft first"
        return Refusals(None, first, first, first, first)
    if statement is None or snapshot is None:
        pick = "choose a statement first"
        return Refusals(pick, pick, pick, pick, pick)
    found = snapshot.refusals.get(statement.id, Refusals())
    if snapshot.actor != actor:
        wait = "checking what you may do…"
        return Refusals(found.edit, found.submit, wait, found.reject, found.release)
    if dirty:
        return Refusals(found.edit, UNSAVED, UNSAVED, found.reject, UNSAVED)
    return found


def reason_lines(
    statement: Statement | None,
    refusals: Refusals,
    *,
    new_mode: bool,
    deliveries: Sequence[OutboxRow] = (),
) -> str:
    """Return the visible lines under the buttons: why the next steps are not possible,
    and for a released statement, each delivery that failed or waits for a person."""
    if new_mode:
        return "New draft: choose channels, write the text and save (Ctrl+S)."
    if statement is None:
        return ""
    relevant = {
        StatementState.DRAFT: (("Submit", refusals.submit),),
        StatementState.IN_REVIEW: (("Approve", refusals.approve), ("Release", refusals.release)),
        StatementState.APPROVED: (("Release", refusals.release),),
        StatementState.RELEASED: (("Edit", refusals.edit),),
    }[statement.state]
    lines = [f"{name}: {reason}" for name, reason in relevant if reason]
    if statement.rejection_reason and statement.state is StatementState.DRAFT:
        lines.insert(0, f"Rejected: {statement.rejection_reason}")
    lines.extend(delivery_lines(deliveries))
    return "\n".join(lines)


def delivery_lines(deliveries: Sequence[OutboxRow]) -> list[str]:
    """Return one line per delivery that failed or is uncertain, with its reason."""
    lines = []
    for row in deliveries:
        if row.state is DeliveryState.FAILED:
            lines.append(f"Delivery failed on {row.channel_name}: {row.last_error}")
        elif row.state is DeliveryState.UNCERTAIN:
            lines.append(
                f"Delivery on {row.channel_name} may or may not have gone out: "
                f"{row.last_error} (decide in Tools > Outbox…)"
            )
    return lines


def heading_text(statement: Statement | None, incident: Incident | None, *, new_mode: bool) -> str:
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
    if statement.template_key:
        text += f"; from template {statement.template_key!r}"
    return text
