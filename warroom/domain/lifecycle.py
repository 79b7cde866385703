"""An incident's life after it is declared: header changes with reasons, and what closing
would leave open.

Every change of the header (status, severity, cadence, hold window, times) is one chained
``incident.updated`` entry; :func:`header_change` says it in words for the timeline.
Closing first lists the open work (:func:`open_work`): deliveries that have not gone out,
statements waiting in review, the promise the public is waiting on, unticked checklist
items. With any of them, closing needs a reason (``--anyway REASON``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.checklist import ChecklistItem
from warroom.domain.clock import iso_utc
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.incidents import CLOCK_TOLERANCE, Severity
from warroom.domain.outbox import UNSENT, Delivery
from warroom.domain.publication import last_public
from warroom.domain.statements import Statement, StatementState
from warroom.domain.terminal_text import reject_nul

REASON_MAX = 2_000


def require_reason(text: str | None, what: str = "this change") -> str:
    """Return the reason on one line, or refuse a missing, empty or oversize one."""
    cleaned = " ".join(reject_nul(text or "", "the reason").split())
    if not cleaned:
        raise ValidationError(f"{what} needs a reason")
    if len(cleaned) > REASON_MAX:
        raise ValidationError(f"the reason is over {REASON_MAX} characters")
    return cleaned


def optional_note(text: str | None) -> str:
    """Return a note on one line ('' when none)."""
    cleaned = " ".join(reject_nul(text or "", "the note").split())
    if len(cleaned) > REASON_MAX:
        raise ValidationError(f"the note is over {REASON_MAX} characters")
    return cleaned


def check_not_future(moment: datetime, now: datetime, what: str) -> datetime:
    """Refuse a time of something that happened if it lies in the future."""
    if moment > now + CLOCK_TOLERANCE:
        raise ValidationError(
            f"{what} ({moment:%Y-%m-%d %H:%M}Z) cannot be in the future "
            f"(it is now {now:%Y-%m-%d %H:%M}Z)"
        )
    return moment


def _chain_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Severity):
        return int(value)
    return getattr(value, "value", value)


def header_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``set`` of an ``incident.updated`` entry: the fields whose value changes,
    in their chained (exported JSON) form; empty when nothing changes."""
    return {
        name: _chain_value(value)
        for name, value in after.items()
        if _chain_value(before.get(name)) != _chain_value(value)
    }


@dataclass(frozen=True, slots=True)
class OpenWork:
    """What an incident still has open; closing it anyway needs a reason."""

    deliveries: tuple[Delivery, ...] = ()
    in_review: tuple[Statement, ...] = ()
    #: (statement id, promised time) of the promise the public is waiting on
    promise: tuple[int, datetime] | None = None
    items: tuple[ChecklistItem, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing is left open."""
        return not (self.deliveries or self.in_review or self.promise or self.items)

    def lines(self) -> list[str]:
        """Return one line per open thing, for a list people read."""
        lines = [
            f"delivery: statement #{row.statement_id} on {row.channel_name} is "
            f"{row.state.value} (outbox row {row.id})"
            for row in self.deliveries
        ]
        lines += [
            f"statement #{s.id} is {s.state.value.replace('_', ' ')} and not released"
            for s in self.in_review
        ]
        if self.promise is not None:
            sid, at = self.promise
            lines.append(f"promise: statement #{sid} promised an update by {at:%Y-%m-%d %H:%M} UTC")
        lines += [f"checklist item {item.id} not done: {item.text}" for item in self.items]
        return lines

    def summary(self) -> str:
        """Say on one line what is open, by kind, with the first few of each."""
        parts = []
        if self.deliveries:
            rows = ", ".join(
                f"row {r.id} {r.state.value} on {r.channel_name}" for r in self.deliveries[:5]
            )
            parts.append(f"{len(self.deliveries)} delivery(ies) not sent ({rows})")
        if self.in_review:
            ids = ", ".join(f"#{s.id}" for s in self.in_review[:5])
            parts.append(f"{len(self.in_review)} statement(s) in review or approved ({ids})")
        if self.promise is not None:
            sid, at = self.promise
            parts.append(f"an open promise (statement #{sid}: update by {at:%H:%M} UTC)")
        if self.items:
            ids = ", ".join(str(i.id) for i in self.items[:8])
            more = ", ..." if len(self.items) > 8 else ""
            parts.append(f"{len(self.items)} checklist item(s) not done ({ids}{more})")
        return "; ".join(parts)


class OpenWorkError(RuleViolation):
    """Closing was refused: work is still open and no reason was given to close anyway."""

    def __init__(self, incident_id: int, work: OpenWork) -> None:
        super().__init__(
            f"incident {incident_id} still has open work: {work.summary()}; finish it, or "
            "close anyway with a reason (--anyway REASON)"
        )
        self.work = work


def open_work(
    statements: Iterable[Statement],
    deliveries: Iterable[Delivery],
    checklist: Iterable[ChecklistItem],
) -> OpenWork:
    """Return what closing the incident would leave open."""
    statement_list = list(statements)
    rows = list(deliveries)
    last = last_public(statement_list, rows)
    return OpenWork(
        deliveries=tuple(r for r in rows if r.state in UNSENT),
        in_review=tuple(
            s
            for s in statement_list
            if s.state in (StatementState.IN_REVIEW, StatementState.APPROVED)
        ),
        promise=(last.id, last.promise) if last is not None and last.promise else None,
        items=tuple(item for item in checklist if not item.is_done),
    )
