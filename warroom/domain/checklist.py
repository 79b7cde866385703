"""Playbook checklist items: phases, owners, due times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.terminal_text import reject_nul


class Phase(StrEnum):
    """The phases a crisis is worked in, in order."""

    FIRST_15_MINUTES = "first-15-minutes"
    FIRST_HOUR = "first-hour"
    ONGOING = "ongoing"
    AFTER = "after"

    @classmethod
    def parse(cls, value: str) -> Phase:
        """Return the phase named ``value`` or refuse it with the list of phases."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(phase.value for phase in cls)
            raise ValidationError(f"unknown phase {value!r}; use one of {names}") from None

    @property
    def heading(self) -> str:
        """Return the heading people read, e.g. 'First 15 minutes'."""
        return {
            Phase.FIRST_15_MINUTES: "First 15 minutes",
            Phase.FIRST_HOUR: "First hour",
            Phase.ONGOING: "Ongoing",
            Phase.AFTER: "After the crisis",
        }[self]

    @property
    def order(self) -> int:
        """Return the phase's position, for sorting."""
        return list(Phase).index(self)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One step of the playbook for one incident. ``due_at`` is None when it has no deadline.

    ``stops_regulator_clock`` marks the step "notify the regulator": when it was ticked is
    when the regulator was notified.
    """

    id: int
    incident_id: int
    phase: Phase
    position: int
    text: str
    owner_role: str
    due_offset: timedelta | None
    due_at: datetime | None
    done_by: str | None = None
    done_at: datetime | None = None
    stops_regulator_clock: bool = False
    #: the person it is assigned to ('' when only its owner role is known)
    assignee: str = ""

    @property
    def is_done(self) -> bool:
        """Tell whether someone has ticked the item."""
        return self.done_at is not None

    def is_overdue(self, now: datetime) -> bool:
        """Tell whether the item is still open past its due time."""
        return not self.is_done and self.due_at is not None and now > self.due_at


ITEM_TEXT_MAX = 2_000


def validate_item_text(text: str) -> str:
    """Return an item's text on one line, or refuse empty or oversize text."""
    cleaned = " ".join(reject_nul(text, "the checklist item").split())
    if not cleaned:
        raise ValidationError("the checklist item is empty")
    if len(cleaned) > ITEM_TEXT_MAX:
        raise ValidationError(f"the checklist item is over {ITEM_TEXT_MAX} characters")
    return cleaned


def item_due(
    *,
    declared_at: datetime,
    aware_at: datetime,
    offset: timedelta | None,
    stops_regulator_clock: bool,
    regulator_window: timedelta | None,
) -> datetime | None:
    """Return when a playbook item is due: its offset after the declaration, except the step
    that notifies the regulator, which is due at the regulator deadline (awareness + the
    playbook's window, e.g. 72 h): the law counts from awareness, not from declaring."""
    if stops_regulator_clock and regulator_window is not None:
        return aware_at + regulator_window
    return declared_at + offset if offset is not None else None


def ensure_undoable(item: ChecklistItem) -> None:
    """Only a ticked item can be unticked."""
    if not item.is_done:
        raise RuleViolation(f"checklist item {item.id} is not done; there is nothing to undo")


def regulator_notified_at(items: Iterable[ChecklistItem]) -> datetime | None:
    """Return when the regulator-notification step was ticked, or None if not (yet)."""
    for item in items:
        if item.stops_regulator_clock:
            return item.done_at
    return None
