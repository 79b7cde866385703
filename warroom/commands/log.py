"""``warroom log add|list``: the incident timeline."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext, read_text_argument
from warroom.commands.parsing import add_subparser, iso_time, positive_id

KINDS = ("note", "decision", "action", "inbound", "statement", "status")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``log`` command and its subcommands."""
    parser = add_subparser(subparsers, "log", "add to and read an incident's timeline")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = add_subparser(actions, "add", "append an entry (text '-' reads stdin)", handler=_add)
    add.add_argument("id", type=positive_id, help="incident id")
    add.add_argument("text")
    add.add_argument("--kind", choices=KINDS, default="note")
    add.add_argument(
        "--at",
        type=iso_time,
        metavar="TIME",
        help="when it happened (shown beside when it was recorded; the order stays)",
    )
    add.add_argument(
        "--corrects",
        type=positive_id,
        metavar="SEQ",
        help="number (#) of the entry this one corrects",
    )
    listing = add_subparser(actions, "list", "print the timeline, oldest first", handler=_list)
    listing.add_argument("id", type=positive_id, help="incident id")
    listing.add_argument("--kind", choices=KINDS, action="append", help="only these kinds")
    listing.add_argument(
        "--search",
        default="",
        metavar="TERMS",
        help='only entries with these words (any order; "exact phrase", prefix*)',
    )
    listing.add_argument("--last", type=positive_id, metavar="N", help="only the last N entries")


def _add(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_entry_json
    from warroom.domain.timeline import EntryKind

    args = ctx.args
    text = read_text_argument(args.text)
    timeline = ctx.services.timeline
    if args.corrects:
        if args.at is not None:
            from warroom.domain.errors import UsageError

            raise UsageError("--at and --corrects cannot be combined")
        original = timeline.entry_by_seq(args.id, args.corrects)
        entry = timeline.correct(args.id, original.id, text, ctx.actor)
    else:
        entry = timeline.add(
            args.id, text, ctx.actor, EntryKind.parse(args.kind), occurred_at=args.at
        )
    ctx.emit(cli_entry_json(entry), f"#{entry.seq}")
    return 0


def _list(ctx: CommandContext) -> int:
    from warroom.domain.timeline import EntryKind

    args = ctx.args
    kinds = [EntryKind.parse(k) for k in args.kind or []]
    # Read-only: the embedded file is read without SQLAlchemy when it can be. Both stream
    # the whole listing (first line at once, one batch in memory).
    quick = ctx.quick_reads()
    if not args.last and not ctx.as_json:
        # The whole timeline as text: rows straight to lines, no entry object per row.
        lister = quick or ctx.services.timeline_listing
        names = [kind.value for kind in kinds]
        ctx.emit_batches(lister.lines(args.id, kinds=names, search=args.search), empty="no entries")
        return 0
    from warroom.commands.render import entry_line
    from warroom.domain.json_mapping import cli_entry_json

    source = quick or ctx.services.timeline
    if args.last:
        entries = iter(
            list(
                source.entries(
                    args.id, kinds=kinds, search=args.search, limit=args.last, newest_first=True
                )
            )[::-1]
        )
    elif quick is not None:
        entries = quick.entries(args.id, kinds=kinds, search=args.search)
    else:
        entries = ctx.services.timeline.stream(args.id, kinds=kinds, search=args.search)
    if ctx.as_json:
        ctx.emit([cli_entry_json(e) for e in entries], "")
    else:
        ctx.emit_lines((entry_line(e) for e in entries), empty="no entries")
    return 0
