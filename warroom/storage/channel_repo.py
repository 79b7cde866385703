"""Channels in the database (non-secret settings only: secrets live in the keychain)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.errors import NotFoundError
from warroom.domain.names import name_key
from warroom.storage.models import ChannelIncidentRow, ChannelRow, StatementChannelRow
from warroom.storage.row_mapping import channel_from


def to_domain(row: ChannelRow) -> Channel:
    """Map a row to the domain object."""
    return channel_from(row)


def list_all(session: Session) -> list[Channel]:
    """Return every channel by name."""
    return [to_domain(row) for row in session.scalars(select(ChannelRow).order_by(ChannelRow.name))]


def _find(session: Session, name: str) -> ChannelRow | None:
    """Return the row of the channel called ``name`` as names compare (NFKC, case folded)."""
    return session.scalar(select(ChannelRow).where(ChannelRow.name_key == name_key(name)))


def by_name(session: Session, name: str) -> Channel:
    """Return the channel called ``name`` or raise NotFoundError listing the known names.

    "EMAIL" finds the channel "email": names compare after NFKC and case folding.
    """
    row = _find(session, name)
    if row is None:
        known = ", ".join(c.name for c in list_all(session)) or "none"
        raise NotFoundError(f"no channel {name!r} (channels: {known})")
    return to_domain(row)


def by_names(session: Session, names: Sequence[str]) -> list[Channel]:
    """Return the channels named, in the order named, without duplicates."""
    found = [by_name(session, name) for name in names]
    return list({channel.id: channel for channel in found}.values())


def by_id(session: Session, channel_id: int) -> Channel:
    """Return the channel with ``channel_id`` or raise NotFoundError."""
    row = session.get(ChannelRow, channel_id)
    if row is None:
        raise NotFoundError(f"no channel {channel_id}")
    return to_domain(row)


def new_uid() -> str:
    """Return a fresh immutable channel id (random, so unique across databases too)."""
    return uuid.uuid4().hex


def upsert(
    session: Session,
    *,
    name: str,
    kind: ChannelKind,
    settings: Mapping[str, Any],
    uid: str | None = None,
) -> Channel:
    """Create the channel or reconfigure it (kind and settings replaced).

    An existing channel keeps its name as first written and its ``uid``; a new one gets
    ``uid`` (the caller may have stored its secret under it already).
    """
    row = _find(session, name)
    if row is None:
        row = ChannelRow(
            name=name, name_key=name_key(name), uid=uid or new_uid(), kind=kind.value, last_error=""
        )
        session.add(row)
    row.kind = kind.value
    row.settings = dict(settings)
    row.configured = True
    session.flush()
    return to_domain(row)


def statement_count(session: Session, channel_id: int) -> int:
    """Return how many statements target the channel (drafts included)."""
    query = select(func.count()).where(StatementChannelRow.channel_id == channel_id)
    return int(session.scalar(query) or 0)


def delete(session: Session, channel_id: int) -> None:
    """Delete the channel row (callers check first that no statement targets it)."""
    session.execute(
        sa_delete(ChannelIncidentRow).where(ChannelIncidentRow.channel_id == channel_id)
    )
    session.execute(sa_delete(ChannelRow).where(ChannelRow.id == channel_id))


def remote_incident(session: Session, channel_id: int, incident_id: int) -> str | None:
    """Return the id of the remote incident the channel keeps for ``incident_id``, if any."""
    query = select(ChannelIncidentRow.remote_id).where(
        ChannelIncidentRow.channel_id == channel_id, ChannelIncidentRow.incident_id == incident_id
    )
    return session.scalar(query)


def set_remote_incident(
    session: Session, channel_id: int, incident_id: int, remote_id: str, at: datetime
) -> None:
    """Remember the remote incident of ``incident_id`` on the channel (replacing any)."""
    row = session.get(ChannelIncidentRow, (channel_id, incident_id))
    if row is None:
        session.add(
            ChannelIncidentRow(
                channel_id=channel_id, incident_id=incident_id, remote_id=remote_id, created_at=at
            )
        )
    else:
        row.remote_id = remote_id
    session.flush()


def set_setting(session: Session, channel_id: int, name: str, value: Any) -> Channel:
    """Store one derived setting (e.g. a resolved Matrix room id) in the channel's settings."""
    row = session.get(ChannelRow, channel_id)
    if row is None:
        raise NotFoundError(f"no channel {channel_id}")
    row.settings = {**(row.settings or {}), name: value}
    session.flush()
    return to_domain(row)


def record_check(session: Session, channel_id: int, at: datetime, error: str) -> None:
    """Remember the outcome of the last reachability check or delivery."""
    row = session.get(ChannelRow, channel_id)
    if row is None:
        raise NotFoundError(f"no channel {channel_id}")
    row.last_checked_at = at
    row.last_error = error
    if not error:
        row.last_ok_at = at
