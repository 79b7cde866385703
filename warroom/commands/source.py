"""``warroom source add|list|test|remove``: the places War Room listens to."""

from __future__ import annotations

import argparse
import sys

from warroom.commands.base import CommandContext, print_error
from warroom.commands.parsing import add_subparser

KINDS = ("mastodon", "bluesky", "imap", "feed")


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < number <= 86_400:
        raise argparse.ArgumentTypeError("give 0 to 86400 seconds")
    return number


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1 to 65535)")
    return int(value)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``source`` command and its subcommands."""
    parser = add_subparser(subparsers, "source", "configure the places War Room listens to")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = add_subparser(
        actions,
        "add",
        "create or reconfigure a source; its secret (access token, app password, IMAP "
        "password; for a feed, an optional bearer token) is read from stdin or prompted for, "
        "unless --from-channel reuses a channel's",
        handler=_add,
    )
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument("--from-channel", metavar="CHANNEL", help="reuse a channel's server and key")
    add.add_argument("--url", help="mastodon: instance; bluesky: service (PDS); feed: feed URL")
    add.add_argument("--handle", help="bluesky: handle")
    add.add_argument(
        "--query", action="append", metavar="TERM", help="also search for TERM (repeatable)"
    )
    add.add_argument(
        "--tag", action="append", metavar="HASHTAG", help="mastodon: follow #HASHTAG (repeatable)"
    )
    add.add_argument("--host", help="imap: server")
    add.add_argument("--port", type=_port, help="imap: port (993 ssl, 143 starttls)")
    add.add_argument("--security", choices=("ssl", "starttls"), help="imap: IMAPS or STARTTLS")
    add.add_argument("--user", help="imap: login")
    add.add_argument("--mailbox", help="imap: folder (default INBOX)")
    add.add_argument(
        "--mark-seen",
        action="store_true",
        help="imap: flag stored messages as seen (otherwise nothing on the server changes)",
    )
    add.add_argument("--reply-channel", metavar="CHANNEL", help="the channel that answers")
    add.add_argument(
        "--interval", type=_seconds, metavar="S", help="seconds between pulls (default 60)"
    )
    add.add_argument("--ca-bundle", metavar="PATH", help="trust this CA bundle (PEM) for TLS")
    add.add_argument("--connect-timeout", type=_seconds, metavar="S")
    add.add_argument("--read-timeout", type=_seconds, metavar="S")
    add.add_argument(
        "--keep-secret", action="store_true", help="reconfigure without reading a new secret"
    )
    add_subparser(actions, "list", "list sources, their last pull and any stop", handler=_list)
    test = add_subparser(actions, "test", "make one harmless authenticated call", handler=_test)
    test.add_argument("name")
    remove = add_subparser(
        actions, "remove", "delete a source and its secret (its items stay)", handler=_remove
    )
    remove.add_argument("name")


def _read_secret(kind: str) -> str:
    what = {
        "mastodon": "access token",
        "bluesky": "app password",
        "imap": "IMAP password",
        "feed": "bearer token",
    }[kind]
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"{what} (empty for none): ").strip()
    data = sys.stdin.read() if sys.stdin is not None else ""
    return data.strip("\r\n").strip()


def _add(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import source_json
    from warroom.domain.inbox import SourceKind

    args = ctx.args
    settings = {
        "url": args.url,
        "handle": args.handle,
        "queries": args.query,
        "tags": args.tag,
        "host": args.host,
        "port": args.port,
        "security": args.security,
        "user": args.user,
        "mailbox": args.mailbox,
        "mark_seen": args.mark_seen,
        "reply_channel": args.reply_channel,
        "interval": args.interval,
        "ca_bundle": args.ca_bundle,
        "connect_timeout": args.connect_timeout,
        "read_timeout": args.read_timeout,
    }
    reuse = bool(args.from_channel)
    secret = None if args.keep_secret or reuse else _read_secret(args.kind)
    source = ctx.services.sources.configure(
        args.name,
        SourceKind.parse(args.kind),
        settings,
        secret,
        actor=ctx.actor,
        from_channel=args.from_channel,
    )
    if reuse:
        stored = f"from channel {args.from_channel}"
    else:
        stored = "kept" if secret is None else ("stored in the keychain" if secret else "none")
    ctx.emit(
        {**source_json(source), "secret": stored},
        f"source {source.name} ({source.kind.value}) configured; secret {stored}",
    )
    return 0


def _list(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import source_json, source_line

    sources = ctx.services.sources.all()
    ctx.emit(
        [source_json(s) for s in sources],
        lambda: "\n".join(source_line(s) for s in sources) or "no sources",
    )
    return 0


def _test(ctx: CommandContext) -> int:
    from warroom.commands.inbox_render import source_json

    result = ctx.services.sources.test(ctx.args.name)
    data = {**source_json(result.source), "ok": result.ok, "message": result.message}
    if ctx.as_json:
        ctx.emit(data, "")
    elif result.ok:
        ctx.emit(data, f"{result.source.name}: ok, {result.message}")
    if not result.ok:
        print_error(f"source {result.source.name}: {result.message}")
        return 1
    return 0


def _remove(ctx: CommandContext) -> int:
    name = ctx.args.name
    ctx.services.sources.remove(name, actor=ctx.actor)
    ctx.emit({"name": name, "removed": True}, f"source {name} removed (its items stay)")
    return 0
