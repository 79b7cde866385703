"""Exporting an incident log and verifying exports.

:meth:`ExportService.export` is a plain blocking function with a ``progress(done, total)``
callback, safe to run off the GUI thread (it opens its own read transaction and touches no
widgets): the window runs it through its task bridge and forwards progress as a signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from warroom import __version__
from warroom.domain.clocks import (
    cadence_clock,
    promise_clock,
    regulator_clock,
    regulator_deadline,
)
from warroom.domain.incident_log import (
    Clocks,
    Footer,
    FooterSignature,
    IncidentLog,
    StatementRecord,
    people_and_roles,
)
from warroom.domain.review import build_review
from warroom.domain.timeline import ChainRecord, verify_chain
from warroom.domain.trust import footer_document
from warroom.export.formats import ExportFormat, PageSize, Progress, no_progress
from warroom.export.json_reader import ExportCheck, verify_export_file
from warroom.services.context import ServiceContext
from warroom.storage import (
    checklist_repo,
    incident_repo,
    key_repo,
    outbox_repo,
    statement_repo,
    timeline_repo,
)

if TYPE_CHECKING:
    from warroom.services.signing import Keys

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1000


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written where."""

    path: Path
    format: ExportFormat
    entry_count: int
    head_hash: str
    size: int
    chain_ok: bool


