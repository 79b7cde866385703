"""One verification of a live incident, whatever reads its rows: the checks and the verdict.

The same verdict as verifying the incident's export: the hash chain, its end against the
incident's recorded head, then every exported field of the incident header and statements
against what the chain records (:mod:`warroom.domain.chain_state`, compared by
:mod:`warroom.export.chain_check`). Only the entries that record the header, statements and
keys are kept while the rows stream past.

The rows come through :class:`VerifyReads`: the SQLAlchemy session of the services
(:mod:`warroom.services.incident_verify`), or the standard ``sqlite3`` module on a plain
embedded file (:mod:`warroom.services.quick_verify`, so that ``warroom verify --incident``
after one new entry does not pay for importing SQLAlchemy). Nothing here imports SQLAlchemy,
so both run exactly these checks.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from warroom.domain.chain_state import ChainState, derive
from warroom.domain.chain_walk import (
    ChainRow,
    RowWalk,
    VerifyCheckpoint,
    has_event,
    records_state,
    row_hash,
    to_record,
)
from warroom.domain.clock import iso_utc
from warroom.domain.incidents import Incident
from warroom.domain.json_mapping import incident_json, statement_json
from warroom.domain.statement_record import StatementRecord
from warroom.domain.timeline import ChainRecord
from warroom.export.chain_check import fields_problem
from warroom.export.export_check import ExportCheck

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 10_000

INCREMENTAL_NOTE = (
    "the entries up to #{head} were proven when the checkpoint was saved ({when}, by {who}), "
    "not now: the checkpoint is kept in the same database, so whoever can write the database "
    "file could change an older entry and the checkpoint together; --full proves every entry"
)


class VerifyReads(Protocol):
    """What a verification reads, in one snapshot of the database."""

    def rows(self, incident_id: int, *, after: int = 0) -> Generator[ChainRow, None, None]:
        """Yield the entries numbered above ``after`` in order, streaming."""

    def rows_at(self, incident_id: int, seqs: Iterable[int]) -> list[ChainRow]:
        """Return the entries with these numbers (those that exist), in order."""

    def statement_records(self, incident_id: int) -> list[StatementRecord]:
        """Return the incident's statements, oldest first, each with every revision (no
        delivery receipts: the chain check does not compare them)."""


@dataclass(frozen=True)
class IncidentVerdict:
    """A verification of a live incident: the verdict and how much was rechecked."""

    check: ExportCheck
    full: bool
    #: the checkpoint this verification started from (None: every entry was rechecked)
    started_from: VerifyCheckpoint | None
    #: entries whose chain link and content were recomputed now
    rechecked: int
    seconds: float
    #: the checkpoint saved by this verification (None: none saved, see ``not_saved``)
    saved: VerifyCheckpoint | None = None
    not_saved: str = ""

    @property
    def entries_per_second(self) -> float:
        """Return how fast the entries were rechecked."""
        return self.rechecked / self.seconds if self.seconds > 0 else 0.0

    def describe_scope(self) -> str:
        """Return one line saying what was rechecked, and what an incremental run relies on."""
        if self.started_from is None:
            text = (
                f"full: {self.rechecked:,} entries rechecked in {self.seconds:.2f} s "
                f"({self.entries_per_second:,.0f} entries/s)"
            )
        else:
            point = self.started_from
            text = (
                f"incremental: {self.rechecked:,} new entries after #{point.entry_count} "
                f"rechecked, the head entry and every field; "
                + INCREMENTAL_NOTE.format(
                    head=point.entry_count, when=iso_utc(point.verified_at), who=point.verified_by
                )
            )
        if self.check.ok and self.saved is None and self.not_saved:
            text += f" (no checkpoint saved: {self.not_saved})"
        return text


class VerifyRun:
    """One verification's reading and checking, in the caller's read snapshot."""

    def __init__(
        self,
        reads: VerifyReads,
        incident: Incident,
        point: VerifyCheckpoint | None,
        progress: Progress | None,
    ) -> None:
        self._reads = reads
        self._incident = incident
        self._point = point
        self._progress = progress
        self.rechecked = 0
        self._kept: list[ChainRow] = []  # entries with events (full), state entries (else)
        self._state: ChainState | None = None

    def check(self) -> ExportCheck:
        """Return the verdict: the chain (from the checkpoint, if any), its end against the
        incident's recorded head, then every exported field against what the chain records."""
        incident = self._incident
        base = ExportCheck(True, incident.id, incident.title, 0, "")
        walk = self._start(self._point)
        if walk.broken_seq is None:
            self._walk(walk)
        report = walk.report(expected_count=incident.entry_count, expected_head=incident.head_hash)
        base = replace(base, entry_count=report.entry_count, head_hash=report.head_hash)
        if not report.ok:
            return replace(base, ok=False, broken_seq=report.broken_seq, problem=report.problem)
        return self._fields(base)

    def _start(self, point: VerifyCheckpoint | None) -> RowWalk:
        """Return a walk from the first entry, or from the checkpoint's head once the head
        entry and the kept state entries before it are found unchanged."""
        incident_id = self._incident.id
        if point is None:
            return RowWalk(incident_id)
        walk = RowWalk(incident_id, after=point.entry_count, head=point.head_hash)
        when = iso_utc(point.verified_at)
        if point.entry_count > self._incident.entry_count:
            walk.count = self._incident.entry_count
            walk.fail(
                self._incident.entry_count + 1,
                f"the log ends after {self._incident.entry_count} entries but entry "
                f"{point.entry_count} was verified on {when} (entries were removed since)",
            )
            return walk
        wanted = {point.entry_count, *point.event_seqs}
        found = {row[0]: row for row in self._reads.rows_at(incident_id, wanted)}
        head = found.get(point.entry_count)
        if head is None or head[8] != point.head_hash or row_hash(incident_id, head) != head[8]:
            walk.fail(
                point.entry_count,
                f"it no longer matches the head verified on {when} (the entry, or the "
                "checkpoint, was changed since; run with --full)",
            )
            return walk
        for seq in sorted(point.event_seqs):
            row = found.get(seq)
            if row is None or row_hash(incident_id, row) != row[8]:
                walk.fail(
                    seq,
                    f"it was verified on {when} but is missing or altered since (run with --full)",
                )
                return walk
            self._kept.append(row)
        return walk

    def _walk(self, walk: RowWalk) -> None:
        """Stream the entries after the walk's head and check each; keep the needed ones."""
        keep = has_event if self._point is None else records_state
        total = max(self._incident.entry_count - walk.count, 1)
        with closing(self._reads.rows(self._incident.id, after=walk.count)) as rows:
            for row in rows:
                if not walk.step(row):
                    return
                self.rechecked += 1
                if keep(row):
                    self._kept.append(row)
                if self._progress is not None and self.rechecked % PROGRESS_EVERY == 0:
                    self._progress(min(self.rechecked, total), total)

    def _records(self) -> list[ChainRecord]:
        incident_id = self._incident.id
        return [to_record(incident_id, row) for row in self._kept]

    def _fields(self, base: ExportCheck) -> ExportCheck:
        """Compare the incident header and statements with what the chain records, as the
        verification of an export does (``export.json_reader.check_document``)."""
        incident = self._incident
        state = self._state = derive(self._records())
        document = {
            "incident": incident_json(incident),
            "statements": [
                statement_json(record) for record in self._reads.statement_records(incident.id)
            ],
        }
        found = fields_problem(document, state, incident.id)
        base = replace(base, warnings=found.warnings, approval_keys=found.approval_keys)
        if found.problem is not None:
            seq, problem = found.problem
            return replace(base, ok=False, broken_seq=seq, problem=problem)
        return base

    def state_seqs(self) -> tuple[int, ...]:
        """Return the numbers of the state entries up to the head just proven."""
        return tuple(row[0] for row in self._kept if records_state(row))

    def state_entries_suffice(self) -> bool:
        """Tell whether the state entries alone give what all the event entries give (so a
        later run may re-read only those); always so from a checkpoint."""
        if self._point is not None:
            return True
        incident_id = self._incident.id
        subset = [to_record(incident_id, row) for row in self._kept if records_state(row)]
        return derive(subset) == (self._state or derive(self._records()))


def next_checkpoint(
    verdict: IncidentVerdict, run: VerifyRun, now: datetime, actor: str
) -> VerifyCheckpoint:
    """Return the checkpoint an intact verdict lets the next verification start from."""
    check = verdict.check
    return VerifyCheckpoint(
        check.incident_id, check.entry_count, check.head_hash, run.state_seqs(), now, actor
    )
