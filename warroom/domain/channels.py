"""Channels a statement can go out on, and how long a statement may be on each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit, urlunsplit

from warroom.domain.errors import ValidationError
from warroom.domain.names import check_name, name_key
from warroom.domain.text_length import count_characters, count_graphemes


class ChannelKind(StrEnum):
    """The kinds of outbound channel War Room can publish to."""

    EMAIL = "email"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    WEBHOOK = "webhook"
    MATRIX = "matrix"
    STATUSPAGE = "statuspage"
    STATUSDIR = "statusdir"

    @classmethod
    def parse(cls, value: str) -> ChannelKind:
        """Return the kind named ``value`` or refuse it with the list of kinds."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise ValidationError(f"unknown channel kind {value!r}; use one of {names}") from None


class WebhookFormat(StrEnum):
    """The body a webhook channel sends: War Room's own JSON or a chat service's format."""

    GENERIC = "generic"
    SLACK = "slack"
    TEAMS = "teams"
    DISCORD = "discord"

    @classmethod
    def parse(cls, value: str) -> WebhookFormat:
        """Return the format named ``value`` or refuse it with the list of formats."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise ValidationError(f"unknown webhook format {value!r}; use one of {names}") from None


@dataclass(frozen=True, slots=True)
class LengthLimit:
    """A channel's limit: ``maximum`` units, counted as ``unit`` ('characters'/'graphemes'),
    and, where the service also counts bytes, at most ``max_bytes`` bytes as sent."""

    maximum: int | None
    unit: str
    max_bytes: int | None = None
    #: what the limit applies to: the text itself, or the text as the format escapes it
    measured: str = "text"  # "text", "slack" (escaped mrkdwn), "matrix" (body + HTML)

    def measure(self, text: str) -> int:
        """Return the length of ``text`` in this limit's unit (whether it fits: :func:`fit`)."""
        counted = _as_sent(text, self.measured)
        return count_graphemes(counted) if self.unit == "graphemes" else count_characters(counted)

    def byte_size(self, text: str) -> int:
        """Return the size in bytes that ``max_bytes`` applies to."""
        if self.measured == "matrix":  # the event carries both, JSON-encoded
            import json

            from warroom.domain.markup import to_html

            encoded = json.dumps([text, to_html(text)], ensure_ascii=False)
            return len(encoded.encode("utf-8"))
        return len(_as_sent(text, self.measured).encode("utf-8"))


def _as_sent(text: str, measured: str) -> str:
    if measured == "slack":
        from warroom.domain.markup import to_slack

        return to_slack(text)
    return text


#: Bluesky also enforces a byte limit on post text.
BLUESKY_MAX_BYTES = 3000

#: Per-kind limits: Mastodon 500 characters, Bluesky 300 graphemes (and 3,000 bytes), a
#: generic webhook 4,000; Matrix events must stay under 65,536 bytes (the text and its HTML
#: rendering both travel); Statuspage takes 25,000 characters per update; email and the
#: static status folder have none.
LIMITS: dict[ChannelKind, LengthLimit] = {
    ChannelKind.EMAIL: LengthLimit(None, "characters"),
    ChannelKind.MASTODON: LengthLimit(500, "characters"),
    ChannelKind.BLUESKY: LengthLimit(300, "graphemes", BLUESKY_MAX_BYTES),
    ChannelKind.WEBHOOK: LengthLimit(4000, "characters"),
    ChannelKind.MATRIX: LengthLimit(25_000, "characters", 60_000, "matrix"),
    ChannelKind.STATUSPAGE: LengthLimit(25_000, "characters"),
    ChannelKind.STATUSDIR: LengthLimit(None, "characters"),
}

#: Per-format limits of webhook channels: Slack's section text 3,000 characters (counted
#: after escaping, as Slack counts it), Discord's message content 2,000 characters, a Teams
#: Workflows message about 28 KB (20,000 bytes of text leave room for the card around it).
FORMAT_LIMITS: dict[WebhookFormat, LengthLimit] = {
    WebhookFormat.GENERIC: LIMITS[ChannelKind.WEBHOOK],
    WebhookFormat.SLACK: LengthLimit(3000, "characters", measured="slack"),
    WebhookFormat.TEAMS: LengthLimit(20_000, "characters", 20_000),
    WebhookFormat.DISCORD: LengthLimit(2000, "characters"),
}


def webhook_format(settings: Mapping[str, Any]) -> WebhookFormat:
    """Return a webhook channel's format (generic when unset or unknown)."""
    try:
        return WebhookFormat(str(settings.get("format") or "generic"))
    except ValueError:
        return WebhookFormat.GENERIC


def limit_for(kind: ChannelKind, settings: Mapping[str, Any]) -> LengthLimit:
    """Return the limit of a channel of ``kind`` configured with ``settings``."""
    if kind is ChannelKind.WEBHOOK:
        return FORMAT_LIMITS[webhook_format(settings)]
    return LIMITS[kind]


CHANNEL_NAME_MAX = 40
#: Room for the compared form, which NFKC may make longer than the name.
CHANNEL_KEY_MAX = 200


