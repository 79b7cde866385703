"""Incidents: what happened, how bad it is, and the three times regulators care about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.terminal_text import reject_nul


class Severity(IntEnum):
    """SEV1 is the worst. The number drives approvals needed and the update cadence."""

    SEV1 = 1
    SEV2 = 2
    SEV3 = 3
    SEV4 = 4

    @classmethod
    def parse(cls, value: int | str) -> Severity:
        """Accept 1..4 or 'SEV1'..'SEV4'; anything else is a validation error."""
        text = str(value).strip().upper().removeprefix("SEV")
        try:
            return cls(int(text))
        except ValueError:
            raise ValidationError(f"severity must be 1, 2, 3 or 4, not {value!r}") from None

    @property
    def label(self) -> str:
        """Return the short label people use in the room, e.g. 'SEV1'."""
        return f"SEV{int(self)}"


#: How often the public must hear from us, by severity (None: no cadence).
UPDATE_CADENCE: dict[Severity, timedelta | None] = {
    Severity.SEV1: timedelta(minutes=30),
    Severity.SEV2: timedelta(minutes=60),
    Severity.SEV3: timedelta(hours=4),
    Severity.SEV4: None,
}

TITLE_MAX = 200
DEFAULT_APPROVAL_WINDOW = timedelta(hours=24)
#: the longest approval window an incident may set (30 days)
APPROVAL_WINDOW_MAX_MINUTES = 30 * 24 * 60


def default_approvals_required(severity: Severity) -> int:
    """Return the approvals a statement needs: two for SEV1/SEV2, one otherwise."""
    return 2 if severity <= Severity.SEV2 else 1


class IncidentState(StrEnum):
    """An incident is open until closed; a closed incident is read-only."""

    OPEN = "open"
    CLOSED = "closed"


class IncidentStatus(StrEnum):
    """Where the work on an open incident stands (the public statements say it too)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @classmethod
    def parse(cls, value: str) -> IncidentStatus:
        """Return the status named ``value`` or refuse it with the list of statuses."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(status.value for status in cls)
            raise ValidationError(f"unknown status {value!r}; use one of {names}") from None

    @property
    def label(self) -> str:
        """Return the status as a statement says it, e.g. 'Identified'."""
        return self.value.capitalize()


#: How long a released statement may wait in the outbox before a person must confirm it
#: (a statement written for an earlier moment must not go out after things have changed).
DEFAULT_HOLD_MINUTES = 30
HOLD_MINUTES_MAX = 7 * 24 * 60
CADENCE_MINUTES_MAX = 24 * 60
#: ``cadence_minutes`` value meaning "no cadence" (None means: the severity's cadence)
CADENCE_OFF = 0


@dataclass(frozen=True, slots=True)
class Incident:
    """A crisis being worked. Times are aware UTC.

    ``began_at``: when the problem started; ``aware_at``: when the company learned of it (the
    GDPR 72-hour clock runs from here); ``declared_at``: when the incident was declared.
    """

    id: int
    title: str
    severity: Severity
    state: IncidentState
    playbook_key: str | None
    began_at: datetime
    aware_at: datetime
    declared_at: datetime
    closed_at: datetime | None
    created_by: str
    approvals_override: int | None = None
    entry_count: int = 0
    head_hash: str = ""
    lessons_learned: str = ""
    status: IncidentStatus = IncidentStatus.INVESTIGATING
    #: None: the severity's cadence; 0 (CADENCE_OFF): no cadence; else minutes
    cadence_minutes: int | None = None
    hold_minutes: int = DEFAULT_HOLD_MINUTES
    #: how long an approval counts before release (None: the default, 24 hours)
    approval_window_minutes: int | None = None

    @property
    def is_open(self) -> bool:
        """Tell whether the incident can still be changed."""
        return self.state is IncidentState.OPEN

    @property
    def approvals_required(self) -> int:
        """Return the approvals a statement of this incident needs before release."""
        if self.approvals_override is not None:
            return self.approvals_override
        return default_approvals_required(self.severity)

    @property
    def approval_window(self) -> timedelta:
        """Return how long an approval of this incident's statements counts."""
        if self.approval_window_minutes is None:
            return DEFAULT_APPROVAL_WINDOW
        return timedelta(minutes=self.approval_window_minutes)

    @property
    def update_cadence(self) -> timedelta | None:
        """Return the longest allowed silence towards the public: the incident's own
        cadence if one was set, else the severity's."""
        return cadence_of(self.severity, self.cadence_minutes)

    @property
    def hold_window(self) -> timedelta:
        """Return how long a released statement may wait in the outbox unconfirmed."""
        return timedelta(minutes=self.hold_minutes)

    def ensure_open(self) -> None:
        """Refuse any change to a closed incident."""
        if not self.is_open:
            raise RuleViolation(f"incident {self.id} is closed and read-only")


