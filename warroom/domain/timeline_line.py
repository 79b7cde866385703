"""A timeline entry as one line of text: the format ``log list`` and ``search`` print.

Written once, for the two ways a listing is made: from a :class:`TimelineEntry`
(``--last``, ``search``) and straight from a row's values (the streamed ``log list`` of a
whole incident, which builds no entry objects: a million of them cost more than the read).
"""

from __future__ import annotations

from datetime import datetime


def timeline_line(
    seq: int,
    recorded: str,
    kind: str,
    author: str,
    text: str,
    occurred: datetime | None = None,
    corrects_id: int | None = None,
) -> str:
    """Return one entry's line: number, when it was recorded (``YYYY-MM-DD HH:MM:SS``, UTC),
    kind, author and text; when it happened, if the person said; the entry it corrects."""
    happened = f" [happened {occurred:%Y-%m-%d %H:%M}Z]" if occurred is not None else ""
    correction = f" (corrects entry id {corrects_id})" if corrects_id else ""
    return f"#{seq:<4} {recorded}Z  {kind:<9} {author}: {text}{happened}{correction}"
