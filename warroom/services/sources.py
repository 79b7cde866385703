"""Configuring listening sources (settings in the database, secrets in the keychain).

``--from-channel`` reuses a channel's server and credentials: its non-secret settings are
copied (a given option still wins), and its keychain secret is read at every pull rather
than copied, so renewing the channel's token renews the source's too. The channel also
becomes the source's reply channel unless another one is named.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.errors import ValidationError
from warroom.domain.inbox import Source, SourceKind, check_query, validate_source_name
from warroom.domain.people import Action
from warroom.services.channel_settings import connection_settings
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, channel_repo, source_repo
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable, SourceSecrets
from warroom.sync.outcomes import DeliveryError
from warroom.sync.redact import one_line, scrub
from warroom.sync.sources import make_listener

log = logging.getLogger(__name__)

KIND_SETTINGS: dict[SourceKind, tuple[str, ...]] = {
    SourceKind.MASTODON: ("url", "queries", "tags"),
    SourceKind.BLUESKY: ("url", "handle", "queries"),
    SourceKind.IMAP: ("host", "port", "security", "user", "mailbox", "mark_seen"),
    SourceKind.FEED: ("url",),
}
COMMON_SETTINGS = ("ca_bundle", "connect_timeout", "read_timeout", "interval", "reply_channel")
#: Settings that name *where* a source reads: changing one starts its cursors afresh.
LOCATION_SETTINGS = ("url", "handle", "host", "port", "user", "mailbox")
CHANNEL_KIND = {
    SourceKind.MASTODON: ChannelKind.MASTODON,
    SourceKind.BLUESKY: ChannelKind.BLUESKY,
    SourceKind.IMAP: ChannelKind.EMAIL,
}
MIN_INTERVAL = 10.0


@dataclass(frozen=True)
class SourceTest:
    """The outcome of ``source test``."""

    source: Source
    ok: bool
    message: str


class SourceService:
    """Add, reconfigure, test and remove sources."""

    def __init__(self, context: ServiceContext, secrets: SecretStore | None = None) -> None:
        self._ctx = context
        self._secrets = secrets or SecretStore()

    def all(self) -> list[Source]:
        """Return every source by name."""
        with self._ctx.db.reading() as session:
            return source_repo.list_all(session)

    def get(self, name: str) -> Source:
        """Return one source or raise NotFoundError."""
        with self._ctx.db.reading() as session:
            return source_repo.by_name(session, name)

    def configure(
        self,
        name: str,
        kind: SourceKind,
        settings: Mapping[str, Any],
        secret: str | None,
        *,
        actor: str | None = None,
        from_channel: str | None = None,
    ) -> Source:
        """Create or reconfigure a source; ``secret`` None keeps the stored one."""
        name = validate_source_name(name)
        given = {k: v for k, v in settings.items() if v not in (None, "", [], (), False)}
        accepted = set(KIND_SETTINGS[kind]) | set(COMMON_SETTINGS)
        unknown = set(given) - accepted
        if unknown:
            options = ", ".join("--" + k.replace("_", "-") for k in sorted(unknown))
            raise ValidationError(f"a {kind.value} source does not take {options}")
        with self._ctx.db.reading() as session:
            if actor is not None:
                authorize(session, actor, Action.MANAGE_CHANNELS)
            existing = {s.name: s for s in source_repo.list_all(session)}.get(name)
            channel = channel_repo.by_name(session, from_channel) if from_channel else None
            reply = given.get("reply_channel")
            if reply:
                _check_reply_channel(kind, channel_repo.by_name(session, str(reply)))
        merged: dict[str, Any] = {}
        if channel is not None:
            merged.update(_from_channel(kind, channel))
        elif existing is not None and existing.kind is kind:
            merged.update(existing.settings)
        merged.update(given)
        cleaned = validate_settings(kind, merged)
        if kind is SourceKind.FEED and from_channel:
            raise ValidationError("a feed source cannot reuse a channel")
        reset = (
            existing is None
            or existing.kind is not kind
            or any(existing.settings.get(k) != cleaned.get(k) for k in LOCATION_SETTINGS)
        )
        if channel is None and not cleaned.get("from_channel"):
            if secret is not None:
                SourceSecrets(self._secrets).set(name, secret)
            else:
                self._secrets.check()
        with self._ctx.db.transaction() as session:
            if actor is not None:
                authorize(session, actor, Action.MANAGE_CHANNELS)
            source = source_repo.upsert(
                session,
                name=name,
                kind=kind,
                settings=cleaned,
                at=self._ctx.clock(),
                reset_cursors=reset,
            )
            changes.record(session, None, Area.INBOX)
        log.info("source %s configured (%s)", name, kind.value)
        return source

    def remove(self, name: str, *, actor: str | None = None) -> None:
        """Delete a source and its own secret; the items it brought in stay."""
        with self._ctx.db.reading() as session:
            if actor is not None:
                authorize(session, actor, Action.MANAGE_CHANNELS)
            source = source_repo.by_name(session, name)
        if not source.settings.get("from_channel"):
            with contextlib.suppress(SecretStoreUnavailable):  # then none can have been stored
                SourceSecrets(self._secrets).set(name, "")
        with self._ctx.db.transaction() as session:
            source_repo.delete(session, source.id)
            changes.record(session, None, Area.INBOX)
        log.info("source %s removed", name)

    def test(self, name: str) -> SourceTest:
        """Make one harmless authenticated call; success lifts a stop after refused logins."""
        source = self.get(name)
        channel = source.settings.get("from_channel")
        secret = ""
        ok, message = False, ""
        try:
            if channel:
                with self._ctx.db.reading() as session:
                    secret = self._secrets.get(channel_repo.by_name(session, str(channel)))
            else:
                secret = SourceSecrets(self._secrets).get(name)
            listener = make_listener(source, secret, clock=self._ctx.clock)
            try:
                message = listener.check()
                ok = True
            finally:
                listener.close()
        except DeliveryError as error:
            message = one_line(scrub(str(error), [secret]), 500)
        except SecretStoreUnavailable:
            raise
        except Exception as error:  # a library surprise: still one line, still no secret
            message = one_line(scrub(f"unexpected {type(error).__name__}: {error}", [secret]))
            log.error("testing source %s failed unexpectedly: %s", name, message)
        now = self._ctx.clock()
        with self._ctx.db.transaction() as session:
            source_repo.record_pull(
                session,
                source.id,
                now,
                error="" if ok else message,
                stopped_reason="" if ok else None,
            )
            changes.record(session, None, Area.INBOX)
            source = source_repo.by_id(session, source.id)
        return SourceTest(source, ok, message)


def _check_reply_channel(kind: SourceKind, channel: Channel) -> None:
    wanted = CHANNEL_KIND.get(kind)
    if wanted is None:
        raise ValidationError("a feed source has no replies, so no --reply-channel")
    if channel.kind is not wanted:
        raise ValidationError(
            f"channel {channel.name!r} is a {channel.kind.value} channel; replies to a "
            f"{kind.value} source go through a {wanted.value} channel"
        )


def _from_channel(kind: SourceKind, channel: Channel) -> dict[str, Any]:
    """Return the settings a source of ``kind`` takes from ``channel``."""
    _check_reply_channel(kind, channel)
    if not channel.configured:
        raise ValidationError(f"channel {channel.name!r} is not configured yet")
    settings = channel.settings
    taken: dict[str, Any] = {"from_channel": channel.name, "reply_channel": channel.name}
    for key in ("ca_bundle", "connect_timeout", "read_timeout"):
        if settings.get(key):
            taken[key] = settings[key]
    if kind is SourceKind.IMAP:
        security = str(settings.get("security") or "starttls")
        if security == "none":
            raise ValidationError(
                f"channel {channel.name!r} sends without TLS; a mailbox is read over IMAPS or "
                "STARTTLS only"
            )
        taken.update(host=settings.get("host"), user=settings.get("user"), security=security)
    else:
        taken.update({k: settings[k] for k in ("url", "handle") if settings.get(k)})
    return taken


def validate_settings(kind: SourceKind, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return cleaned settings for ``kind`` or refuse them with what to fix."""
    cleaned: dict[str, Any] = {}
    url = str(settings.get("url") or "").strip().rstrip("/")
    if url:
        if not url.startswith(("https://", "http://")) or len(url) < 10:
            raise ValidationError(f"--url must be an http(s) address, not {url!r}")
        cleaned["url"] = url
    elif kind in (SourceKind.MASTODON, SourceKind.FEED):
        raise ValidationError(f"a {kind.value} source needs --url (or --from-channel)")
    if kind is SourceKind.BLUESKY:
        handle = str(settings.get("handle") or "").strip().lstrip("@")
        if not handle:
            raise ValidationError("a bluesky source needs --handle (or --from-channel)")
        cleaned["handle"] = handle
    if kind is SourceKind.IMAP:
        cleaned.update(_imap_settings(settings))
    for key in ("queries", "tags"):
        values = [check_query(str(v)) for v in _listed(settings.get(key))]
        if values:
            cleaned[key] = list(
                dict.fromkeys(v.lstrip("#") if key == "tags" else v for v in values)
            )
    cleaned.update(connection_settings(settings))
    if settings.get("interval") is not None:
        interval = float(settings["interval"])
        if not MIN_INTERVAL <= interval <= 86_400:
            raise ValidationError(f"--interval must be {MIN_INTERVAL:g} to 86400 seconds")
        cleaned["interval"] = interval
    for key in ("from_channel", "reply_channel"):
        if settings.get(key):
            cleaned[key] = str(settings[key])
    return cleaned


def _imap_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    host = str(settings.get("host") or "").strip()
    user = str(settings.get("user") or "").strip()
    if not host or not user:
        raise ValidationError("an imap source needs --host and --user (or --from-channel)")
    security = str(settings.get("security") or "ssl")
    if security not in ("ssl", "starttls"):
        raise ValidationError("--security must be ssl (IMAPS) or starttls for a mailbox")
    port = int(settings.get("port") or (993 if security == "ssl" else 143))
    if not 0 < port < 65536:
        raise ValidationError("--port must be 1 to 65535")
    mailbox = str(settings.get("mailbox") or "INBOX").strip()
    if not mailbox or not mailbox.isprintable():
        raise ValidationError("--mailbox needs a folder name")
    result: dict[str, Any] = {
        "host": host,
        "port": port,
        "security": security,
        "user": user,
        "mailbox": mailbox,
    }
    if settings.get("mark_seen"):
        result["mark_seen"] = True
    return result


def _listed(value: Any) -> Sequence[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
