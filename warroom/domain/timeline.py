"""The append-only incident timeline and its tamper-evident hash chain.

Each entry's hash covers its own fields and the hash of the entry before it in the same
incident, so altering, removing or reordering any entry breaks every hash after it. The
chain's head (last sequence number and hash) is kept on the incident, which makes an append
O(1) and makes removal of the last entry detectable too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from warroom.domain.clock import iso_utc, parse_iso
from warroom.domain.errors import ValidationError
from warroom.domain.terminal_text import reject_nul

GENESIS_HASH = "0" * 64
#: ``data`` key of an entry that says when the fact happened (it was recorded later)
OCCURRED_AT = "occurred_at"
ENTRY_TEXT_MAX = 20_000


class EntryKind(StrEnum):
    """What an entry records. Services add 'status' and 'statement' entries on state changes."""

    NOTE = "note"
    DECISION = "decision"
    ACTION = "action"
    INBOUND = "inbound"
    STATEMENT = "statement"
    STATUS = "status"

    @classmethod
    def parse(cls, value: str) -> EntryKind:
        """Return the kind named ``value`` or refuse it with the list of kinds."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(kind.value for kind in cls)
            raise ValidationError(f"unknown entry kind {value!r}; use one of {names}") from None


class TimelineEvent(StrEnum):
    """What a system entry records, as ``data["event"]``: one name that the services write
    and that the review, the verifier and the exports read."""

    INCIDENT_OPENED = "incident.opened"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENT_CLOSED = "incident.closed"
    LESSONS_LEARNED = "incident.lessons_learned"
    ENTRY_CORRECTED = "entry.corrected"
    CHECKLIST_DONE = "checklist.done"
    CHECKLIST_UNDONE = "checklist.undone"
    CHECKLIST_ADDED = "checklist.added"
    CHECKLIST_ASSIGNED = "checklist.assigned"
    STATEMENT_DRAFTED = "statement.drafted"
    STATEMENT_EDITED = "statement.edited"
    STATEMENT_SUBMITTED = "statement.submitted"
    STATEMENT_APPROVED = "statement.approved"
    STATEMENT_REJECTED = "statement.rejected"
    STATEMENT_RELEASED = "statement.released"
    STATEMENT_POSTED = "statement.posted"
    STATEMENT_QUORUM = "statement.quorum"
    STATEMENT_SCHEDULED = "statement.scheduled"
    DELIVERY_SENT = "delivery.sent"
    DELIVERY_FAILED = "delivery.failed"
    DELIVERY_UNCERTAIN = "delivery.uncertain"
    DELIVERY_RESEND = "delivery.resend"
    DELIVERY_BLOCKED = "delivery.blocked"
    DELIVERY_DUPLICATE = "delivery.duplicate"
    DELIVERY_HELD = "delivery.held"
    DELIVERY_CONFIRMED = "delivery.confirmed"
    DELIVERY_WITHDRAWN = "delivery.withdrawn"
    KEY_REGISTERED = "key.registered"
    STATEMENT_REPLY = "statement.reply"
    INBOUND_ATTACHED = "inbound.attached"
    INBOUND_TRIAGED = "inbound.triaged"
    INBOUND_TRACKED = "inbound.tracked"
    INBOUND_UNTRACKED = "inbound.untracked"

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> TimelineEvent | None:
        """Return the event an entry's ``data`` records (None: a person's entry, or an event
        this version does not know)."""
        try:
            return cls(data.get("event", ""))
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One fact on the timeline. ``seq`` counts from 1 within its incident.

    ``data`` holds machine-readable details of system entries (e.g. the statement id and
    content hash an approval was bound to); it is covered by the hash like everything else.
    """

    id: int
    incident_id: int
    seq: int
    kind: EntryKind
    text: str
    author: str
    created_at: datetime
    corrects_id: int | None
    prev_hash: str
    hash: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def event(self) -> TimelineEvent | None:
        """Return the system event this entry records, if any."""
        return TimelineEvent.of(self.data)

    @property
    def occurred_at(self) -> datetime | None:
        """Return when the fact happened, if the person said (``log add --at``); the entry's
        place in the chain and ``created_at`` stay when it was recorded."""
        return occurred_at(self.data)


def occurred_at(data: Mapping[str, Any]) -> datetime | None:
    """Return the occurred-at time an entry's data carries (None: none, or unreadable)."""
    value = data.get(OCCURRED_AT)
    if not isinstance(value, str):
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class TimelinePage:
    """One page of a timeline as the window shows it, read in one transaction."""

    entries: tuple[TimelineEntry, ...]  # oldest first
    has_older: bool  # entries older than the page exist (that match the filter)
    tail_seq: int  # the newest number of the whole timeline when the page was read
    corrected: frozenset[int] = frozenset()  # ids of the page's entries a later one corrects


def validate_entry_text(text: str) -> str:
    """Return the text without outer blank space, or refuse empty or oversize text."""
    cleaned = reject_nul(text, "the entry text").strip()
    if not cleaned:
        raise ValidationError("the entry text is empty")
    if len(cleaned) > ENTRY_TEXT_MAX:
        raise ValidationError(
            f"the entry text is {len(cleaned)} characters; at most {ENTRY_TEXT_MAX}"
        )
    return cleaned


