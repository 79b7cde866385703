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

    @classmethod
    def parse(cls, value: str) -> ChannelKind:
        """Return the kind named ``value`` or refuse it with the list of kinds."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise ValidationError(f"unknown channel kind {value!r}; use one of {names}") from None


@dataclass(frozen=True, slots=True)
class LengthLimit:
    """A channel's limit: ``maximum`` units, counted as ``unit`` ('characters'/'graphemes')."""

    maximum: int | None
    unit: str

    def measure(self, text: str) -> int:
        """Return the length of ``text`` in this limit's unit (whether it fits: :func:`fit`)."""
        return count_graphemes(text) if self.unit == "graphemes" else count_characters(text)


#: Per-kind limits: Mastodon 500 characters, Bluesky 300 graphemes, webhook 4,000, email none.
LIMITS: dict[ChannelKind, LengthLimit] = {
    ChannelKind.EMAIL: LengthLimit(None, "characters"),
    ChannelKind.MASTODON: LengthLimit(500, "characters"),
    ChannelKind.BLUESKY: LengthLimit(300, "graphemes"),
    ChannelKind.WEBHOOK: LengthLimit(4000, "characters"),
}

#: Bluesky also enforces a byte limit on post text.
BLUESKY_MAX_BYTES = 3000

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
        """Return the length limit that this channel's kind imposes."""
        return LIMITS[self.kind]


@dataclass(frozen=True, slots=True)
class Fit:
    """How a statement's text measures against one channel: the one answer that the
    editor's counter, the release preview, the service and the connectors all use."""

    channel_name: str
    kind: ChannelKind
    length: int  # in ``unit``, of the text as it will be sent (outer blank space removed)
    maximum: int | None  # None: no limit
    unit: str
    over_bytes: bool = False  # Bluesky's byte limit, besides its grapheme limit

    @property
    def fits(self) -> bool:
        """Tell whether the text may go out on the channel."""
        return not self.over_bytes and (self.maximum is None or self.length <= self.maximum)

    @property
    def counter(self) -> str:
        """Return the counter people read, e.g. 'bluesky: 12 / 300 graphemes'."""
        if self.maximum is None:
            return f"{self.channel_name}: {self.length} {self.unit}, no limit"
        bytes_note = f", over {BLUESKY_MAX_BYTES} bytes" if self.over_bytes else ""
        return f"{self.channel_name}: {self.length} / {self.maximum} {self.unit}{bytes_note}"

    @property
    def problem(self) -> str | None:
        """Say why the text may not go out on the channel (None: it fits)."""
        if self.maximum is not None and self.length > self.maximum:
            return (
                f"the text is {self.length} {self.unit} but channel {self.channel_name!r} "
                f"({self.kind.value}) allows {self.maximum}"
            )
        if self.over_bytes:
            return (
                f"the text is over Bluesky's {BLUESKY_MAX_BYTES}-byte limit "
                f"for channel {self.channel_name!r}"
            )
        return None


def fit(channel: Channel, text: str) -> Fit:
    """Measure ``text`` as ``channel`` will count it (outer blank space is never sent)."""
    sent = text.strip()
    limit = channel.limit
    over_bytes = (
        channel.kind is ChannelKind.BLUESKY and len(sent.encode("utf-8")) > BLUESKY_MAX_BYTES
    )
    return Fit(
        channel.name, channel.kind, limit.measure(sent), limit.maximum, limit.unit, over_bytes
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
