"""What a statement publishes, in one canonical form, and the hash that approvals bind to.

A statement goes to several channels; each channel receives a subject and a text (its
*variant*: the statement's main subject and text unless someone edited that channel's own,
see domain.variants). The canonical form is the list of ``[channel, subject, text]`` for
every target channel, sorted by channel name, serialised as compact JSON (UTF-8, no ASCII
escaping). Its SHA-256 is *the* content hash: an approval signs it, the outbox row stores
it, and the sync worker recomputes it from the exact bytes it is about to send. This module
is the only place that defines it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelContent:
    """The exact subject and text that one channel receives."""

    channel: str
    subject: str
    text: str


def statement_contents(
    channel_names: Sequence[str], subject: str, text: str
) -> tuple[ChannelContent, ...]:
    """Return the content of every target channel (the same subject and text for each)."""
    return tuple(ChannelContent(name, subject, text) for name in channel_names)


def canonical_content(contents: Iterable[ChannelContent]) -> bytes:
    """Return the canonical bytes of a statement's content (see the module docstring)."""
    rows = sorted([c.channel, c.subject, c.text] for c in contents)
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def approved_content_hash(contents: Iterable[ChannelContent]) -> str:
    """Return the SHA-256 (hex) of the canonical content: what approvals are bound to."""
    return hashlib.sha256(canonical_content(contents)).hexdigest()


def content_hash_of(channel_names: Sequence[str], subject: str, text: str) -> str:
    """Return the content hash of a statement sending ``subject``/``text`` to the channels."""
    return approved_content_hash(statement_contents(channel_names, subject, text))


def variant_hash(channel: str, subject: str, text: str) -> str:
    """Return the hash of one channel's content alone (what the chain records per variant).

    It is the content hash of a statement with that one channel, so the same canonical form
    serves: a verifier recomputes it from the exported variant and names the channel whose
    subject or text differs.
    """
    return approved_content_hash([ChannelContent(channel, subject, text)])


def main_hash(subject: str, text: str) -> str:
    """Return the hash of a statement's main subject and text (the channel name left empty)."""
    return variant_hash("", subject, text)


def legacy_content_hash(subject: str, text: str) -> str:
    """Return the hash used before channels were covered (schema /1 exports, old rows)."""
    return hashlib.sha256(f"{subject}\x00{text}".encode()).hexdigest()
