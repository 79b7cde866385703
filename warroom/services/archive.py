"""Sealing an incident into one archive for legal and the regulator.

The JSON export, the PDF and the CSV are written by the export writers from ONE snapshot
read in one transaction, so all three end at the same chain head; with them go the public
keys of everyone who signed anything in it, the signatures themselves, and a manifest of
every member's SHA-256 signed by the archiving person (``warroom.domain.archive_manifest``).
The archive appears only when complete (a ``.part`` file renamed at the end, 0600); a
failure or a cancel leaves nothing, and with a password no member is ever on disk in clear
except the PDF, which Qt must write to a file: it is a private temp file beside the target,
removed as soon as it is copied in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warroom import __version__
from warroom.domain.archive_manifest import SIGNATURES_NAME, ArchiveInfo
from warroom.domain.changes import Area
from warroom.domain.incident_log import IncidentLog
from warroom.export.formats import PageSize, Progress, no_progress
from warroom.services.context import ServiceContext
from warroom.storage import changes, key_repo

if TYPE_CHECKING:
    from warroom.export.archive_zip import ArchiveWriter
    from warroom.services.signing import Keys, SigningKey

log = logging.getLogger(__name__)

#: The export formats an archive holds, each written by one pass over the entries.
PASSES = 3


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    """What was sealed where."""

    path: Path
    incident_id: int
    entry_count: int
    head_hash: str
    size: int
    members: int
    encrypted: bool
    archived_by: str
    key: str
    chain_ok: bool


class ArchiveService:
    """Write sealed incident archives (verifying them needs no database: export.archive_check)."""

    def __init__(self, context: ServiceContext, keys: Keys | None = None) -> None:
        self._ctx = context
        self._keys = keys

    def _signing_key(self, actor: str, incident_id: int) -> SigningKey:
        """Return ``actor``'s signing key; solo mode makes one on first use, logged on the
        incident (a change the open windows must see)."""
        from warroom.services.signing import Keys

        with self._ctx.db.transaction() as session:
            had_key = key_repo.current(session, actor) is not None
            keys = self._keys or Keys(self._ctx.secrets)
            key = keys.for_signing(session, actor, self._ctx.clock(), incident_id)
            if not had_key:
                changes.record(session, None, Area.PEOPLE)
                changes.record(session, incident_id, Area.TIMELINE)
            return key

    def archive(
        self,
        incident_id: int,
        path: Path,
        actor: str,
        *,
        password: str | None = None,
        page_size: PageSize = PageSize.A4,
        progress: Progress = no_progress,
    ) -> ArchiveResult:
        """Write the sealed archive of ``incident_id`` to ``path`` (AES-256 with ``password``).

        ``progress(done, total)`` covers the three export passes; raising from it stops the
        archive and removes everything written so far.
        """
        from warroom.export.archive_zip import ArchiveWriter, aes_zip_module
        from warroom.export.output_file import check_target, replacing
        from warroom.services.export_log import read_log, signed

        target = check_target(path)
        if password is not None:
            aes_zip_module()  # refuse at once, before any work, when AES is not available
        key = self._signing_key(actor, incident_id)
        now = self._ctx.clock()
        with (
            replacing(target) as temp,
            ArchiveWriter(temp, when=now, password=password) as writer,
        ):
            with self._ctx.db.reading() as session:
                snapshot = signed(read_log(session, incident_id, actor, now), key)
                names = _write_exports(writer, snapshot, target, page_size, progress)
            _seal(writer, snapshot, key, names)
            members = writer.member_count
        report = snapshot.chain()
        if not report.ok:
            log.warning(
                "archived incident %s with a broken chain: %s", incident_id, report.describe()
            )
        return ArchiveResult(
            path=target,
            incident_id=incident_id,
            entry_count=snapshot.footer.entry_count,
            head_hash=snapshot.footer.head_hash,
            size=target.stat().st_size,
            members=members,
            encrypted=password is not None,
            archived_by=actor,
            key=key.public.fingerprint,
            chain_ok=report.ok,
        )


def _part(progress: Progress, index: int) -> Progress:
    """Return the progress callback of pass ``index`` of :data:`PASSES`, in thousandths."""

    def report(done: int, total: int) -> None:
        share = 1000 if total <= 0 else min(1000, done * 1000 // total)
        progress(index * 1000 + share, PASSES * 1000)

    return report


def _write_exports(
    writer: ArchiveWriter,
    snapshot: IncidentLog,
    target: Path,
    page_size: PageSize,
    progress: Progress,
) -> tuple[str, str, str]:
    """Write the JSON, CSV and PDF members; return their names (JSON, PDF, CSV)."""
    from warroom.export.csv_writer import write_csv
    from warroom.export.json_writer import write_json
    from warroom.export.output_file import scratch_file
    from warroom.export.pdf import write_pdf

    stem = f"incident-{snapshot.incident.id}"
    names = (f"{stem}.json", f"{stem}.pdf", f"{stem}.csv")
    with writer.text_member(names[0], newline="\n") as stream:
        write_json(snapshot, stream, _part(progress, 0))
    with writer.text_member(names[2], newline="") as stream:
        write_csv(snapshot, stream, _part(progress, 1))
    with scratch_file(target) as pdf:
        write_pdf(snapshot, pdf, page_size=page_size, progress=_part(progress, 2))
        writer.add_file(names[1], pdf)
    return names


def _seal(
    writer: ArchiveWriter, snapshot: IncidentLog, key: SigningKey, names: tuple[str, str, str]
) -> None:
    """Add the keys and signatures, then the signed manifest."""
    from warroom.export.archive_members import included_keys, pem_bytes, signatures_bytes

    keys = included_keys(snapshot)
    for included in keys:
        writer.add_bytes(included.member, pem_bytes(included.public_key))
    writer.add_bytes(SIGNATURES_NAME, signatures_bytes(snapshot, names[0]))
    info = ArchiveInfo(
        incident_id=snapshot.incident.id,
        title=snapshot.incident.title,
        entry_count=snapshot.footer.entry_count,
        head_hash=snapshot.footer.head_hash,
        archived_at=snapshot.exported_at,
        archived_by=snapshot.exported_by,
        key=key.public.fingerprint,
        public_key=key.public.public_key,
        generator=f"warroom {__version__}",
        export=names[0],
        pdf=names[1],
        csv=names[2],
        keys=keys,
    )
    writer.seal(info, key.sign)
