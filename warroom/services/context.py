"""What every service needs: the database and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.clock import Clock, utc_now
from warroom.storage.database import Database


@dataclass(frozen=True)
class ServiceContext:
    """Shared dependencies, passed into every service by the composition root."""

    db: Database
    clock: Clock = utc_now