@dataclass(frozen=True, slots=True)
class Channel:
    """A named outbound channel. ``settings`` holds non-secret configuration only."""

    id: int
    name: str
    kind: ChannelKind
    settings: Mapping[str, Any] = field(default_factory=dict)
    configured: bool = False
    last_ok_at: datetime | None = None
    last_error: str = ""
    last_checked_at: datetime | None = None
    #: Immutable random id: the keychain entry of the channel's secret is keyed by it.
    uid: str = ""
    #: The name an older War Room kept the secret under (None for channels made since).
    legacy_secret_name: str | None = None

    @property
    def limit(self) -> LengthLimit:
        """Return the length limit that this channel's kind (and format) imposes."""
        return limit_for(self.kind, self.settings)

    @property
    def has_subject(self) -> bool:
        """Tell whether the channel shows a subject: an email's, a status page incident's
        name, a Teams card's title, the generic webhook's ``subject`` field."""
        if self.kind is ChannelKind.WEBHOOK:
            return webhook_format(self.settings) in (WebhookFormat.GENERIC, WebhookFormat.TEAMS)
        return self.kind in (ChannelKind.EMAIL, ChannelKind.STATUSPAGE, ChannelKind.STATUSDIR)

    @property
    def format_name(self) -> str:
        """Return what people call this channel's format, e.g. 'webhook (slack)'."""
        if self.kind is ChannelKind.WEBHOOK:
            return f"webhook ({webhook_format(self.settings).value})"
        return self.kind.value


@dataclass(frozen=True, slots=True)
class Fit:
    """How a statement's text measures against one channel: the one answer that the
    editor's counter, the release preview, the service and the connectors all use."""

    channel_name: str
    kind: ChannelKind
    length: int  # in ``unit``, of the text as it will be sent (outer blank space removed)
    maximum: int | None  # None: no limit
    unit: str
    over_bytes: bool = False  # over the byte limit, besides the unit limit (Bluesky...)
    max_bytes: int | None = None
    format_name: str = ""

    @property
    def fits(self) -> bool:
        """Tell whether the text may go out on the channel."""
        return not self.over_bytes and (self.maximum is None or self.length <= self.maximum)

    @property
    def counter(self) -> str:
        """Return the counter people read, e.g. 'bluesky: 12 / 300 graphemes'."""
        if self.maximum is None:
            return f"{self.channel_name}: {self.length} {self.unit}, no limit"
        bytes_note = f", over {self.max_bytes} bytes" if self.over_bytes else ""
        return f"{self.channel_name}: {self.length} / {self.maximum} {self.unit}{bytes_note}"

    @property
    def problem(self) -> str | None:
        """Say why the text may not go out on the channel (None: it fits)."""
        what = self.format_name or self.kind.value
        if self.maximum is not None and self.length > self.maximum:
            return (
                f"the text is {self.length} {self.unit} but channel {self.channel_name!r} "
                f"({what}) allows {self.maximum}"
            )
        if self.over_bytes:
            service = "Bluesky's" if self.kind is ChannelKind.BLUESKY else f"the {what}"
            return (
                f"the text is over {service} {self.max_bytes}-byte limit "
                f"for channel {self.channel_name!r}"
            )
        return None


def fit(channel: Channel, text: str) -> Fit:
    """Measure ``text`` as ``channel`` will count it (outer blank space is never sent).

    A webhook channel is measured by its format (Slack counts the escaped text), a Matrix
    channel also by the bytes of the event it makes.
    """
    sent = text.strip()
    limit = channel.limit
    over_bytes = limit.max_bytes is not None and limit.byte_size(sent) > limit.max_bytes
    return Fit(
        channel.name,
        channel.kind,
        limit.measure(sent),
        limit.maximum,
        limit.unit,
        over_bytes,
        limit.max_bytes,
        channel.format_name,
    )


def check_fits(channel: Channel, text: str) -> None:
    """Refuse ``text`` if it is over ``channel``'s limit, saying by how much."""
    problem = fit(channel, text).problem
    if problem:
        raise ValidationError(problem)


#: Query parameters that carry a credential (compared case-insensitively).
SECRET_QUERY_PARAMETERS = frozenset(
    {
        "token",
        "key",
        "sig",
        "signature",
        "secret",
        "password",
        "access_token",
        "api_key",
        "apikey",
        "auth",
        "code",
    }
)


def url_secret_problem(url: str) -> str | None:
    """Say which credential ``url`` carries (a login in it, or a secret query parameter).

    A secret in a URL would be stored in the database and shown by ``channel list``; the
    secret belongs in the keychain (read from stdin) instead. None when the URL is clean.
    """
    parts = urlsplit(url)
    if parts.username or parts.password or "@" in parts.netloc:
        return "a user name or password in the address"
    for name, _value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in SECRET_QUERY_PARAMETERS:
            return f"a {name}= parameter"
    return None


def masked_url(url: str) -> str:
    """Return ``url`` with any login and secret query values replaced by ``***``.

    For showing addresses stored before such URLs were refused.
    """
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    if netloc != parts.netloc:
        netloc = "***@" + netloc
    pairs = [pair.partition("=") for pair in parts.query.split("&")] if parts.query else []
    query = "&".join(
        f"{name}=***"
        if unquote_plus(name).lower() in SECRET_QUERY_PARAMETERS
        else name + eq + value
        for name, eq, value in pairs
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def validate_channel_name(name: str) -> str:
    """Accept a short name of letters, digits, dot, dash and underscore.

    Names are unique as compared by :func:`warroom.domain.names.name_key` (NFKC, case
    folded): "Email" and "EMAIL" are one channel.
    """
    cleaned = check_name(name, "a channel name")
    if len(cleaned) > CHANNEL_NAME_MAX or len(name_key(cleaned)) > CHANNEL_KEY_MAX:
        raise ValidationError(f"a channel name needs 1 to {CHANNEL_NAME_MAX} characters")
    if not all(char.isalnum() or char in "._-" for char in cleaned):
        raise ValidationError(
            f"channel name {cleaned!r} may hold only letters, digits, '.', '_' and '-'"
        )
    return cleaned
