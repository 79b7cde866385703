"""``warroom channel add|list|test|remove``: outbound channels and their reachability."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from warroom.commands.base import CommandContext, print_error, read_stdin
from warroom.commands.parsing import add_subparser

KINDS = ("email", "mastodon", "bluesky", "webhook", "matrix", "statuspage", "statusdir")
FORMATS = ("generic", "slack", "teams", "discord")
#: Kinds that keep no secret: nothing is read from stdin for them.
SECRETLESS = ("statusdir",)
#: Settings that ``--clear`` can remove (the others are required by their kind): the
#: service's ``optional_settings`` of every kind, spelt as options. Not imported from there,
#: so that building the parser loads no services; a unit test keeps the two in step.
CLEARABLE = (
    "user",
    "to",
    "bcc",
    "reply-to",
    "groups",
    "component",
    "title",
    "ca-bundle",
    "connect-timeout",
    "read-timeout",
    "language",
)


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < number <= 600:
        raise argparse.ArgumentTypeError("give 0 to 600 seconds")
    return number


def _group(value: str) -> tuple[str, list[str]]:
    """Parse ``NAME=ADDRESS,ADDRESS`` (``NAME=`` alone removes the group)."""
    name, equals, addresses = value.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: give NAME=ADDRESS[,ADDRESS...]")
    return name.strip(), [a.strip() for a in addresses.split(",") if a.strip()]


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1 to 65535)")
    return int(value)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``channel`` command and its subcommands."""
    parser = add_subparser(subparsers, "channel", "configure and test outbound channels")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = add_subparser(
        actions,
        "add",
        "create or reconfigure a channel; the secret (token, app password, SMTP password, "
        "webhook signing secret; empty for none) is read from stdin or prompted for",
        handler=_add,
    )
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument(
        "--url",
        help="mastodon: instance; bluesky: service (PDS); webhook: URL; matrix: homeserver; "
        "statuspage: API base (default https://api.statuspage.io)",
    )
    add.add_argument(
        "--format", choices=FORMATS, help="webhook: the body to send (default generic)"
    )
    add.add_argument("--room", metavar="ROOM", help="matrix: room id (!...) or alias (#...:server)")
    add.add_argument("--page", metavar="PAGE_ID", help="statuspage: the page id")
    add.add_argument("--component", metavar="ID", help="statuspage: the affected component id")
    add.add_argument("--path", metavar="FOLDER", help="statusdir: the folder to publish into")
    add.add_argument("--title", help="statusdir: the page's title (default Service status)")
    add.add_argument("--handle", help="bluesky handle")
    add.add_argument("--host", help="email: SMTP server")
    add.add_argument("--port", type=_port, help="email: SMTP port (587 starttls, 465 ssl)")
    add.add_argument("--security", choices=("starttls", "ssl", "none"), help="email: TLS mode")
    add.add_argument("--user", help="email: SMTP login")
    add.add_argument("--from", dest="sender", metavar="ADDRESS", help="email: sender")
    add.add_argument(
        "--to",
        action="append",
        metavar="ADDRESS",
        help="email: visible addressee, shown in To: (repeatable)",
    )
    add.add_argument(
        "--bcc",
        action="append",
        metavar="ADDRESS",
        help="email: hidden recipient, in the envelope only (repeatable; the default way)",
    )
    add.add_argument("--reply-to", metavar="ADDRESS", help="email: where answers go")
    add.add_argument(
        "--group",
        action="append",
        type=_group,
        metavar="NAME=ADDRESS,...",
        help="email: a named audience, hidden like --bcc (repeatable; NAME= removes it)",
    )
    add.add_argument("--ca-bundle", metavar="PATH", help="trust this CA bundle (PEM) for TLS")
    add.add_argument("--connect-timeout", type=_seconds, metavar="S")
    add.add_argument("--read-timeout", type=_seconds, metavar="S")
    add.add_argument(
        "--language",
        metavar="TAG",
        help="the language of this channel's audience (e.g. en, fr, pt-BR): exports and the "
        "review group statement variants by it",
    )
    add.add_argument(
        "--keep-secret", action="store_true", help="reconfigure without reading a new secret"
    )
    add.add_argument(
        "--clear",
        action="append",
        choices=CLEARABLE,
        default=[],
        metavar="SETTING",
        help=f"remove a stored optional setting (repeatable): {', '.join(CLEARABLE)}",
    )
    add_subparser(actions, "list", "list channels and their last known reachability", handler=_list)
    test = add_subparser(actions, "test", "make one harmless authenticated call", handler=_test)
    test.add_argument("name")
    remove = add_subparser(
        actions,
        "remove",
        "delete a channel no statement targets, with its secret in the keychain",
        handler=_remove,
    )
    remove.add_argument("name")


