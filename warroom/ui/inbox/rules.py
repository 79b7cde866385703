"""Why each triage key is refused now (no Qt): one answer for the menu, the key and the tooltip.

The services refuse the same things (``people.authorize``, an incident that is closed, an
item that belongs to another incident, a source that cannot be answered); the pane disables
the action and shows the reason instead of letting the call fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.inbox import InboxItem, InboxState
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.domain.permissions import Permissions, closed_refusal

NO_ITEM = "choose an inbox item first"
READING = "reading what you may do…"
BUSY = "the last change is still being saved"


@dataclass(frozen=True, slots=True)
class TriageRefusals:
    """Why each triage action is refused (None: allowed). ``priority`` is indexed 1..4."""

    priority: tuple[str | None, str | None, str | None, str | None]
    handled: str | None
    ignored: str | None
    attach: str | None
    reply: str | None

    @classmethod
    def every(cls, reason: str) -> TriageRefusals:
        """Return the same refusal for every action."""
        return cls((reason, reason, reason, reason), reason, reason, reason, reason)

    def of_priority(self, priority: int) -> str | None:
        """Return why setting ``priority`` (1..4) is refused."""
        return self.priority[priority - 1]


def triage_refusals(
    item: InboxItem | None,
    permissions: Permissions | None,
    incident: Incident | None,
    *,
    busy: bool = False,
) -> TriageRefusals:
    """Return why the actor may not triage, attach or answer ``item`` now.

    ``incident`` is the one the window shows: items are attached to it, and its open or
    closed state is known; replies go to the item's own incident.
    """
    if item is None:
        return TriageRefusals.every(NO_ITEM)
    if permissions is None:
        return TriageRefusals.every(READING)
    if busy:
        return TriageRefusals.every(BUSY)
    log = permissions.refusal(Action.LOG)

    def priority(value: int) -> str | None:
        if log:
            return log
        return f"already P{value}" if item.priority == value else None

    def state(wanted: InboxState) -> str | None:
        return log or (f"already {wanted.value}" if item.state is wanted else None)

    return TriageRefusals(
        (priority(1), priority(2), priority(3), priority(4)),
        state(InboxState.HANDLED),
        state(InboxState.IGNORED),
        log or attach_refusal(item, incident),
        reply_refusal(item, permissions, incident),
    )


def attach_refusal(item: InboxItem, incident: Incident | None) -> str | None:
    """Say why ``item`` cannot be attached to the incident shown."""
    if incident is None:
        return "show an incident to attach the item to"
    if item.incident_id == incident.id:
        return f"already attached to incident {incident.id}"
    if item.incident_id is not None:
        return f"attached to incident {item.incident_id}; an item belongs to one incident"
    return closed_refusal(incident)


def reply_refusal(
    item: InboxItem, permissions: Permissions, incident: Incident | None
) -> str | None:
    """Say why the actor cannot answer ``item`` in its thread now."""
    draft = permissions.refusal(Action.DRAFT)
    if draft:
        return draft
    if item.source_kind.reply_channel_kind is None:
        return f"items from a {item.source_kind.value} source cannot be answered"
    if item.incident_id is None:
        return "attach it to an incident first (A): replies go through its approvals"
    if incident is not None and incident.id == item.incident_id:
        return closed_refusal(incident)
    return None
