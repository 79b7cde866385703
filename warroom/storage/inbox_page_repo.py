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
#: How many items in posting order a page looks through before it uses the filter's index.
WINDOW = 20_000


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
    """Items that come before ``key`` in the list, and ``key``'s own item (the plain
    ``posted_at >=`` bound again lets the database walk its posting-time index)."""
    return and_(
        InboxItemRow.posted_at >= key.posted_at,
        or_(InboxItemRow.posted_at > key.posted_at, InboxItemRow.id >= key.item_id),
    )


def page(
    session: Session, filters: InboxFilter, *, after: PageKey | None, limit: int
) -> tuple[list[InboxItem], bool]:
    """Return up to ``limit`` items after ``after`` (None: from the newest) and whether more
    follow."""
    check_page_size(limit)
    conditions = filter_conditions(filters)
    bounds = [_after(after)] if after is not None else []
    # Only filters that an index serves lure SQLite away from the posting-time index.
    indexed = filters.incident_id is not None or filters.unassigned or bool(filters.states)
    if indexed and session.get_bind().dialect.name == "sqlite":
        unindexed = filter_conditions(filters, indexed=False)
        found = _newest_window(session, unindexed, bounds, limit)
        if found is not None:
            return found
    query = select(_TABLE).where(*conditions, *bounds).order_by(*_NEWEST_FIRST).limit(limit + 1)
    rows = [from_plain(row) for row in session.execute(query)]
    return rows[:limit], len(rows) > limit


def _newest_window(
    session: Session,
    conditions: list[ColumnElement[bool]],
    bounds: list[ColumnElement[bool]],
    limit: int,
) -> tuple[list[InboxItem], bool] | None:
    """Look for the page among the next :data:`WINDOW` items in posting order (SQLite).

    Without statistics SQLite filters through the filter's own index (all unassigned items,
    or every item of an incident) and sorts them all, a third of a second for 90,000 items,
    where walking the posting-time index finds a page of a common filter in a few hundred
    rows. ``conditions`` are written so that no index serves them, which makes SQLite walk
    that one. The walk is bounded: if the window holds a full page, that page is exact
    (every newer match is in the window); if not, the filter is rare there and None says to
    use its index after all, which then has few items to sort.
    """
    floor = session.scalar(  # posting time alone: the index answers without a sort
        select(InboxItemRow.posted_at)
        .where(*bounds)
        .order_by(InboxItemRow.posted_at.desc())
        .offset(WINDOW - 1)
        .limit(1)
    )
    window = [InboxItemRow.posted_at >= floor] if floor is not None else []
    query = (
        select(_TABLE)
        .where(*conditions, *bounds, *window)
        .order_by(*_NEWEST_FIRST)
        .limit(limit + 1)
    )
    rows = [from_plain(row) for row in session.execute(query)]
    if len(rows) > limit:
        return rows[:limit], True
    return (rows, False) if floor is None else None


def versions(
    session: Session, filters: InboxFilter, *, down_to: PageKey | None
) -> list[tuple[int, int]]:
    """Return (id, version) of the items that pass ``filters`` down to ``down_to`` (None:
    all of them), in list order."""
    if down_to is None:
        conditions = filter_conditions(filters)
    else:  # the part read is short: walk it in posting order, whatever the filter
        sqlite = session.get_bind().dialect.name == "sqlite"
        conditions = [*filter_conditions(filters, indexed=not sqlite), _down_to(down_to)]
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
