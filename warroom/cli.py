"""The ``warroom`` command line: a second face of the same services as the window.

Contract (see DESIGN.md): ``--json`` prints exactly one JSON document on stdout; exit 0 on
success, 1 with one line ``error: ...`` on stderr for a refused action, 2 for bad usage.
Never a traceback. This module must not import Qt; subcommand modules import services
lazily so that each command pays only for what it uses.
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from warroom import __version__
from warroom.commands import checklist, demo, draft, incident, log, person, playbook, review
from warroom.commands.base import CommandContext
from warroom.commands.parsing import OneLineParser, add_common_options
from warroom.domain.errors import WarRoomError

USER_ENV = "WARROOM_USER"
COMMAND_MODULES: tuple[ModuleType, ...] = (
    incident,
    log,
    draft,
    checklist,
    playbook,
    demo,
    review,
    person,
)


def build_parser() -> OneLineParser:
    """Return the full argument parser."""
    parser = OneLineParser(
        prog="warroom",
        description="War Room: run a crisis from one screen. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"warroom {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end on a temporary database and exit",
    )
    add_common_options(parser, suppress_defaults=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for module in COMMAND_MODULES:
        module.register(commands)
    for module in _optional_command_modules():
        module.register(commands)
    return parser


def _optional_command_modules() -> list[ModuleType]:
    """Return command modules added by later features (channel, sync, export, verify)."""
    import importlib

    modules = []
    for name in ("channel", "sync", "export", "verify"):
        try:
            modules.append(importlib.import_module(f"warroom.commands.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"warroom.commands.{name}":
                raise
    return modules


def default_actor() -> str:
    """Return who acts: ``$WARROOM_USER``, else the OS user."""
    name = os.environ.get(USER_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    if args.self_test:
        from warroom.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        return _open_window(args.db, (args.actor or "").strip() or None)
    actor = (args.actor or "").strip() or default_actor()
    from warroom.logging_setup import configure_logging

    configure_logging()
    ctx = CommandContext(args=args, actor=actor, db_url=args.db, as_json=bool(args.json))
    try:
        return int(args.handler(ctx))
    except WarRoomError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (e.g. 'head') closed the pipe: not our failure, and nothing to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        logging.getLogger(__name__).exception("unexpected error")
        print(
            f"error: unexpected {type(error).__name__}: {error} (details in the log file)",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()


def _open_window(db_url: str | None, actor: str | None) -> int:
    try:
        from warroom.ui.app import run_window
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("warroom.ui"):
            print(
                "error: this build of War Room has no window; use the commands "
                "(see 'warroom --help')",
                file=sys.stderr,
            )
            return 1
        raise
    return int(run_window(db_url=db_url, actor=actor))


if __name__ == "__main__":
    raise SystemExit(main())
