"""``warroom backup [--to FOLDER] | --configure FOLDER [--every MINUTES] | --status``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, positive_id

if TYPE_CHECKING:
    from warroom.domain.backups import ChainHead
    from warroom.services.backups import BackupResult, BackupStatus


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backup`` command."""
    parser = add_subparser(
        subparsers,
        "backup",
        "write a verified backup of the database (or configure automatic backups)",
        handler=_backup,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--to", metavar="FOLDER", help="back up into FOLDER (default: the configured folder)"
    )
    mode.add_argument(
        "--configure",
        metavar="FOLDER",
        help="back up into FOLDER automatically (the window and 'sync --watch' do it)",
    )
    mode.add_argument(
        "--status", action="store_true", help="show the backup folder and the last good backup"
    )
    parser.add_argument(
        "--every",
        type=positive_id,
        metavar="MINUTES",
        help="with --configure: minutes between automatic backups (default 10)",
    )
    parser.add_argument(
        "--keep",
        type=positive_id,
        metavar="N",
        help="keep the last N backups (default 48), besides one a day for 30 days",
    )
    parser.set_defaults(usage_error=parser.error)


def _backup(ctx: CommandContext) -> int:
    from pathlib import Path

    from warroom.domain.backups import DEFAULT_EVERY_MINUTES, DEFAULT_KEEP_LAST

    args = ctx.args
    if args.every is not None and args.configure is None:
        args.usage_error("--every goes with --configure FOLDER")  # exits 2
    backups = ctx.services.backups
    if args.configure is not None:
        current = backups.settings()
        settings = backups.configure(
            args.configure,
            args.every or (current.every_minutes if current else DEFAULT_EVERY_MINUTES),
            args.keep or (current.keep_last if current else DEFAULT_KEEP_LAST),
        )
        ctx.emit(
            {
                "folder": str(settings.folder),
                "every_minutes": settings.every_minutes,
                "keep_last": settings.keep_last,
            },
            f"backups of {backups.database_key} go to {settings.folder} every "
            f"{settings.every_minutes} minutes (keeping the last {settings.keep_last})",
        )
        return 0
    if args.status:
        status = backups.status()
        ctx.emit(status_json(status), lambda: status_text(status))
        return 0
    result = backups.backup(Path(args.to) if args.to else None, keep_last=args.keep)
    ctx.emit(result_json(result), result.describe())
    return 0


def heads_json(heads: tuple[ChainHead, ...]) -> list[dict[str, Any]]:
    """Return chain heads as JSON data."""
    return [
        {"incident_id": h.incident_id, "entry_count": h.entry_count, "head_hash": h.head_hash}
        for h in heads
    ]


def result_json(result: BackupResult) -> dict[str, Any]:
    """Return a backup's outcome as JSON data."""
    return {
        "path": str(result.path),
        "ok": result.check.ok,
        "encrypted": result.check.encrypted,
        "incidents": len(result.check.heads),
        "entries": result.check.entry_count,
        "size": result.check.size,
        "seconds": round(result.seconds, 3),
        "removed": list(result.removed),
        "heads": heads_json(result.check.heads),
    }


def status_json(status: BackupStatus) -> dict[str, Any]:
    """Return the backup status as JSON data."""
    from warroom.domain.clock import iso_utc

    last = status.last_good
    return {
        "configured": status.configured,
        "folder": str(status.folder) if status.folder else None,
        "folder_ok": status.folder_ok,
        "every_minutes": status.every_minutes,
        "last_good": last.name if last else None,
        "last_good_at": iso_utc(last.taken_at) if last else None,
        "stale": status.stale,
    }


def status_text(status: BackupStatus) -> str:
    """Return the backup status for people."""
    if not status.configured:
        return "automatic backups are off ('warroom backup --configure FOLDER' turns them on)"
    lines = [f"backup folder: {status.folder} (every {status.every_minutes} minutes)"]
    if not status.folder_ok:
        lines.append("the folder is missing: is the drive or share connected?")
    last = status.last_good
    lines.append(
        f"last good backup: {last.name} ({status.describe()[8:]})" if last else "no backup yet"
    )
    if status.stale:
        lines.append("warning: the last good backup is too old")
    return "\n".join(lines)
