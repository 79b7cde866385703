"""Verifying a live incident at any size: streamed, in constant memory, from a checkpoint.

The same verdict as verifying the incident's export (``ExportService.verify_incident`` used
to build that whole document in memory); the checks are :class:`~warroom.services.verify_run.
VerifyRun`'s. Here the rows are streamed through the services' session and hashed without
ORM objects (:mod:`warroom.storage.chain_read`).

Incremental by default: a verification that finds the incident intact saves a checkpoint
(the head it proved, see :class:`~warroom.domain.chain_walk.VerifyCheckpoint`), and the
next one rechecks only the entries after it, that the head entry is unchanged, and every
field. What that does and does not prove is said in :data:`INCREMENTAL_NOTE`; ``full=True``
proves every entry again (and replaces the checkpoint).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterable
from dataclasses import replace

from warroom.domain.chain_walk import ChainRow
from warroom.domain.errors import StorageError
from warroom.domain.statement_record import StatementRecord
from warroom.services.context import ServiceContext
from warroom.services.verify_run import (
    INCREMENTAL_NOTE,
    IncidentVerdict,
    Progress,
    VerifyRun,
    next_checkpoint,
)
from warroom.storage import chain_read, incident_repo, statement_repo
from warroom.storage.database import Session

__all__ = ["INCREMENTAL_NOTE", "IncidentVerdict", "IncidentVerifier"]

log = logging.getLogger(__name__)


class _SessionReads:
    """A verification's reads through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def rows(self, incident_id: int, *, after: int = 0) -> Generator[ChainRow, None, None]:
        return chain_read.rows(self._session, incident_id, after=after)

    def rows_at(self, incident_id: int, seqs: Iterable[int]) -> list[ChainRow]:
        return chain_read.rows_at(self._session, incident_id, seqs)

    def statement_records(self, incident_id: int) -> list[StatementRecord]:
        session = self._session
        return [
            StatementRecord(s, tuple(statement_repo.revisions(session, s.id)), ())
            for s in statement_repo.list_for_incident(session, incident_id)
        ]


class IncidentVerifier:
    """Verifies live incidents, in full or from their checkpoint."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def verify(
        self,
        incident_id: int,
        actor: str = "verify",
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> IncidentVerdict:
        """Verify ``incident_id``: from its checkpoint unless ``full`` (or there is none)."""
        started = time.perf_counter()
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            point = None if full else chain_read.checkpoint(session, incident_id)
            run = VerifyRun(_SessionReads(session), incident, point, progress)
            check = run.check()
        verdict = IncidentVerdict(
            check, point is None, point, run.rechecked, time.perf_counter() - started
        )
        if check.ok:
            verdict = self._keep(verdict, run, actor)
        return verdict

    def _keep(self, verdict: IncidentVerdict, run: VerifyRun, actor: str) -> IncidentVerdict:
        """Save the head just proven as the checkpoint (when the entries kept are enough to
        check every field from it)."""
        if self._ctx.db.read_only:
            return replace(verdict, not_saved="the database is read-only")
        point = next_checkpoint(verdict, run, self._ctx.clock(), actor)
        try:
            with self._ctx.db.transaction() as session:
                if run.state_entries_suffice():
                    chain_read.save_checkpoint(session, point)
                else:
                    chain_read.drop_checkpoint(session, point.incident_id)
        except StorageError as error:  # e.g. a login that may only read
            log.warning("verify checkpoint of incident %s not saved: %s", point.incident_id, error)
            return replace(verdict, not_saved=str(error))
        if not run.state_entries_suffice():
            return replace(verdict, not_saved="this chain needs a full check each time")
        return replace(verdict, saved=point)