def cadence_of(severity: Severity, cadence_minutes: int | None) -> timedelta | None:
    """Return the cadence in force: an incident's own (0: none), else the severity's."""
    if cadence_minutes is None:
        return UPDATE_CADENCE[severity]
    return timedelta(minutes=cadence_minutes) if cadence_minutes > 0 else None


def parse_cadence(value: str | int) -> int:
    """Accept a number of minutes (1..1440) or 'off'; return minutes (0 for off)."""
    text = str(value).strip().lower()
    if text in ("off", "none", "0"):
        return CADENCE_OFF
    try:
        minutes = int(text)
    except ValueError:
        raise ValidationError(
            f"cadence must be a number of minutes or 'off', not {value!r}"
        ) from None
    if not 1 <= minutes <= CADENCE_MINUTES_MAX:
        raise ValidationError(
            f"cadence must be between 1 and {CADENCE_MINUTES_MAX} minutes, or 'off'"
        )
    return minutes


def validate_hold_minutes(value: int) -> int:
    """Accept a hold window of 1 minute to 7 days."""
    if not 1 <= value <= HOLD_MINUTES_MAX:
        raise ValidationError(f"the hold window must be between 1 and {HOLD_MINUTES_MAX} minutes")
    return value


def validate_title(title: str) -> str:
    """Return the stripped title, or refuse an empty or oversize one."""
    cleaned = " ".join(reject_nul(title, "the incident title").split())
    if not cleaned:
        raise ValidationError("the incident title is empty")
    if len(cleaned) > TITLE_MAX:
        raise ValidationError(
            f"the incident title is {len(cleaned)} characters; at most {TITLE_MAX}"
        )
    return cleaned


#: Clocks of two machines in one room disagree a little: a time this far ahead still counts
#: as now, not as the future.
CLOCK_TOLERANCE = timedelta(minutes=1)


def validate_times(
    began_at: datetime, aware_at: datetime, declared_at: datetime, now: datetime | None = None
) -> None:
    """Refuse an impossible order: a time in the future (after ``now``), awareness before
    the start, declaration before awareness."""
    if now is not None:
        for when, what in (
            (began_at, "when it began"),
            (aware_at, "when the company became aware"),
        ):
            if when > now + CLOCK_TOLERANCE:
                raise ValidationError(
                    f"{what} ({when:%Y-%m-%d %H:%M}Z) cannot be in the future "
                    f"(it is now {now:%Y-%m-%d %H:%M}Z)"
                )
    if aware_at < began_at:
        raise ValidationError("the company cannot have become aware before the incident began")
    if declared_at < aware_at:
        raise ValidationError("the incident cannot be declared before the company became aware")


def validate_approvals_override(value: int | None) -> int | None:
    """Accept None (severity default) or 1..5 approvals."""
    if value is not None and not 1 <= value <= 5:
        raise ValidationError("approvals required must be between 1 and 5")
    return value


def validate_approval_window(hours: float) -> int:
    """Return an approval window given in hours as whole minutes (1 minute to 30 days)."""
    minutes = round(hours * 60)
    if not 1 <= minutes <= APPROVAL_WINDOW_MAX_MINUTES:
        raise ValidationError(
            f"the approval window must be between 1 minute and "
            f"{APPROVAL_WINDOW_MAX_MINUTES // 60} hours, not {hours:g} hours"
        )
    return minutes
