"""``warroom verify PATH | --incident ID [--full] [--trust FINGERPRINT]``: check an export or
an incident.

A ``PATH`` that starts like a zip is a sealed archive (``warroom archive``), checked by
:mod:`warroom.commands.archive_verify`, with ``--password-file``/``--password-stdin`` when
it is encrypted.

``PATH`` is an export file; ``--incident ID`` is an incident in the live database. A bare
number keeps meaning an incident only when no file of that name exists, and the output
always says which of the two was checked. The target is resolved first (:func:`target`),
then checked (:func:`check`), so that options such as a trusted key or a fuller check can
be added to either step.

A live incident is checked from its checkpoint (the head the last verification proved):
the entries after it, the head entry itself and every field. The output says so, and what
that leaves to ``--full``: the checkpoint lives in the same database as the entries, so
whoever can write that file can change an older entry and the checkpoint together.
``--full`` rechecks every entry (and reports entries/s). An export file is always checked
in full.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.commands.archive_password import add_password_options
from warroom.commands.base import CommandContext, print_error, print_warning
from warroom.commands.parsing import add_subparser, positive_id

if TYPE_CHECKING:
    from warroom.export.export_check import ExportCheck
    from warroom.services.incident_verify import IncidentVerdict


@dataclass(frozen=True)
class Target:
    """What to verify: an export file or a live incident, and how to name it for people."""

    path: Path | None = None
    incident_id: int | None = None
    note: str = ""

    @property
    def label(self) -> str:
        """Return 'incident N' or the file's path (the prefix of an error line)."""
        return f"incident {self.incident_id}" if self.path is None else str(self.path)

    @property
    def checked(self) -> str:
        """Return what was checked, in words."""
        if self.path is None:
            return f"checked incident {self.incident_id} in the live database{self.note}"
        return f"checked the file {self.path}"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` command."""
    parser = add_subparser(
        subparsers,
        "verify",
        "prove that nothing in an incident log was altered, removed or reordered",
        handler=_verify,
    )
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a JSON export file or a sealed archive (a bare number is an incident id when no "
        "such file exists)",
    )
    parser.add_argument(
        "--incident", type=positive_id, metavar="ID", help="check an incident in the database"
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="recheck every entry of the incident, not only those after the last verified "
        "head (an export file is always checked in full)",
    )
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="FINGERPRINT",
        help="require that the export (or archive) was signed by this key (repeatable)",
    )
    add_password_options(parser, "of an encrypted archive")


def target(ctx: CommandContext) -> Target:
    """Decide what the arguments name, refusing none or both."""
    from warroom.domain.errors import NotFoundError, UsageError, ValidationError

    given: str | None = ctx.args.path
    if ctx.args.incident is not None:
        if given is not None:
            raise UsageError("give either PATH or --incident ID, not both")
        return Target(incident_id=ctx.args.incident)
    if given is None:
        raise UsageError("give an export file (PATH) or --incident ID")
    path = Path(given)
    if path.is_file():
        return Target(path=path)
    if path.exists():
        raise ValidationError(f"{path} is not a file")
    if given.strip().isdigit():
        number = positive_id(given.strip())
        return Target(incident_id=number, note=f" (no file named {given!r} here)")
    raise NotFoundError(f"{given!r} is neither an export file nor an incident id")


def check(ctx: CommandContext, what: Target) -> ExportCheck:
    """Verify the file (no database opened or created) or the live incident."""
    return _check(ctx, what)[0]


def _check(ctx: CommandContext, what: Target) -> tuple[ExportCheck, IncidentVerdict | None]:
    from warroom.domain.errors import ValidationError

    if what.path is not None:
        from warroom.export.json_reader import verify_export_file

        return verify_export_file(what.path, ctx.args.trust), None
    if ctx.args.trust:
        raise ValidationError("--trust checks the signature of an export file, not a live incident")
    assert what.incident_id is not None
    verdict = None if ctx.args.full else _from_checkpoint(ctx, what.incident_id)
    if verdict is None:
        verdict = ctx.services.verification.verify(what.incident_id, ctx.actor, full=ctx.args.full)
    return verdict.check, verdict


def _from_checkpoint(ctx: CommandContext, incident_id: int) -> IncidentVerdict | None:
    """Return the incremental verdict of the embedded file read without SQLAlchemy, or None
    where that path does not apply (see :mod:`warroom.services.quick_verify`)."""
    if not ctx.quick_paths_open():
        return None
    from warroom.services.quick_verify import verify_from_checkpoint

    return verify_from_checkpoint(ctx.db_url, incident_id, ctx.requested_actor)


def _verify(ctx: CommandContext) -> int:
    what = target(ctx)
    if what.path is not None:
        from warroom.export.archive_read import is_zip_file

        if is_zip_file(what.path):
            from warroom.commands.archive_verify import verify_archive

            return verify_archive(ctx, what.path)
    if ctx.args.password_file is not None or ctx.args.password_stdin:
        from warroom.domain.errors import UsageError

        raise UsageError("a password is only needed to verify an encrypted archive")
    result, verdict = _check(ctx, what)
    data = {
        "source": what.label,
        "checked": "file" if what.path is not None else "incident",
        "ok": result.ok,
        "incident_id": result.incident_id,
        "entry_count": result.entry_count,
        "head_hash": result.head_hash,
        "broken_seq": result.broken_seq,
        "problem": result.problem,
        **trust_json(result),
        **(scope_json(verdict) if verdict is not None else {}),
    }
    for warning in result.warnings:
        print_warning(warning)
    scope = f"{verdict.describe_scope()}\n" if verdict is not None else ""
    if result.ok:
        verdict_text = human_verdict(result, trusted=bool(ctx.args.trust))
        ctx.emit(data, f"{verdict_text}\n{scope}{what.checked}")
        return 0
    if ctx.as_json:
        ctx.emit(data, "")
    print_error(f"{what.label}: {result.describe()} ({what.checked})")
    if verdict is not None and verdict.started_from is not None and not ctx.as_json:
        print_warning(verdict.describe_scope())
    return 1


def scope_json(verdict: IncidentVerdict) -> dict[str, Any]:
    """Return how much of a live incident was rechecked, and from which checkpoint."""
    from warroom.domain.clock import iso_utc

    def point_json(point: Any) -> dict[str, Any] | None:
        if point is None:
            return None
        return {
            "entry_count": point.entry_count,
            "head_hash": point.head_hash,
            "verified_at": iso_utc(point.verified_at),
            "verified_by": point.verified_by,
        }

    return {
        "mode": "full" if verdict.started_from is None else "incremental",
        "checkpoint": point_json(verdict.started_from),
        "entries_rechecked": verdict.rechecked,
        "seconds": round(verdict.seconds, 6),
        "entries_per_second": round(verdict.entries_per_second, 1),
        "checkpoint_saved": point_json(verdict.saved),
    }


def trust_json(check: ExportCheck) -> dict[str, Any]:
    """Return who signed and which keys the verdict relied on, for ``--json``."""
    return {
        "signed_by": check.signer or None,
        "key": check.signer_key or None,
        "approval_keys": [{"person": p, "key": k} for p, k in check.approval_keys],
        "warnings": list(check.warnings),
    }


def human_verdict(check: ExportCheck, *, trusted: bool) -> str:
    """Return the verdict, and without --trust the fingerprints it relied on."""
    text = check.describe()
    if not trusted and (check.signer_key or check.approval_keys):
        text += "\n" + check.keys_relied_on()
        if check.signer_key:
            text += f"\n(to require this exporter: --trust {check.signer_key})"
    return text
