"""Reading the inbox a page at a time, and seeing what changed in the part already read.

The window's inbox lists items newest first (by posting time, then id) and reads them in
pages: a page continues *after* the last item read (keyset paging), so items that arrive
meanwhile never shift the pages still to come. A part already read is kept fresh by one
light read of the ids (and versions) it now holds: new items appear in place, triaged ones
change, items that no longer pass the filter leave, and the person's selection stays put.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from warroom.domain.errors import ValidationError
from warroom.domain.inbox import InboxItem

#: A page never holds more items than this.
PAGE_MAX = 1000


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where an item stands in the list's order: newest posting time first, then highest id."""

    posted_at: datetime
    item_id: int

    @classmethod
    def of(cls, item: InboxItem) -> PageKey:
        """Return the key of ``item``."""
        return cls(item.posted_at, item.id)


@dataclass(frozen=True, slots=True)
class InboxPage:
    """Items in list order, and whether older ones follow (``more``)."""

    items: tuple[InboxItem, ...]
    more: bool


@dataclass(frozen=True, slots=True)
class InboxRange:
    """The part of the list already read, as it is now.

    ``ids`` is the part's new order (down to the key it was asked for); ``fresh`` holds the
    items that are new or whose version changed since the versions the reader knew.
    ``overflow`` says that too many were fresh to send: the reader should read its first
    page again instead. ``total`` is how many items pass the filter in all.
    """

    ids: tuple[int, ...]
    fresh: Mapping[int, InboxItem] = field(default_factory=dict)
    total: int = 0
    overflow: bool = False


@dataclass(frozen=True, slots=True)
class RowPlan:
    """How to turn one ordered list of ids into another with row removals and insertions.

    ``removals`` are (first row, count) runs, bottom first, so each applies to the rows as
    the previous one left them; ``insertions`` likewise, top first, rows counted in the new
    list. Items in both lists keep their relative order (the order key never changes).
    """

    removals: tuple[tuple[int, int], ...]
    insertions: tuple[tuple[int, int], ...]


def plan_rows(old: Sequence[int], new: Sequence[int]) -> RowPlan:
    """Return the removals and insertions that turn ``old`` into ``new``.

    Both lists are in the same order by a key that never changes, so the items they share
    appear in the same relative order in both: removing what left, then inserting what came
    yields ``new`` exactly, and every item that stayed keeps its identity (and selection).
    """
    keep = set(new)
    removals: list[tuple[int, int]] = []
    row = len(old) - 1
    while row >= 0:
        if old[row] in keep:
            row -= 1
            continue
        end = row
        while row >= 0 and old[row] not in keep:
            row -= 1
        removals.append((row + 1, end - row))
    had = set(old)
    insertions: list[tuple[int, int]] = []
    row = 0
    while row < len(new):
        if new[row] in had:
            row += 1
            continue
        start = row
        while row < len(new) and new[row] not in had:
            row += 1
        insertions.append((start, row - start))
    return RowPlan(tuple(removals), tuple(insertions))


def check_page_size(limit: int) -> int:
    """Accept a page size of 1 to :data:`PAGE_MAX` items."""
    if not 1 <= limit <= PAGE_MAX:
        raise ValidationError(f"a page holds 1 to {PAGE_MAX} items, not {limit}")
    return limit
