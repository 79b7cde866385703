"""Verifying a stored chain one entry at a time, from the first entry or from a checkpoint.

:func:`~warroom.domain.timeline.verify_chain` takes whole :class:`ChainRecord` objects; a
verifier streaming a million stored entries walks plain rows instead (:data:`ChainRow`, the
time already in its canonical text), keeps only the entries that record the incident header,
statements and keys (for :mod:`warroom.domain.chain_state`), and may start after a
checkpoint: the head of the chain that an earlier verification proved.

What a checkpoint proves, plainly: an incremental verification shows that the entries after
the checkpoint extend the head verified then, and that the head entry itself is unchanged.
The entries before it were proven when the checkpoint was made, not now: the checkpoint is
kept in the same database, so whoever can write the database file can change an old entry
and the checkpoint together. A full verification proves every entry again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.clock import parse_iso
from warroom.domain.timeline import GENESIS_HASH, ChainRecord, ChainReport, chain_hash

#: One stored entry as the verifier reads it: seq, kind, text, author, time (canonical
#: text), corrects_seq, data, prev_hash, hash.
ChainRow = tuple[int, str, str, str, str, int | None, Mapping[str, Any], str, str]

#: The events :mod:`warroom.domain.chain_state` derives the incident header, statements and
#: keys from (by prefix); the first entry, which opens the incident, always counts too.
STATE_EVENT_PREFIXES = ("incident.", "statement.", "key.")


@dataclass(frozen=True, slots=True)
class VerifyCheckpoint:
    """The head of an incident's chain that a verification proved, and when."""

    incident_id: int
    entry_count: int
    head_hash: str
    #: numbers of the entries up to the head that record header, statements or keys
    event_seqs: tuple[int, ...]
    verified_at: datetime
    verified_by: str


def records_state(row: ChainRow) -> bool:
    """Tell whether an entry is one :mod:`~warroom.domain.chain_state` derives from."""
    if row[0] == 1:
        return True
    event = row[6].get("event")
    return isinstance(event, str) and event.startswith(STATE_EVENT_PREFIXES)


def has_event(row: ChainRow) -> bool:
    """Tell whether an entry records a system event (or opens the incident)."""
    return row[0] == 1 or isinstance(row[6].get("event"), str)


def row_hash(incident_id: int, row: ChainRow) -> str:
    """Return the hash ``row``'s own fields and its stored link give."""
    seq, kind, text, author, at, corrects, data, prev_hash, _digest = row
    return chain_hash(prev_hash, incident_id, seq, kind, text, author, at, corrects, data)


def to_record(incident_id: int, row: ChainRow) -> ChainRecord:
    """Return the full record of a row (for chain_state)."""
    seq, kind, text, author, at, corrects, data, prev_hash, digest = row
    return ChainRecord(
        incident_id, seq, kind, text, author, parse_iso(at), corrects, data, prev_hash, digest
    )


class RowWalk:
    """Checks rows in sequence order, each linked to the one before, as verify_chain does.

    The plain-row twin of :class:`~warroom.domain.timeline.ChainWalk` (which takes whole
    records): it can start after a proven head, and it skips building a record per entry."""

    def __init__(self, incident_id: int, *, after: int = 0, head: str = GENESIS_HASH) -> None:
        self.incident_id = incident_id
        self.count = after  # entries proven so far (the last one's number)
        self.head = head  # the last proven entry's hash
        self.broken_seq: int | None = None
        self.problem = ""

    def step(self, row: ChainRow) -> bool:
        """Check the next row; False (with :attr:`problem`) at the first broken link."""
        seq, kind, text, author, at, corrects, data, prev_hash, digest = row
        expected = self.count + 1
        if seq != expected:
            return self.fail(
                expected,
                f"expected entry {expected} here but found entry {seq} "
                "(an entry was removed or the order changed)",
            )
        if prev_hash != self.head:
            return self.fail(
                seq, "its link to the previous entry does not match (entries removed or reordered)"
            )
        if chain_hash(self.head, self.incident_id, seq, kind, text, author, at, corrects, data) != (
            digest
        ):
            return self.fail(seq, "its content does not match its hash (the entry was altered)")
        self.head = digest
        self.count = seq
        return True

    def fail(self, seq: int, problem: str) -> bool:
        """Stop the walk at entry ``seq`` for ``problem``; return False."""
        self.broken_seq = seq
        self.problem = problem
        return False

    def report(self, *, expected_count: int, expected_head: str) -> ChainReport:
        """Return the verdict, checking the end of the chain against the incident's head."""
        if self.broken_seq is not None:
            return ChainReport(False, self.count, self.head, self.broken_seq, self.problem)
        if self.count != expected_count:
            problem = f"the log ends after {self.count} entries but {expected_count} were recorded"
            return ChainReport(False, self.count, self.head, self.count + 1, problem)
        if self.head != expected_head:
            problem = "the recorded chain head does not match the last entry"
            return ChainReport(False, self.count, self.head, self.count, problem)
        return ChainReport(True, self.count, self.head)
