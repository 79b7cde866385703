"""The triage inbox: where listening sources put what customers say, and what we do about it.

A *source* is a place War Room listens to (a Mastodon or Bluesky account, an IMAP mailbox,
a feed). Each thing heard there becomes one *item*, unique per source by its remote id, with
its thread references so an answer can go back in the same thread. Items are triaged by
people: the priority is only ever *suggested* by the software; ``priority`` stays empty until
a person sets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from warroom.domain.errors import ValidationError

SOURCE_NAME_MAX = 40
TAG_MAX = 40
TAGS_MAX = 20
QUERY_MAX = 200


class SourceKind(StrEnum):
    """The kinds of place War Room can listen to."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    IMAP = "imap"
    FEED = "feed"

    @classmethod
    def parse(cls, value: str) -> SourceKind:
        """Return the kind named ``value`` or refuse it with the list of kinds."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise ValidationError(f"unknown source kind {value!r}; use one of {names}") from None

    @property
    def reply_channel_kind(self) -> str | None:
        """Return the channel kind that answers in this source's threads (None: no replies)."""
        return {"mastodon": "mastodon", "bluesky": "bluesky", "imap": "email"}.get(self.value)


class InboxState(StrEnum):
    """Where an item stands in triage."""

    NEW = "new"
    NEEDS_REPLY = "needs-reply"
    REPLIED = "replied"
    HANDLED = "handled"
    IGNORED = "ignored"
    ESCALATED = "escalated"

    @classmethod
    def parse(cls, value: str) -> InboxState:
        """Return the state named ``value`` or refuse it with the list of states."""
        try:
            return cls(value.strip().lower().replace("_", "-"))
        except ValueError:
            names = ", ".join(state.value for state in cls)
            raise ValidationError(f"unknown inbox state {value!r}; use one of {names}") from None


#: States in which an item still waits for an answer (counted as "waiting" in the stats).
WAITING_STATES = frozenset({InboxState.NEW, InboxState.NEEDS_REPLY, InboxState.ESCALATED})


@dataclass(frozen=True, slots=True)
class Source:
    """A configured listening source. ``settings`` hold no secret (those are in the keychain).

    ``cursors`` remember, per stream of the source (notifications, each search, the mailbox),
    where the last pull stopped, so a restart resumes exactly there. ``stopped_reason`` is set
    when the server refused the credentials: the source is not polled again until it is
    reconfigured or tested successfully.
    """

    id: int
    name: str
    kind: SourceKind
    settings: Mapping[str, Any] = field(default_factory=dict)
    cursors: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    last_pulled_at: datetime | None = None
    last_ok_at: datetime | None = None
    last_error: str = ""
    stopped_reason: str = ""
    items_count: int = 0
    skipped_count: int = 0

    @property
    def active(self) -> bool:
        """Tell whether the worker polls this source."""
        return not self.stopped_reason


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote an item, as the source gave it (cleaned)."""

    handle: str
    name: str = ""
    followers: int | None = None
    address: str = ""  # email: the sender's address (where a reply goes)


@dataclass(frozen=True, slots=True)
class Heard:
    """One item as a connector read it, already cleaned, before it is stored.

    ``thread`` holds what a reply needs: Mastodon ``status_id`` and ``acct``; Bluesky
    ``root``/``parent`` (each ``{"uri", "cid"}``); email ``message_id``, ``references`` and
    ``subject``.
    """

    remote_id: str
    text: str
    posted_at: datetime
    author: Author
    url: str = ""
    subject: str = ""
    language: str = ""
    thread: Mapping[str, Any] = field(default_factory=dict)
    truncated: bool = False
    attachments: int = 0


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested priority (1 most urgent .. 4) with the reasons a person can weigh."""

    priority: int
    reasons: tuple[str, ...] = ()
    sentiment: float | None = None  # VADER compound score, English text only
    risk_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InboxItem:
    """An item in the triage inbox."""

    id: int
    source_id: int | None
    source_name: str
    source_kind: SourceKind
    remote_id: str
    url: str
    author: Author
    text: str
    subject: str
    posted_at: datetime
    received_at: datetime
    language: str
    thread: Mapping[str, Any]
    state: InboxState
    suggestion: Suggestion
    priority: int | None = None  # set only by a person
    assignee: str = ""
    tags: tuple[str, ...] = ()
    incident_id: int | None = None
    attached_automatically: bool = False
    reply_url: str = ""
    responded_at: datetime | None = None
    truncated: bool = False
    attachments: int = 0
    version: int = 1

    @property
    def effective_priority(self) -> int:
        """Return the priority a person set, else the suggested one."""
        return self.priority if self.priority is not None else self.suggestion.priority

    @property
    def waiting(self) -> bool:
        """Tell whether the item still waits for an answer."""
        return self.state in WAITING_STATES


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What ``inbox list`` (and later the pane) shows."""

    incident_id: int | None = None
    unassigned: bool = False  # not attached to any incident
    states: tuple[InboxState, ...] = ()
    source: str | None = None
    priority: int | None = None
    search: str = ""

    def __post_init__(self) -> None:
        if self.unassigned and self.incident_id is not None:
            raise ValidationError("choose --incident or --unassigned, not both")
        if self.priority is not None:
            check_priority(self.priority)


def check_priority(value: int) -> int:
    """Accept a priority of 1 (most urgent) to 4."""
    if not 1 <= value <= 4:
        raise ValidationError(f"priority must be 1, 2, 3 or 4, not {value}")
    return value


def check_tag(tag: str) -> str:
    """Return a cleaned tag: 1 to 40 printable characters without spaces at the ends."""
    cleaned = " ".join(tag.split())
    if not cleaned or len(cleaned) > TAG_MAX or not cleaned.isprintable():
        raise ValidationError(f"a tag needs 1 to {TAG_MAX} printable characters")
    return cleaned


def validate_source_name(name: str) -> str:
    """Accept a short name of letters, digits, dot, dash and underscore."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > SOURCE_NAME_MAX:
        raise ValidationError(f"a source name needs 1 to {SOURCE_NAME_MAX} characters")
    if not all(char.isascii() and (char.isalnum() or char in "._-") for char in cleaned):
        raise ValidationError(
            f"source name {cleaned!r} may hold only letters, digits, '.', '_' and '-'"
        )
    return cleaned


def check_query(query: str) -> str:
    """Return a tracked term or hashtag, cleaned, or refuse an empty or oversize one."""
    cleaned = " ".join(query.split())
    if not cleaned or len(cleaned) > QUERY_MAX or not cleaned.isprintable():
        raise ValidationError(f"a search term needs 1 to {QUERY_MAX} printable characters")
    return cleaned


@dataclass(frozen=True, slots=True)
class ReplyLink:
    """A statement that answers an inbox item, and the approvals it needs.

    ``approvals_required`` is the playbook's lighter quorum for replies (None: the incident's
    rule). A reply made from a pre-approved template needs none while its content hash is
    still ``preapproved_hash``: any edit brings the quorum back.
    """

    statement_id: int
    item_id: int
    approvals_required: int | None = None
    template_key: str | None = None
    preapproved_hash: str = ""

    def required(self, content_hash: str, incident_default: int) -> int:
        """Return the approvals the statement needs with its current content."""
        if self.preapproved_hash and content_hash == self.preapproved_hash:
            return 0
        if self.approvals_required is not None:
            return self.approvals_required
        return incident_default
