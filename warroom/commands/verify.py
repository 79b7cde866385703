"""``warroom verify PATH_OR_ID``: check the hash chain of an export file or a live incident."""

from __future__ import annotations

import argparse
import sys

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` command."""
    parser = add_subparser(
        subparsers,
        "verify",
        "prove that nothing in an incident log was altered, removed or reordered",
        handler=_verify,
    )
    parser.add_argument(
        "target",
        metavar="PATH_OR_ID",
        help="a JSON export file, or the id of an incident in the database",
    )


def _verify(ctx: CommandContext) -> int:
    from pathlib import Path

    from warroom.domain.errors import NotFoundError, ValidationError
    from warroom.export.json_reader import verify_export_file

    target: str = ctx.args.target
    path = Path(target)
    if path.is_file():
        # A file needs no database: verify it without opening (or creating) one.
        check = verify_export_file(path)
        data = {
            "source": str(path),
            "ok": check.ok,
            "incident_id": check.incident_id,
            "entry_count": check.entry_count,
            "head_hash": check.head_hash,
            "broken_seq": check.broken_seq,
            "problem": check.problem,
        }
        line = check.describe()
        ok = check.ok
        label = str(path)
    elif target.strip().isdigit() and int(target) > 0:
        incident_id = int(target)
        report = ctx.services.timeline.verify(incident_id)
        data = {
            "source": f"incident {incident_id}",
            "ok": report.ok,
            "incident_id": incident_id,
            "entry_count": report.entry_count,
            "head_hash": report.head_hash,
            "broken_seq": report.broken_seq,
            "problem": report.problem,
        }
        line = report.describe()
        ok = report.ok
        label = f"incident {incident_id}"
    elif path.exists():
        raise ValidationError(f"{path} is not a file")
    else:
        raise NotFoundError(f"{target!r} is neither an export file nor an incident id")
    if ok:
        ctx.emit(data, line)
        return 0
    if ctx.as_json:
        ctx.emit(data, "")
    print(f"error: {label}: {line}", file=sys.stderr)
    return 1
