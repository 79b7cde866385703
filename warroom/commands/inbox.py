"""``warroom inbox pull|list|show|triage|attach|reply|stats|track``: the triage inbox."""

from __future__ import annotations

import argparse
import signal
from typing import Any

from warroom import gc_policy
from warroom.commands.base import CommandContext, print_text, read_text_argument
from warroom.commands.parsing import add_subparser, positive_id

STATES = ("new", "needs-reply", "replied", "handled", "ignored", "escalated")
BUCKETS = ("5m", "15m", "1h")


def _priority(value: str) -> int:
    text = value.strip().upper().removeprefix("P")
    if text not in {"1", "2", "3", "4"}:
        raise argparse.ArgumentTypeError(f"priority must be 1, 2, 3 or 4, not {value!r}")
    return int(text)


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if number < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return number


def _value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``inbox`` command and its subcommands."""
    parser = add_subparser(subparsers, "inbox", "triage what customers say, and answer it")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    pull = add_subparser(actions, "pull", "read new items from every source", handler=_pull)
    mode = pull.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="pull every source once (default)")
    mode.add_argument("--watch", action="store_true", help="keep pulling until stopped")
    pull.add_argument(
        "--interval", type=_seconds, default=2.0, metavar="S", help="with --watch: seconds"
    )

    listing = add_subparser(actions, "list", "list items, newest first", handler=_list)
    scope = listing.add_mutually_exclusive_group()
    scope.add_argument("--incident", type=positive_id, metavar="ID")
    scope.add_argument("--unassigned", action="store_true", help="attached to no incident")
    listing.add_argument("--state", choices=STATES, action="append", help="repeatable")
    listing.add_argument("--source", metavar="NAME")
    listing.add_argument("--priority", type=_priority, metavar="1..4")
    listing.add_argument("--search", default="", metavar="TEXT")
    listing.add_argument("--limit", type=positive_id, default=200, metavar="N")

    show = add_subparser(actions, "show", "show one item in full", handler=_show)
    show.add_argument("item", type=positive_id)

    triage = add_subparser(
        actions, "triage", "set state, priority, assignee, tags", handler=_triage
    )
    triage.add_argument("item", type=positive_id)
    triage.add_argument("--state", choices=STATES)
    triage.add_argument("--priority", type=_priority, metavar="1..4")
    triage.add_argument("--assign", metavar="PERSON")
    triage.add_argument("--tag", action="append", default=[], metavar="T", help="repeatable")

    attach = add_subparser(
        actions,
        "attach",
        "attach ITEM to INCIDENT (or, with --all-matching, every unattached match)",
        handler=_attach,
    )
    attach.add_argument("ids", type=positive_id, nargs="+", metavar="ITEM INCIDENT")
    attach.add_argument("--all-matching", metavar="QUERY", help="attach every item containing it")

    reply = add_subparser(
        actions, "reply", "answer an item in its thread (through approvals)", handler=_reply
    )
    reply.add_argument("item", type=positive_id)
    reply.add_argument("--text", default="", help="the answer ('-' reads stdin)")
    reply.add_argument("--template", metavar="KEY", help="a reply template of the playbook")
    reply.add_argument("--value", type=_value, action="append", default=[], metavar="NAME=VALUE")
    reply.add_argument("--channel", metavar="NAME", help="answer through this channel")

    stats = add_subparser(actions, "stats", "volume, tone, spikes, response times", handler=_stats)
    stats.add_argument("--incident", type=positive_id, metavar="ID")
    stats.add_argument("--bucket", choices=BUCKETS, default="15m")

    track = add_subparser(
        actions,
        "track",
        "list or add an incident's tracked terms (matching items attach automatically)",
        handler=_track,
    )
    track.add_argument("incident", type=positive_id)
    track.add_argument("terms", nargs="*", metavar="TERM")
    track.add_argument("--remove", action="append", default=[], metavar="TERM")


def _pull(ctx: CommandContext) -> int:
    from warroom.services.inbox_pull import PullReport

    pull = ctx.services.inbox_pull
    if not ctx.args.watch:
        report = pull.pull_once()
        ctx.emit(pull_json(report), report.summary())
        return 0
    import threading

    gc_policy.become_long_running()
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    passes: list[dict[str, Any]] = []

    def on_pass(report: PullReport) -> None:
        if ctx.as_json:
            passes.append(pull_json(report))
        elif report.added or any(s.error for s in report.sources):
            print_text(report.summary(), flush=True)

    pull.watch(stop, poll_seconds=ctx.args.interval, on_pass=on_pass)
    if ctx.as_json:
        ctx.emit({"passes": passes}, "")
    return 0


def pull_json(report: Any) -> dict[str, Any]:
    """Return a pull report as JSON data."""
    return {
        "added": report.added,
        "sources": [
            {
                "name": s.name,
                "added": s.added,
                "skipped": s.skipped,
                "attached": s.attached,
                "error": s.error,
                "stopped": s.stopped,
            }
            for s in report.sources
        ],
    }


def _list(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import item_json, item_line
    from warroom.domain.inbox import InboxFilter, InboxState

    args = ctx.args
    filters = InboxFilter(
        incident_id=args.incident,
        unassigned=args.unassigned,
        states=tuple(InboxState.parse(s) for s in args.state or ()),
        source=args.source,
        priority=args.priority,
        search=args.search,
    )
    items = ctx.services.inbox.items(filters, limit=args.limit)
    ctx.emit(
        [item_json(i) for i in items],
        lambda: "\n".join(item_line(i) for i in items) or "no items",
    )
    return 0


def _show(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import item_json, item_text

    inbox = ctx.services.inbox
    item = inbox.get(ctx.args.item)
    replies = inbox.replies(item.id)
    data = {**item_json(item), "replies": [s.id for s in replies]}
    ctx.emit(data, lambda: item_text(item, replies))
    return 0


def _triage(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import item_json, item_line
    from warroom.domain.inbox import InboxState

    args = ctx.args
    item = ctx.services.inbox.triage(
        args.item,
        ctx.actor,
        state=InboxState.parse(args.state) if args.state else None,
        priority=args.priority,
        assign=args.assign,
        tags=args.tag,
    )
    ctx.emit(item_json(item), item_line(item))
    return 0


def _attach(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import item_json
    from warroom.domain.errors import ValidationError

    args = ctx.args
    inbox = ctx.services.inbox
    if args.all_matching is not None:
        if len(args.ids) != 1:
            raise ValidationError("with --all-matching give only the INCIDENT")
        items = inbox.attach_matching(args.all_matching, args.ids[0], ctx.actor)
        ctx.emit(
            [item_json(i) for i in items],
            f"{len(items)} item(s) attached to incident {args.ids[0]}",
        )
        return 0
    if len(args.ids) != 2:
        raise ValidationError("give ITEM and INCIDENT (or INCIDENT with --all-matching QUERY)")
    item = inbox.attach(args.ids[0], args.ids[1], ctx.actor)
    ctx.emit(item_json(item), f"item {item.id} attached to incident {item.incident_id}")
    return 0


def _reply(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_statement_json

    args = ctx.args
    if args.template:
        from warroom.commands.base import print_warning
        from warroom.domain.template_signoff import stale_signoff_of

        replies = ctx.services.inbox_replies
        note = stale_signoff_of(
            args.template, replies.templates(args.item), ctx.services.incidents.today()
        )
        if note:
            print_warning(note + "; the reply needs approvals like any statement")
    statement = ctx.services.inbox_replies.reply(
        args.item,
        ctx.actor,
        text=read_text_argument(args.text) if args.text else "",
        template_key=args.template,
        values=dict(args.value),
        channel_name=args.channel,
    )
    state = statement.state.value.replace("_", " ")
    ctx.emit(
        {**cli_statement_json(statement), "item": args.item},
        f"statement {statement.id} ({state}) answers item {args.item}; "
        f"release it with 'warroom draft release {statement.id}' once approved",
    )
    return 0


def _stats(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import stats_json, stats_text

    stats = ctx.services.inbox.stats(incident_id=ctx.args.incident, bucket=ctx.args.bucket)
    ctx.emit(stats_json(stats), lambda: stats_text(stats))
    return 0


def _track(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import item_json

    args = ctx.args
    inbox = ctx.services.inbox
    attached = []
    for term in args.terms:
        attached += inbox.track(args.incident, term, ctx.actor)
    for term in args.remove:
        inbox.untrack(args.incident, term, ctx.actor)
    terms = inbox.terms(args.incident)
    human = f"incident {args.incident} tracks: " + (", ".join(repr(t) for t in terms) or "nothing")
    if attached:
        human += f"\n{len(attached)} waiting item(s) attached automatically"
    ctx.emit({"terms": terms, "attached": [item_json(i) for i in attached]}, human)
    return 0
