"""Per-channel variants of one statement: each target channel's own subject and text.

A statement has a main subject and text. Every target channel receives them unless someone
edited that channel's variant (a shorter post for Bluesky, a fuller email), after which the
channel keeps its own until it is reset to the main text. Only edited variants are stored;
the others are *derived* from the main text, so editing the main text updates them.

All variants are approved together: the content hash (domain.content) is over every target
channel's (channel, subject, text). The chain records, for each drafted or edited revision,
which variants are edited and a hash per variant, so ``verify`` names the channel whose text
was changed. A channel may carry a language tag (a channel setting), by which exports and
the review group variants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from warroom.domain.content import ChannelContent, variant_hash
from warroom.domain.errors import ValidationError

#: Kinds whose messages have a subject line of their own (by kind name, so that kinds added
#: later are named here without importing them). The others ignore the subject.
LANGUAGE_MAX = 35
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True, slots=True)
class Variant:
    """What one channel receives: ``edited`` False means it follows the main text."""

    channel: str
    subject: str
    text: str
    edited: bool = False

    @property
    def content(self) -> ChannelContent:
        """Return the canonical content of this variant (domain.content)."""
        return ChannelContent(self.channel, self.subject, self.text)

    @property
    def digest(self) -> str:
        """Return the hash of this variant alone (what the chain records for it)."""
        return variant_hash(self.channel, self.subject, self.text)


@dataclass(frozen=True, slots=True)
class VariantEdit:
    """A request to give one channel its own subject and/or text (None keeps that part)."""

    subject: str | None = None
    text: str | None = None


#: In an edit's ``variants`` mapping, this value sends a channel back to the main text.
RESET = None


def resolve(
    channel_names: Sequence[str], subject: str, text: str, edited: Iterable[Variant]
) -> tuple[Variant, ...]:
    """Return every target channel's variant, in channel order (derived unless edited)."""
    own = {v.channel: v for v in edited}
    return tuple(
        own.get(name) or Variant(name, subject, text, edited=False) for name in channel_names
    )


def chain_data(variants: Iterable[Variant]) -> list[dict[str, Any]]:
    """Return what a drafted/edited timeline entry records of the variants, by channel name."""
    return [
        {"channel": v.channel, "edited": v.edited, "hash": v.digest}
        for v in sorted(variants, key=lambda v: v.channel)
    ]


def language_of(settings: Mapping[str, Any]) -> str:
    """Return the language tag of a channel from its settings ('' when it has none)."""
    value = settings.get("language")
    return value if isinstance(value, str) else ""


def validate_language(tag: str) -> str:
    """Return a BCP 47 style tag (``fr``, ``pt-BR``) normalised, or refuse it."""
    cleaned = tag.strip().replace("_", "-")
    if not cleaned or len(cleaned) > LANGUAGE_MAX or not _LANGUAGE.match(cleaned):
        raise ValidationError(f"{tag!r} is not a language tag; use one like 'en', 'fr' or 'pt-BR'")
    first, *rest = cleaned.split("-")
    parts = [first.lower()] + [p.upper() if len(p) == 2 else p.lower() for p in rest]
    return "-".join(parts)


def by_language(
    variants: Iterable[Variant], languages: Mapping[str, str]
) -> list[tuple[str, tuple[Variant, ...]]]:
    """Group variants by their channel's language ('' last: no language set), names sorted."""
    groups: dict[str, list[Variant]] = {}
    for variant in variants:
        groups.setdefault(languages.get(variant.channel, ""), []).append(variant)
    order = sorted(groups, key=lambda tag: (tag == "", tag))
    return [(tag, tuple(sorted(groups[tag], key=lambda v: v.channel))) for tag in order]