#: One encoder for every hash: ``json.dumps`` with these options builds a new encoder per
#: call, which costs more than the hashing when a million entries are verified.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_data(data: Mapping[str, Any]) -> str:
    """Serialise ``data`` deterministically (sorted keys, no spaces, UTF-8 kept)."""
    return _CANONICAL(data)


def entry_hash(
    *,
    prev_hash: str,
    incident_id: int,
    seq: int,
    kind: str,
    text: str,
    author: str,
    created_at: datetime,
    corrects_seq: int | None,
    data: Mapping[str, Any],
) -> str:
    """Return the SHA-256 (hex) of an entry chained to ``prev_hash``.

    The correction link is hashed as the corrected entry's *sequence number*, not its
    database id, so the chain can be verified from an export that carries no row ids.
    """
    return chain_hash(
        prev_hash, incident_id, seq, kind, text, author, iso_utc(created_at), corrects_seq, data
    )


def chain_hash(
    prev_hash: str,
    incident_id: int,
    seq: int,
    kind: str,
    text: str,
    author: str,
    at: str,
    corrects_seq: int | None,
    data: Mapping[str, Any],
) -> str:
    """Return :func:`entry_hash` with the time already in its canonical text (``at``, as
    :func:`~warroom.domain.clock.iso_utc` writes it): a verifier streaming a million stored
    entries skips parsing and re-rendering each time."""
    body = _CANONICAL(
        {
            "prev": prev_hash,
            "incident": incident_id,
            "seq": seq,
            "kind": kind,
            "text": text,
            "author": author,
            "at": at,
            "corrects": corrects_seq,
            "data": data if type(data) is dict else dict(data),
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainRecord:
    """The fields of one entry as found in a database or an export, for verification."""

    incident_id: int
    seq: int
    kind: str
    text: str
    author: str
    created_at: datetime
    corrects_seq: int | None
    data: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of a verification: intact, or the first broken entry and why."""

    ok: bool
    entry_count: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        """Return one line a person can act on."""
        if self.ok:
            return f"intact: {self.entry_count} entries, chain head {self.head_hash}"
        return f"broken at entry {self.broken_seq}: {self.problem}"


class ChainWalk:
    """Check a chain one record at a time, as it streams past (an export of a million
    entries verifies in the same pass that writes it, in constant memory).

    Feed every record in order with :meth:`feed`; :meth:`report` then gives the verdict.
    Once a link is broken the rest is no longer hashed (the first problem is the one named).
    """

    __slots__ = ("_count", "_expected_count", "_expected_head", "_previous", "_report")

    def __init__(
        self, *, expected_count: int | None = None, expected_head: str | None = None
    ) -> None:
        self._expected_count = expected_count
        self._expected_head = expected_head
        self._previous = GENESIS_HASH
        self._count = 0
        self._report: ChainReport | None = None

    @property
    def broken(self) -> bool:
        """Tell whether a broken link was found already."""
        return self._report is not None

    def feed(self, record: ChainRecord) -> None:
        """Check the next record against the chain so far."""
        if self._report is not None:
            return
        expected_seq = self._count + 1
        previous = self._previous
        if record.seq != expected_seq:
            problem = (
                f"expected entry {expected_seq} here but found entry {record.seq} "
                "(an entry was removed or the order changed)"
            )
            self._report = ChainReport(False, self._count, previous, expected_seq, problem)
            return
        if record.prev_hash != previous:
            problem = "its link to the previous entry does not match (entries removed or reordered)"
            self._report = ChainReport(False, self._count, previous, record.seq, problem)
            return
        recomputed = entry_hash(
            prev_hash=previous,
            incident_id=record.incident_id,
            seq=record.seq,
            kind=record.kind,
            text=record.text,
            author=record.author,
            created_at=record.created_at,
            corrects_seq=record.corrects_seq,
            data=record.data,
        )
        if recomputed != record.hash:
            problem = "its content does not match its hash (the entry was altered)"
            self._report = ChainReport(False, self._count, previous, record.seq, problem)
            return
        self._count = expected_seq
        self._previous = record.hash

    def report(self) -> ChainReport:
        """Return the verdict on the records fed so far, against the expected end."""
        if self._report is not None:
            return self._report
        count, previous = self._count, self._previous
        if self._expected_count is not None and count != self._expected_count:
            problem = f"the log ends after {count} entries but {self._expected_count} were recorded"
            return ChainReport(False, count, previous, count + 1, problem)
        if self._expected_head is not None and previous != self._expected_head:
            problem = "the recorded chain head does not match the last entry"
            return ChainReport(False, count, previous, count, problem)
        return ChainReport(True, count, previous)


def verify_chain(
    records: Iterable[ChainRecord],
    *,
    expected_count: int | None = None,
    expected_head: str | None = None,
) -> ChainReport:
    """Check that records form an unbroken chain from the genesis hash.

    ``expected_count``/``expected_head`` come from the incident (or an export's footer): they
    reveal entries removed from the end, which the chain alone cannot show.
    """
    walk = ChainWalk(expected_count=expected_count, expected_head=expected_head)
    for record in records:
        walk.feed(record)
        if walk.broken:
            break
    return walk.report()
