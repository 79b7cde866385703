"""``warroom export ID --format pdf|json|csv|md -o PATH``: write the incident log.

A long export says how far it has got on stderr (:mod:`warroom.commands.export_progress`);
Ctrl+C stops it and leaves no file behind.
"""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, positive_id

FORMATS = ("pdf", "json", "csv", "md")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export`` command."""
    parser = add_subparser(
        subparsers,
        "export",
        "export an incident log (PDF, JSON, CSV or Markdown) with its review",
        handler=_export,
    )
    parser.add_argument("id", type=positive_id, help="incident id")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the file name's suffix)",
    )
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="file to write")
    parser.add_argument(
        "--page-size", choices=("a4", "letter"), default="a4", help="PDF paper size (a4)"
    )


def _export(ctx: CommandContext) -> int:
    from pathlib import Path

    from warroom.commands.export_progress import ExportProgress
    from warroom.export.formats import ExportFormat, PageSize

    args = ctx.args
    path = Path(args.output)
    export_format = ExportFormat.parse(args.format) if args.format else ExportFormat.from_path(path)
    progress = ExportProgress()
    try:
        result = ctx.services.export.export(
            args.id,
            path,
            export_format,
            ctx.actor,
            page_size=PageSize.parse(args.page_size),
            progress=progress,
        )
    finally:
        progress.finish()
    ctx.emit(
        {
            "path": str(result.path),
            "format": result.format.value,
            "entry_count": result.entry_count,
            "head_hash": result.head_hash,
            "bytes": result.size,
            "chain_ok": result.chain_ok,
        },
        f"{result.path}\nexported incident {args.id} ({result.entry_count} entries, "
        f"{result.size} bytes, {result.format.value})"
        + ("" if result.chain_ok else "; warning: the hash chain is broken, see 'warroom verify'"),
    )
    return 0