def _scaled(progress: Progress, offset: int, total: int) -> Progress:
    """Map a phase's (done, of) onto the whole export's (done, total)."""

    def report(done: int, of: int) -> None:
        share = done * (total // 2) // of if of else total // 2
        progress(offset + share, total)

    return report


class ExportService:
    """Incident log snapshots, exports in four formats, and export verification."""

    def __init__(self, context: ServiceContext, keys: Keys | None = None) -> None:
        self._ctx = context
        self._keys = keys

    def _signing_key(self, actor: str, incident_id: int) -> None:
        """Make sure ``actor`` has a usable signing key (solo mode makes one)."""
        from warroom.services.signing import Keys

        with self._ctx.db.transaction() as session:
            keys = self._keys or Keys(self._ctx.secrets)
            keys.for_signing(session, actor, self._ctx.clock(), incident_id)

    def snapshot(
        self, incident_id: int, actor: str, progress: Progress = no_progress
    ) -> IncidentLog:
        """Gather everything about an incident in one read transaction."""
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            expected = max(incident.entry_count, 1)
            entries: list[ChainRecord] = []
            for record in timeline_repo.chain_records(session, incident_id):
                entries.append(record)
                if len(entries) % PROGRESS_EVERY == 0:
                    progress(min(len(entries), expected), expected)
            statements = statement_repo.list_for_incident(session, incident_id)
            deliveries = outbox_repo.list_rows(session, incident_id=incident_id)
            records = tuple(
                StatementRecord(
                    statement,
                    tuple(statement_repo.revisions(session, statement.id)),
                    tuple(row for row in deliveries if row.statement_id == statement.id),
                )
                for statement in statements
            )
            checklist = checklist_repo.list_for_incident(session, incident_id)
            window, label = incident_repo.regulator_deadline(session, incident_id)
            used = {a.key for s in statements for a in s.approvals if a.key}
            keys = key_repo.by_fingerprints(session, used)
        now = self._ctx.clock()
        report = verify_chain(
            entries, expected_count=incident.entry_count, expected_head=incident.head_hash
        )
        if not report.ok:
            log.warning(
                "exporting incident %s with a broken chain: %s", incident_id, report.describe()
            )
        regulator = regulator_deadline(incident, window, label, checklist)
        clocks = Clocks(
            cadence=cadence_clock(incident, statements, now),
            promise=promise_clock(statements, now),
            # Notifying the regulator stops its clock; closing ends every clock.
            regulator=regulator_clock(
                regulator.due_at, now, done=regulator.is_notified or not incident.is_open
            ),
            regulator_deadline=regulator,
        )
        progress(expected, expected)
        return IncidentLog(
            incident=incident,
            exported_at=now,
            exported_by=actor,
            generator=f"warroom {__version__}",
            people=tuple(people_and_roles(incident, entries, statements, checklist)),
            entries=entries,
            statements=records,
            checklist=tuple(checklist),
            clocks=clocks,
            review=build_review(incident, statements, entries, deliveries, checklist, now),
            footer=Footer(
                incident.entry_count,
                incident.head_hash,
                report.ok,
                "" if report.ok else report.describe(),
                tuple((s.id, s.content_hash) for s in statements),
            ),
            keys=tuple(sorted(keys.values(), key=lambda k: (k.created_at, k.fingerprint))),
        )

    def _signed(self, log: IncidentLog, actor: str) -> IncidentLog:
        """Return ``log`` with the exporting person's signature over its footer."""
        from warroom.services.signing import Keys

        with self._ctx.db.transaction() as session:
            signer = self._keys or Keys(self._ctx.secrets)
            key = signer.for_signing(session, actor, self._ctx.clock())
        document = footer_document(
            incident_id=log.incident.id,
            entry_count=log.footer.entry_count,
            head_hash=log.footer.head_hash,
            statement_hashes=dict(log.footer.statement_hashes),
            exported_at=log.exported_at,
            exported_by=log.exported_by,
            key=key.public.fingerprint,
        )
        signature = FooterSignature(
            key.public.fingerprint, key.public.public_key, key.sign(document)
        )
        keys = {k.fingerprint: k for k in (*log.keys, key.public)}
        return replace(
            log,
            footer=replace(log.footer, signature=signature),
            keys=tuple(sorted(keys.values(), key=lambda k: (k.created_at, k.fingerprint))),
        )

    def export(
        self,
        incident_id: int,
        path: Path,
        export_format: ExportFormat,
        actor: str,
        *,
        page_size: PageSize = PageSize.A4,
        progress: Progress = no_progress,
    ) -> ExportResult:
        """Write the incident log to ``path``; the file appears only when complete.

        ``progress(done, total)`` is called from the calling thread, first while reading
        the database, then while writing (``done`` reaches ``total`` at the end).
        """
        from warroom.export.output_file import check_target

        target = check_target(path)
        total = 2 * 1000
        if export_format is ExportFormat.JSON:
            # Made (and logged) before the snapshot: a new key is a timeline entry.
            self._signing_key(actor, incident_id)
        snapshot = self.snapshot(incident_id, actor, _scaled(progress, 0, total))
        if export_format is ExportFormat.JSON:
            snapshot = self._signed(snapshot, actor)
        write_with(export_format, page_size)(snapshot, target, _scaled(progress, total // 2, total))
        progress(total, total)
        return ExportResult(
            target,
            export_format,
            snapshot.footer.entry_count,
            snapshot.footer.head_hash,
            target.stat().st_size,
            snapshot.footer.chain_ok,
        )

    def verify_file(self, path: Path, trusted: Collection[str] = ()) -> ExportCheck:
        """Verify a JSON export file (no database needed); ``trusted``: key fingerprints
        one of which must have signed it."""
        return verify_export_file(path, trusted)

    def verify_incident(self, incident_id: int, actor: str = "verify") -> ExportCheck:
        """Verify a live incident exactly as its export would be verified, every entry.

        Beyond the hash chain (``TimelineService.verify``), every exported field is
        recomputed from the chain: a direct edit of the incident, statements, approvals or
        revisions tables, or a deleted statement, is caught too. Nothing is signed, so
        the footer signature is not asked for. Streamed, in constant memory (see
        :mod:`warroom.services.incident_verify`).
        """
        from warroom.services.incident_verify import IncidentVerifier

        return IncidentVerifier(self._ctx).verify(incident_id, actor, full=True).check


Writer = Callable[[IncidentLog, Path, Progress], None]


def write_with(export_format: ExportFormat, page_size: PageSize = PageSize.A4) -> Writer:
    """Return the function that writes ``export_format`` to a path, atomically."""
    from warroom.export.output_file import replacing, replacing_text

    def text_writer(newline: str | None) -> Writer:
        def write(snapshot: IncidentLog, path: Path, progress: Progress) -> None:
            with replacing_text(path, newline=newline) as stream:
                writer(snapshot, stream, progress)

        return write

    if export_format is ExportFormat.PDF:

        def write_pdf(snapshot: IncidentLog, path: Path, progress: Progress) -> None:
            from warroom.export.pdf import write_pdf as render

            with replacing(path) as temp:
                render(snapshot, temp, page_size=page_size, progress=progress)

        return write_pdf
    if export_format is ExportFormat.JSON:
        from warroom.export.json_writer import write_json as writer
    elif export_format is ExportFormat.CSV:
        from warroom.export.csv_writer import write_csv as writer
    else:
        from warroom.export.markdown import write_markdown as writer
    return text_writer("" if export_format is ExportFormat.CSV else "\n")
