"""A change counter every write bumps, so windows can poll cheaply for other writers."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warroom.storage.models import ChangeCounterRow


def bump(session: Session) -> None:
    """Record that this transaction changed something."""
    session.execute(
        update(ChangeCounterRow)
        .where(ChangeCounterRow.id == 1)
        .values(value=ChangeCounterRow.value + 1)
    )


def current(session: Session) -> int:
    """Return the counter's value: it differs from the last read iff someone wrote."""
    return session.scalar(select(ChangeCounterRow.value).where(ChangeCounterRow.id == 1)) or 0