def read_secret(kind: str) -> str:
    """Read the secret from stdin, or prompt for it (hidden) on a terminal."""
    what = {
        "email": "SMTP password",
        "mastodon": "access token",
        "bluesky": "app password",
        "webhook": "signing secret",
        "matrix": "access token",
        "statuspage": "API key",
    }[kind]
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"{what} (empty for none): ").strip()
    return read_stdin().strip("\r\n").strip()


def _add(ctx: CommandContext) -> int:
    from warroom.commands.render import channel_json
    from warroom.domain.channels import ChannelKind

    args = ctx.args
    settings: dict[str, Any] = {
        "url": args.url,
        "handle": args.handle,
        "host": args.host,
        "port": args.port,
        "security": args.security,
        "user": args.user,
        "from": args.sender,
        "to": args.to,
        "bcc": args.bcc,
        "reply_to": args.reply_to,
        "groups": dict(args.group) if args.group else None,
        "format": args.format,
        "room": args.room,
        "page": args.page,
        "component": args.component,
        "path": args.path,
        "title": args.title,
        "ca_bundle": args.ca_bundle,
        "connect_timeout": args.connect_timeout,
        "read_timeout": args.read_timeout,
        "language": args.language,
    }
    secret = None if args.keep_secret or args.kind in SECRETLESS else read_secret(args.kind)
    channel = ctx.services.channel_setup.configure(
        args.name,
        ChannelKind.parse(args.kind),
        settings,
        secret,
        actor=ctx.actor,
        clear=args.clear,
    )
    stored = "kept" if secret is None else ("stored in the keychain" if secret else "none")
    if args.kind in SECRETLESS:
        stored = "not needed"
    ctx.emit(
        {**channel_json(channel), "secret": stored},
        f"channel {channel.name} ({channel.kind.value}) configured; secret {stored}",
    )
    return 0


def _remove(ctx: CommandContext) -> int:
    name = ctx.args.name
    ctx.services.channel_setup.remove(name, actor=ctx.actor)
    ctx.emit({"name": name, "removed": True}, f"channel {name} removed")
    return 0


def _online_word(online: bool | None) -> str:
    return {True: "online", False: "offline", None: "untested"}[online]


def _list(ctx: CommandContext) -> int:
    from warroom.commands.render import channel_json
    from warroom.services.delivery import channel_online

    channels = ctx.services.channels.all()
    data = [{**channel_json(c), "online": channel_online(c)} for c in channels]

    def human() -> str:
        lines = []
        for channel in channels:
            state = (
                _online_word(channel_online(channel)) if channel.configured else "not configured"
            )
            when = (
                f" (checked {channel.last_checked_at:%Y-%m-%d %H:%M}Z)"
                if channel.last_checked_at
                else ""
            )
            error = f": {channel.last_error}" if channel.last_error else ""
            lines.append(f"{channel.name:<16} {channel.kind.value:<10} {state}{when}{error}")
        return "\n".join(lines)

    ctx.emit(data, human)
    return 0


def _test(ctx: CommandContext) -> int:
    from warroom.commands.render import channel_json

    result = ctx.services.channel_setup.test(ctx.args.name)
    data = {**channel_json(result.channel), "ok": result.ok, "message": result.message}
    if ctx.as_json:
        ctx.emit(data, "")
    elif result.ok:
        ctx.emit(data, f"{result.channel.name}: ok, {result.message}")
    if not result.ok:
        print_error(f"channel {result.channel.name}: {result.message}")
        return 1
    return 0
