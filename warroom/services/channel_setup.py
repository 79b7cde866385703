"""Configuring channels (settings in the database, the secret in the keychain) and testing them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.channels import (
    Channel,
    ChannelKind,
    url_secret_problem,
    validate_channel_name,
)
from warroom.domain.clock import iso_utc
from warroom.domain.errors import NotFoundError, RuleViolation, ValidationError
from warroom.domain.people import Action
from warroom.domain.variants import validate_language
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, channel_repo
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable
from warroom.sync.connectors import make_connector
from warroom.sync.outcomes import DeliveryError
from warroom.sync.redact import one_line, scrub

log = logging.getLogger(__name__)

SECURITY_CHOICES = ("starttls", "ssl", "none")
#: Settings each kind accepts (besides the common ca_bundle and timeouts).
KIND_SETTINGS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.EMAIL: ("host", "port", "security", "user", "from", "to"),
    ChannelKind.MASTODON: ("url",),
    ChannelKind.BLUESKY: ("url", "handle"),
    ChannelKind.WEBHOOK: ("url",),
}
COMMON_SETTINGS = ("ca_bundle", "connect_timeout", "read_timeout", "language")


def optional_settings(kind: ChannelKind) -> tuple[str, ...]:
    """Return the settings a channel of ``kind`` may go without (``clear`` removes them)."""
    return (("user",) if kind is ChannelKind.EMAIL else ()) + COMMON_SETTINGS


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
        if existing is not None and existing.kind is kind:
            kept = set(existing.settings) - cleared - {"configured_at"}
            merged.update({k: existing.settings[k] for k in kept})
        merged.update(given)
        cleaned = validate_settings(kind, merged)
        # The secret is keyed by the channel's immutable id: a new channel gets it now.
        target = existing or Channel(0, name, kind, uid=channel_repo.new_uid())
        if secret is not None:
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
        secret = self._secrets.get(channel)
        ok, message = False, ""
        try:
            connector = make_connector(channel, secret, clock=self._ctx.clock)
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


def validate_settings(kind: ChannelKind, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return cleaned settings for ``kind`` or refuse them with what to fix."""
    cleaned: dict[str, Any] = {}
    if "url" in KIND_SETTINGS[kind]:
        url = str(settings.get("url") or "").strip().rstrip("/")
        if url:
            carried = url_secret_problem(url)
            if carried:
                raise ValidationError(
                    f"--url holds a credential ({carried}); give the address without it and "
                    "pass the secret on stdin (it is kept in the keychain, never in the database)"
                )
            if not url.startswith(("https://", "http://")) or len(url) < 10:
                raise ValidationError(f"--url must be an http(s) address, not {url!r}")
            cleaned["url"] = url
        elif kind is not ChannelKind.BLUESKY:
            raise ValidationError(f"a {kind.value} channel needs --url")
    if kind is ChannelKind.BLUESKY:
        handle = str(settings.get("handle") or "").strip().lstrip("@")
        if not handle:
            raise ValidationError("a bluesky channel needs --handle")
        cleaned["handle"] = handle
    if kind is ChannelKind.EMAIL:
        cleaned.update(_email_settings(settings))
    language = settings.get("language")
    if language:
        cleaned["language"] = validate_language(str(language))
    ca_bundle = settings.get("ca_bundle")
    if ca_bundle:
        path = Path(str(ca_bundle)).expanduser()
        if not path.is_file():
            raise ValidationError(f"--ca-bundle {ca_bundle}: no such file")
        cleaned["ca_bundle"] = str(path.resolve())
    for key in ("connect_timeout", "read_timeout"):
        if settings.get(key) is not None:
            value = float(settings[key])
            if not 0 < value <= 600:
                raise ValidationError(f"--{key.replace('_', '-')} must be 0 to 600 seconds")
            cleaned[key] = value
    return cleaned


def _email_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    host = str(settings.get("host") or "").strip()
    if not host:
        raise ValidationError("an email channel needs --host")
    security = str(settings.get("security") or "starttls")
    if security not in SECURITY_CHOICES:
        raise ValidationError(f"--security must be one of {', '.join(SECURITY_CHOICES)}")
    port = int(settings.get("port") or (465 if security == "ssl" else 587))
    if not 0 < port < 65536:
        raise ValidationError("--port must be 1 to 65535")
    sender = str(settings.get("from") or "").strip()
    if "@" not in sender:
        raise ValidationError("an email channel needs --from with an address")
    to = settings.get("to") or []
    recipients = [to] if isinstance(to, str) else [str(t).strip() for t in _flat(to)]
    if not recipients or not all("@" in r for r in recipients):
        raise ValidationError("an email channel needs at least one --to address")
    result: dict[str, Any] = {
        "host": host,
        "port": port,
        "security": security,
        "from": sender,
        "to": recipients,
    }
    user = str(settings.get("user") or "").strip()
    if user:
        result["user"] = user
    return result


def _flat(values: Sequence[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in str(value).split(",") if part.strip())
    return out
