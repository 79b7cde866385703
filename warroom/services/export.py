"""Exporting an incident log and verifying exports.

:meth:`ExportService.export` is a plain blocking function with a ``progress(done, total)``
callback, safe to run off the GUI thread (it opens its own read transaction and touches no
widgets): the window runs it through its task bridge and forwards progress as a signal.
The timeline streams from the database into the file inside that one read transaction, and
its chain is checked in the same pass, so memory stays flat however long the log. The
callback may raise :class:`~warroom.export.formats.ExportCancelled` to stop: nothing is
left behind (the file is written under a temporary name until complete).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.domain.incident_log import IncidentLog
from warroom.export.formats import ExportFormat, PageSize, Progress, no_progress
from warroom.export.json_reader import ExportCheck, verify_export_file
from warroom.services.context import ServiceContext

if TYPE_CHECKING:
    from warroom.services.signing import Keys, SigningKey

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written where."""

    path: Path
    format: ExportFormat
    entry_count: int
    head_hash: str
    size: int
    chain_ok: bool


class ExportService:
    """Incident log snapshots, exports in four formats, and export verification."""

    def __init__(self, context: ServiceContext, keys: Keys | None = None) -> None:
        self._ctx = context
        self._keys = keys

    def _signing_key(self, actor: str, incident_id: int) -> SigningKey:
        """Return ``actor``'s signing key (solo mode makes one, logged on the incident)."""
        from warroom.services.signing import Keys

        with self._ctx.db.transaction() as session:
            keys = self._keys or Keys(self._ctx.secrets)
            return keys.for_signing(session, actor, self._ctx.clock(), incident_id)

    def snapshot(self, incident_id: int, actor: str) -> IncidentLog:
        """Gather everything about an incident in one read transaction, entries in memory
        (a live verification; exports stream instead)."""
        from warroom.services.export_log import read_log

        with self._ctx.db.reading() as session:
            return read_log(session, incident_id, actor, self._ctx.clock(), in_memory=True)

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

        ``progress(done, total)`` is called from the calling thread while the entries are
        written (``done`` reaches ``total`` at the end); raising from it stops the export
        and removes the incomplete file.
        """
        from warroom.export.output_file import check_target
        from warroom.services.export_log import read_log, signed

        target = check_target(path)
        # Made (and logged) before the read: a new key is a timeline entry.
        key = self._signing_key(actor, incident_id) if export_format is ExportFormat.JSON else None
        with self._ctx.db.reading() as session:
            snapshot = read_log(session, incident_id, actor, self._ctx.clock())
            if key is not None:
                snapshot = signed(snapshot, key)
            write_with(export_format, page_size)(snapshot, target, progress)
        report = snapshot.chain()
        if not report.ok:
            log.warning(
                "exported incident %s with a broken chain: %s", incident_id, report.describe()
            )
        return ExportResult(
            target,
            export_format,
            snapshot.footer.entry_count,
            snapshot.footer.head_hash,
            target.stat().st_size,
            report.ok,
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
