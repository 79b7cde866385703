"""``warroom restore FILE [--force] [--dry-run]``: put a verified backup in place."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext, print_text
from warroom.commands.parsing import add_subparser

if TYPE_CHECKING:
    from warroom.services.restore import RestorePlan


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``restore`` command."""
    parser = add_subparser(
        subparsers,
        "restore",
        "verify a backup, show how it differs from the database, and restore it",
        handler=_restore,
    )
    parser.add_argument("file", metavar="FILE", help="a backup written by 'warroom backup'")
    parser.add_argument(
        "--force",
        action="store_true",
        help="restore even though the database has entries the backup lacks",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="only verify and compare; change nothing"
    )


def _restore(ctx: CommandContext) -> int:
    from pathlib import Path

    path = Path(ctx.args.file)
    restore = ctx.services.restore
    if ctx.args.dry_run:
        plan = restore.plan(path)
        ctx.emit(plan_json(plan), lambda: "\n".join(plan.describe()))
        return 0

    def show(plan: RestorePlan) -> None:
        # What the backup holds and how it differs, before anything is decided: a refusal
        # (one line on stderr) then explains itself.
        if not ctx.as_json:
            print_text("\n".join(plan.describe()), flush=True)

    result = restore.restore(path, force=ctx.args.force, on_plan=show)
    data = {**plan_json(result.plan), "kept": str(result.kept), "rows": result.rows}
    ctx.emit(
        data,
        f"restored {path.name}; the previous database is kept in {result.kept}",
    )
    return 0


def plan_json(plan: RestorePlan) -> dict[str, Any]:
    """Return a restore comparison as JSON data."""
    from warroom.commands.backup import heads_json

    return {
        "file": str(plan.check.path),
        "ok": plan.check.ok,
        "encrypted": plan.check.encrypted,
        "heads": heads_json(plan.check.heads),
        "loses_data": plan.loses_data,
        "missing_entries": plan.missing_entries,
        "incidents": [
            {
                "incident_id": item.incident_id,
                "relation": item.relation.value,
                "backup_entries": item.backup_entries,
                "database_entries": item.database_entries,
            }
            for item in plan.comparisons
        ],
    }
