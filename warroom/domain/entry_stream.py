"""The timeline of an export as a stream: read while it is written, checked as it passes.

An incident of a million entries must export in constant memory, so no writer ever holds
the timeline: each asks an :class:`EntryStream` for the entries, one at a time, in chain
order. Every full pass checks the hash chain on the way (:class:`ChainWalk`) against the
count and head recorded on the incident, so the verdict printed at the end of the export
is about exactly the rows that were written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from warroom.domain.timeline import ChainRecord, ChainReport, ChainWalk


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """One chained entry and the numbers of the later entries that correct it."""

    record: ChainRecord
    corrected_by: tuple[int, ...] = ()


class EntryStream:
    """The entries of one incident, re-readable, each full pass verified.

    ``rows`` opens a new pass over the entries (in the storage layer: a server-side cursor
    inside the export's one read transaction); ``count`` and ``head`` are what the incident
    records, which the chain must end with.
    """

    def __init__(self, rows: Callable[[], Iterator[LoggedEntry]], count: int, head: str) -> None:
        self._rows = rows
        self.count = count
        self.head = head
        self._report: ChainReport | None = None

    @classmethod
    def of_records(cls, records: Sequence[ChainRecord], count: int, head: str) -> EntryStream:
        """Return a stream over records already in memory (small logs, tests, verify)."""
        entries = tuple(with_corrections(records))
        return cls(lambda: iter(entries), count, head)

    def __iter__(self) -> Iterator[LoggedEntry]:
        """Yield every entry, checking the chain; :meth:`report` tells the verdict after."""
        walk = ChainWalk(expected_count=self.count, expected_head=self.head)
        for entry in self._rows():
            walk.feed(entry.record)
            yield entry
        self._report = walk.report()

    def unchecked(self) -> Iterator[LoggedEntry]:
        """Yield every entry without hashing (a layout pass that writes nothing)."""
        return self._rows()

    def report(self) -> ChainReport:
        """Return the chain verdict of the last full pass (one must have been made)."""
        if self._report is None:
            raise RuntimeError("the chain verdict is known only after a full pass")
        return self._report


def with_corrections(records: Iterable[ChainRecord]) -> Iterator[LoggedEntry]:
    """Pair in-memory records with the entries correcting them (two passes over a list)."""
    records = list(records)
    fixes: dict[int, list[int]] = {}
    for record in records:
        if record.corrects_seq is not None:
            fixes.setdefault(record.corrects_seq, []).append(record.seq)
    for record in records:
        yield LoggedEntry(record, tuple(fixes.get(record.seq, ())))
