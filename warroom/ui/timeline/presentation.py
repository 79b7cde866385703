"""What the timeline's cells say: display text, tooltips and the screen reader's line."""

from __future__ import annotations

from datetime import UTC, date

from warroom.domain.timeline import TimelineEntry
from warroom.ui.timeline.kinds import KIND_LABELS

COL_SEQ, COL_TIME, COL_AUTHOR, COL_KIND, COL_TEXT = range(5)
HEADERS = ("#", "Time", "Author", "Kind", "Entry")


def display(entry: TimelineEntry, column: int, today: date) -> str:
    """Return what a cell shows."""
    if column == COL_SEQ:
        return str(entry.seq)
    if column == COL_TIME:
        local = entry.created_at.astimezone()
        # Entries of earlier days (a 72-hour breach) carry the weekday.
        return local.strftime("%H:%M:%S" if local.date() == today else "%a %H:%M")
    if column == COL_AUTHOR:
        return entry.author
    if column == COL_KIND:
        return KIND_LABELS[entry.kind]
    prefix, text = text_parts(entry)
    return prefix + text


def text_parts(entry: TimelineEntry) -> tuple[str, str]:
    """Return the entry cell's text as (what the window adds, what was logged), on one line.

    Search marks fall in the second part only: the first is not indexed.
    """
    text = " ⏎ ".join(entry.text.splitlines())
    if entry.corrects_id is not None:
        return f"Correction of #{entry.data.get('corrects_seq', '?')}: ", text
    return "", text


def tooltip(entry: TimelineEntry, column: int, *, corrected: bool) -> str:
    """Return a cell's tooltip: both times for the time, the whole text for the entry."""
    utc = entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    local = entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    if column == COL_TIME:
        return f"{utc}\n{local} (local)"
    if column == COL_TEXT:
        note = "\n\n(corrected by a later entry)" if corrected else ""
        return entry.text + note
    return f"#{entry.seq} · {utc}"


def accessible(entry: TimelineEntry, *, corrected: bool) -> str:
    """Return what a screen reader says for the row."""
    state = ", corrected" if corrected else ""
    return (
        f"Entry {entry.seq}, {KIND_LABELS[entry.kind]}{state}, by {entry.author} at "
        f"{entry.created_at.astimezone():%H:%M}: {entry.text}"
    )
