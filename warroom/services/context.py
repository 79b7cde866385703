"""What every service needs: the database, the clock, and the keychain."""

from __future__ import annotations

from dataclasses import dataclass, field

from warroom.domain.clock import Clock, utc_now
from warroom.storage.database import Database
from warroom.storage.secrets import SecretStore


@dataclass(frozen=True)
class ServiceContext:
    """Shared dependencies, passed into every service by the composition root."""

    db: Database
    clock: Clock = utc_now
    #: the keychain: channel and source secrets, signing keys (built once, by build_services)
    secrets: SecretStore = field(default_factory=SecretStore)
