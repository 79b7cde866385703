"""``warroom verify PATH_OR_ID``: check the hash chain of an export file or a live incident."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext, print_error
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
        label = str(path)
    elif target.strip().isdigit() and int(target) > 0:
        check = ctx.services.export.verify_incident(int(target), ctx.actor)
        label = f"incident {int(target)}"
    elif path.exists():
        raise ValidationError(f"{path} is not a file")
    else:
        raise NotFoundError(f"{target!r} is neither an export file nor an incident id")
    data = {
        "source": label,
        "ok": check.ok,
        "incident_id": check.incident_id,
        "entry_count": check.entry_count,
        "head_hash": check.head_hash,
        "broken_seq": check.broken_seq,
        "problem": check.problem,
    }
    if check.ok:
        ctx.emit(data, check.describe())
        return 0
    if ctx.as_json:
        ctx.emit(data, "")
    print_error(f"{label}: {check.describe()}")
    return 1
