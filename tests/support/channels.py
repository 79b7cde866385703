"""Looking a channel up by name as the services do (NFKC + case folding), for assertions."""

from __future__ import annotations

from typing import Any

from warroom.domain.channels import Channel
from warroom.storage import channel_repo


def channel_named(services: Any, name: str) -> Channel:
    """Return the channel ``name`` names, looked up the way every command looks it up."""
    with services.db.reading() as session:
        return channel_repo.by_name(session, name)
