"""When an approved statement may go out: approvals expire, and a release may be scheduled.

An approval counts for the incident's *approval window* (24 hours unless the incident says
otherwise) after it was given, as social publishing tools do: what was right to say
yesterday may not be today. A statement is releasable at a moment only with enough approvals
still inside their window at that moment; a scheduled release must go out before they
expire. Expired approvals stay in the record (and in exports, still ``valid`` for their
text); they simply no longer count towards a release. Fresh approvals need a new review
round: reject the statement and submit it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from warroom.domain.statements import Approval, Statement, StatementState, release_refusal

#: how far ahead a release may be scheduled at most (the approval window bounds it too)
SCHEDULE_MAX = timedelta(days=30)


def window_text(window: timedelta) -> str:
    """Return a window as people say it, e.g. '24 h' or '90 min'."""
    minutes = int(window.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def expires_at(approved_at: datetime, window: timedelta) -> datetime:
    """Return when an approval given at ``approved_at`` stops counting."""
    return approved_at + window


def live_count(approved_times: Iterable[datetime], at: datetime, window: timedelta) -> int:
    """Return how many approvals given at ``approved_times`` still count at ``at``."""
    return sum(1 for moment in approved_times if moment <= at < expires_at(moment, window))


def live_approvals(statement: Statement, at: datetime, window: timedelta) -> tuple[Approval, ...]:
    """Return the valid approvals (this text, this round) that still count at ``at``."""
    return tuple(
        a
        for a in statement.valid_approvals
        if a.approved_at <= at < expires_at(a.approved_at, window)
    )


def approval_expiry(statement: Statement, required: int, window: timedelta) -> datetime | None:
    """Return when the statement stops having ``required`` counting approvals (None: it has
    not got them, or needs none)."""
    if required <= 0:
        return None
    ends = sorted(
        (expires_at(a.approved_at, window) for a in statement.valid_approvals), reverse=True
    )
    return ends[required - 1] if len(ends) >= required else None


def release_refusal_at(
    statement: Statement, required: int, at: datetime, window: timedelta
) -> str | None:
    """Return why ``statement`` may not be released at ``at`` (its state, its approvals, or
    their expiry), or None if it may."""
    refusal = release_refusal(statement, required)
    if refusal is not None:
        return refusal
    if required <= 0 or len(live_approvals(statement, at, window)) >= required:
        return None
    expiry = approval_expiry(statement, required, window)
    when = f" at {expiry:%Y-%m-%d %H:%M}Z" if expiry is not None else ""
    return (
        f"the approval of statement {statement.id} expired{when} (approvals count for "
        f"{window_text(window)}, the incident's approval window); reject it and submit it "
        "again for fresh approvals"
    )


def schedule_refusal(
    statement: Statement, required: int, release_at: datetime, now: datetime, window: timedelta
) -> str | None:
    """Return why ``statement`` may not be scheduled to go out at ``release_at``, or None."""
    refusal = release_refusal_at(statement, required, now, window)
    if refusal is not None:
        return refusal
    if release_at <= now:
        return (
            f"the release time {release_at:%Y-%m-%d %H:%M}Z is not in the future (it is now "
            f"{now:%Y-%m-%d %H:%M}Z); release it now instead"
        )
    if release_at - now > SCHEDULE_MAX:
        return f"a release can be scheduled at most {SCHEDULE_MAX.days} days ahead"
    if required > 0 and len(live_approvals(statement, release_at, window)) < required:
        expiry = approval_expiry(statement, required, window)
        assert expiry is not None  # it has enough approvals now
        return (
            f"the approval of statement {statement.id} expires at {expiry:%Y-%m-%d %H:%M}Z, "
            f"before the release time {release_at:%Y-%m-%d %H:%M}Z (approvals count for "
            f"{window_text(window)}); choose an earlier time"
        )
    return None


def approved_state(
    approved_times: Sequence[datetime], at: datetime, required: int, window: timedelta
) -> StatementState:
    """Return the state after an approval at ``at``: approved once enough approvals of this
    text and round (``approved_times``, the new one included) still count."""
    if live_count(approved_times, at, window) >= required:
        return StatementState.APPROVED
    return StatementState.IN_REVIEW


def countdown_text(until: datetime, now: datetime) -> str:
    """Return how long until ``until``, e.g. 'in 1 h 05 min', 'in 40 s', or 'now'."""
    seconds = int((until - now).total_seconds())
    if seconds <= 0:
        return "now"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 24:
        return f"in {hours // 24} d {hours % 24} h"
    if hours:
        return f"in {hours} h {minutes:02d} min"
    if minutes:
        return f"in {minutes} min {secs:02d} s"
    return f"in {secs} s"
