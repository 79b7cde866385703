"""``warroom verify FILE.zip``: the verdict on a sealed archive (see export.archive_check).

Reached from ``warroom verify`` when the file starts like a zip, whatever its name. Exit
codes as for an export: 0 intact, 1 with one ``error: ...`` line naming the first problem
(or that a password is needed or wrong), 2 for bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warroom.commands.base import CommandContext, print_error, print_warning
from warroom.commands.verify import human_verdict, trust_json


def verify_archive(ctx: CommandContext, path: Path) -> int:
    """Verify the archive at ``path`` and print the verdict."""
    from warroom.commands.archive_password import read_password
    from warroom.domain.clock import iso_utc
    from warroom.domain.trust import parse_fingerprint
    from warroom.export.archive_check import check_archive

    password = read_password(ctx.args)
    trusted = {parse_fingerprint(f) for f in ctx.args.trust}
    result = check_archive(path, password, trusted)
    if password is not None and not result.encrypted:
        print_warning(f"{path} is not encrypted; the password was not needed")
    checked = f"checked the archive {path}"
    info, export = result.info, result.export
    data: dict[str, Any] = {
        "source": str(path),
        "checked": "archive",
        "ok": result.ok,
        "encrypted": result.encrypted,
        "members": result.members,
        "problem": result.problem,
        "incident_id": info.incident_id if info else None,
        "entry_count": info.entry_count if info else None,
        "head_hash": info.head_hash if info else None,
        "archived_by": info.archived_by if info else None,
        "archived_at": iso_utc(info.archived_at) if info else None,
        "key": info.key if info else None,
        "export": None
        if export is None or info is None
        else {
            "member": info.export,
            **trust_json(export),
        },
    }
    if export is not None:
        for warning in export.warnings:
            print_warning(warning)
    if not result.ok:
        if ctx.as_json:
            ctx.emit(data, "")
        print_error(f"{path}: {result.describe()} ({checked})")
        return 1
    assert export is not None
    ctx.emit(
        data,
        f"{result.describe()}\n{human_verdict(export, trusted=bool(trusted))}\n{checked}",
    )
    return 0
