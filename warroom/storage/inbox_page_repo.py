"""The inbox read a page at a time for the window, as plain rows (no ORM objects).

Pages are keyset pages: newest posting time first, then highest id, each continuing after
the last item of the one before. A plain select of the table's columns skips the ORM's
identity map and unit of work: a worker thread that builds hundreds of ORM objects holds
the interpreter lock long enough to stall the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from warroom.domain.inbox import InboxFilter, InboxItem
from warroom.domain.inbox_paging import PageKey, check_page_size
from warroom.storage.inbox_repo import filter_conditions, from_plain
from warroom.storage.models import InboxItemRow

_TABLE = InboxItemRow.__table__
_NEWEST_FIRST = (InboxItemRow.posted_at.desc(), InboxItemRow.id.desc())
_CHUNK = 500


def _after(key: PageKey) -> ColumnElement[bool]:
    """Items that come after ``key`` in the list (older, or as old with a lower id).

    The plain ``posted_at <=`` bound lets the database walk its posting-time index; the
    rest only breaks ties.
    """
    return and_(
        InboxItemRow.posted_at <= key.posted_at,
        or_(InboxItemRow.posted_at < key.posted_at, InboxItemRow.id < key.item_id),
    )


def _down_to(key: PageKey) -> ColumnElement[bool]:
    """Items that come before ``key`` in the list, and ``key``'s own item."""
    return or_(
        InboxItemRow.posted_at > key.posted_at,
        and_(InboxItemRow.posted_at == key.posted_at, InboxItemRow.id >= key.item_id),
    )


def page(
    session: Session, filters: InboxFilter, *, after: PageKey | None, limit: int
) -> tuple[list[InboxItem], bool]:
    """Return up to ``limit`` items after ``after`` (None: from the newest) and whether more
    follow."""
    check_page_size(limit)
    conditions = filter_conditions(filters)
    if after is not None:
        conditions.append(_after(after))
    query = select(_TABLE).where(*conditions).order_by(*_NEWEST_FIRST).limit(limit + 1)
    rows = [from_plain(row) for row in session.execute(query)]
    return rows[:limit], len(rows) > limit


def versions(
    session: Session, filters: InboxFilter, *, down_to: PageKey | None
) -> list[tuple[int, int]]:
    """Return (id, version) of the items that pass ``filters`` down to ``down_to`` (None:
    all of them), in list order."""
    conditions = filter_conditions(filters)
    if down_to is not None:
        conditions.append(_down_to(down_to))
    query = (
        select(InboxItemRow.id, InboxItemRow.version).where(*conditions).order_by(*_NEWEST_FIRST)
    )
    return [(int(item_id), int(version)) for item_id, version in session.execute(query)]


def by_ids(session: Session, ids: Sequence[int]) -> Mapping[int, InboxItem]:
    """Return the items with these ids (missing ones are left out)."""
    found: dict[int, InboxItem] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for row in session.execute(select(_TABLE).where(InboxItemRow.id.in_(chunk))):
            item = from_plain(row)
            found[item.id] = item
    return found
