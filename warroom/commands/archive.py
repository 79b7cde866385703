"""``warroom archive ID -o FILE.zip``: seal an incident into one signed, verifiable file.

The archive holds the JSON export, the PDF and the CSV, the public keys and signatures,
and ``MANIFEST.sha256`` signed by the archiving person; ``warroom verify FILE.zip`` checks
it all, ``sha256sum -c MANIFEST.sha256`` the member hashes. ``--password-file`` or
``--password-stdin`` encrypts it (AES-256). A long archive says how far it got on stderr.
"""

from __future__ import annotations

import argparse

from warroom.commands.archive_password import add_password_options
from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, positive_id


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``archive`` command."""
    parser = add_subparser(
        subparsers,
        "archive",
        "seal an incident (JSON, PDF, CSV, keys, signatures) into one signed zip archive",
        handler=_archive,
    )
    parser.add_argument("id", type=positive_id, help="incident id")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="file to write")
    parser.add_argument(
        "--page-size", choices=("a4", "letter"), default="a4", help="PDF paper size (a4)"
    )
    add_password_options(parser, "to encrypt the archive with (AES-256)")


def _archive(ctx: CommandContext) -> int:
    from pathlib import Path

    from warroom.commands.archive_password import read_password
    from warroom.commands.export_progress import ExportProgress
    from warroom.export.formats import PageSize

    args = ctx.args
    password = read_password(args, confirm=True)
    progress = ExportProgress(label="archiving")
    try:
        result = ctx.services.archive.archive(
            args.id,
            Path(args.output),
            ctx.actor,
            password=password,
            page_size=PageSize.parse(args.page_size),
            progress=progress,
        )
    finally:
        progress.finish()
    encrypted = ", encrypted with AES-256" if result.encrypted else ""
    ctx.emit(
        {
            "path": str(result.path),
            "incident_id": result.incident_id,
            "entry_count": result.entry_count,
            "head_hash": result.head_hash,
            "bytes": result.size,
            "members": result.members,
            "encrypted": result.encrypted,
            "archived_by": result.archived_by,
            "key": result.key,
            "chain_ok": result.chain_ok,
        },
        f"{result.path}\narchived incident {result.incident_id} ({result.entry_count} entries, "
        f"chain head {result.head_hash}, {result.members} members, {result.size} bytes"
        f"{encrypted}); sealed by {result.archived_by} (key {result.key})"
        + ("" if result.chain_ok else "; warning: the hash chain is broken, see 'warroom verify'"),
    )
    return 0
