"""Configuring channels (settings in the database, the secret in the keychain) and testing them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.channels import (
    Channel,
    ChannelKind,
    validate_channel_name,
)
from warroom.domain.clock import iso_utc
from warroom.domain.errors import NotFoundError, RuleViolation, ValidationError
from warroom.domain.people import Action
from warroom.services.channel_memory import StoredChannelMemory
from warroom.services.channel_settings import (
    COMMON_SETTINGS,
    KIND_SETTINGS,
    SECURITY_CHOICES,
    merged_groups,
    optional_settings,
    validate_settings,
)
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, channel_repo
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable
from warroom.sync.connectors import SECRETLESS_KINDS, make_connector
from warroom.sync.outcomes import DeliveryError
from warroom.sync.redact import one_line, scrub

log = logging.getLogger(__name__)
__all__ = [
    "SECURITY_CHOICES",
    "ChannelSetupService",
    "ChannelTest",
    "optional_settings",
    "validate_settings",
]


@dataclass(frozen=True)
class ChannelTest:
    """The outcome of ``channel test``: ok, and one line saying what happened."""

    channel: Channel
    ok: bool
    message: str


class ChannelSetupService:
    """Add or reconfigure channels, and make one harmless authenticated call to test one."""

    def __init__(self, context: ServiceContext, secrets: SecretStore) -> None:
        self._ctx = context
        self._secrets = secrets

    def configure(
        self,
        name: str,
        kind: ChannelKind,
        settings: Mapping[str, Any],
        secret: str | None,
        *,
        actor: str | None = None,
        clear: Collection[str] = (),
    ) -> Channel:
        """Create or reconfigure a channel; ``secret`` None keeps the stored one.

        Options not given keep their value when the kind stays the same, except those named
        in ``clear`` (e.g. the SMTP ``user``), which are removed. The secret goes to the
        keychain first, so a missing keychain changes nothing in the database. With people
        registered, only a lead (``actor``) may set channels up; callers pass who acts.
        """
        name = validate_channel_name(name)
        given = {k: v for k, v in settings.items() if v not in (None, "", [], ())}
        accepted = set(KIND_SETTINGS[kind]) | set(COMMON_SETTINGS)
        unknown = set(given) - accepted
        if unknown:
            options = ", ".join("--" + k.replace("_", "-") for k in sorted(unknown))
            raise ValidationError(f"a {kind.value} channel does not take {options}")
        cleared = {key.replace("-", "_") for key in clear}
        if cleared - accepted:
            names = ", ".join(sorted(cleared - accepted))
            raise ValidationError(f"a {kind.value} channel has no setting {names} to clear")
        if cleared & set(given):
            names = ", ".join(sorted(cleared & set(given)))
            raise ValidationError(f"{names}: either give a value or clear it, not both")
        with self._ctx.db.reading() as session:
            if actor is not None:  # before the keychain is touched
                authorize(session, actor, Action.MANAGE_CHANNELS)
            existing = _existing(session, name)
        merged: dict[str, Any] = {}
        same_kind = existing is not None and existing.kind is kind
        if existing is not None and same_kind:
            kept = set(existing.settings) - cleared - {"configured_at"}
            merged.update({k: existing.settings[k] for k in kept})
        merged.update(given)
        if "groups" in given:  # groups are named one by one: NAME= (no address) removes one
            merged["groups"] = merged_groups(
                existing.settings.get("groups") if existing and same_kind else {},
                given["groups"],
            )
        if existing is not None and str(given.get("room", existing.settings.get("room"))) != str(
            existing.settings.get("room")
        ):
            merged.pop("room_id", None)  # another room: resolve its alias again
        cleaned = validate_settings(kind, merged)
        # The secret is keyed by the channel's immutable id: a new channel gets it now.
        target = existing or Channel(0, name, kind, uid=channel_repo.new_uid())
        if kind in SECRETLESS_KINDS:
            pass  # nothing to keep: the status folder needs no keychain at all
        elif secret is not None:
            self._secrets.set(target, secret)
        elif existing is None or not existing.configured:
            self._secrets.check()
        cleaned["configured_at"] = iso_utc(self._ctx.clock())
        with self._ctx.db.transaction() as session:
            if actor is not None:
                authorize(session, actor, Action.MANAGE_CHANNELS)
            channel = channel_repo.upsert(
                session, name=name, kind=kind, settings=cleaned, uid=target.uid
            )
            changes.record(session, None, Area.CHANNELS)
        log.info("channel %s configured (%s)", name, kind.value)
        return channel

    def remove(self, name: str, *, actor: str | None = None) -> None:
        """Delete a channel that no statement targets, and its secret in the keychain.

        A channel that a statement names (even a draft) stays: the incident's record and its
        exports refer to it; reconfigure it instead. The secret is removed first (it is keyed
        by the channel's id, so no other channel's secret can go with it).
        """
        with self._ctx.db.reading() as session:
            if actor is not None:
                authorize(session, actor, Action.MANAGE_CHANNELS)
            channel = channel_repo.by_name(session, name)
            _refuse_if_used(name, channel_repo.statement_count(session, channel.id))
        with contextlib.suppress(SecretStoreUnavailable):  # then none can have been stored
            self._secrets.set(channel, "")
        with self._ctx.db.transaction() as session:
            if actor is not None:
                authorize(session, actor, Action.MANAGE_CHANNELS)
            channel = channel_repo.by_name(session, name)
            _refuse_if_used(name, channel_repo.statement_count(session, channel.id))
            channel_repo.delete(session, channel.id)
            changes.record(session, None, Area.CHANNELS)
        log.info("channel %s removed", name)

    def test(self, name: str) -> ChannelTest:
        """Make one harmless authenticated call and remember the channel's reachability."""
        with self._ctx.db.reading() as session:
            channel = channel_repo.by_name(session, name)
        if not channel.configured:
            raise ValidationError(
                f"channel {name!r} is not configured yet; run 'warroom channel add {name} "
                f"--kind {channel.kind.value} ...' first"
            )
        secret = "" if channel.kind in SECRETLESS_KINDS else self._secrets.get(channel)
        ok, message = False, ""
        try:
            connector = make_connector(
                channel,
                secret,
                clock=self._ctx.clock,
                memory=StoredChannelMemory(self._ctx, channel),
            )
            try:
                message = connector.check()
                ok = True
            finally:
                connector.close()
        except DeliveryError as error:
            message = one_line(scrub(str(error), [secret]), 500)
        except Exception as error:  # a library surprise: still one line, still no secret
            message = one_line(scrub(f"unexpected {type(error).__name__}: {error}", [secret]))
            log.error("testing channel %s failed unexpectedly: %s", name, message)
        now = self._ctx.clock()
        with self._ctx.db.transaction() as session:
            channel_repo.record_check(session, channel.id, now, "" if ok else message)
            changes.record(session, None, Area.CHANNELS)
            channel = channel_repo.by_id(session, channel.id)
        return ChannelTest(channel, ok, message)


def _existing(session: Any, name: str) -> Channel | None:
    """Return the channel called ``name`` (as names compare), or None."""
    try:
        return channel_repo.by_name(session, name)
    except NotFoundError:
        return None


def _refuse_if_used(name: str, statements: int) -> None:
    if statements:
        raise RuleViolation(
            f"channel {name!r} is named by {statements} statement(s) and stays in their "
            "record; reconfigure it instead of removing it"
        )
