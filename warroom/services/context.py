"""What every service needs: the database, the clock, and the keychain for signing keys."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.clock import Clock, utc_now
from warroom.storage.database import Database
from warroom.storage.secrets import SecretStore


@dataclass(frozen=True)
class ServiceContext:
    """Shared dependencies, passed into every service by the composition root."""

    db: Database
    clock: Clock = utc_now
    #: where private signing keys are kept (None: the OS keychain)
    secrets: SecretStore | None = None
