"""The ``warroom`` command line: a second face of the same services as the window.

Contract (see DESIGN.md): ``--json`` prints exactly one JSON document on stdout; exit 0 on
success, 1 with one line ``error: ...`` on stderr for a refused action, 2 for bad usage.
Never a traceback. This module must not import Qt; subcommand modules import services
lazily so that each command pays only for what it uses.
"""

from __future__ import annotations

import getpass
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from warroom import __version__, gc_policy
from warroom.commands.base import CommandContext, print_error
from warroom.commands.parsing import OneLineParser, add_common_options
from warroom.domain.errors import UsageError, WarRoomError

USER_ENV = "WARROOM_USER"
# Each command is a module of warroom.commands with the same name, imported only when that
# command is run (or when --help lists them all). The optional ones came with later features
# and may be left out of a build.
CORE_COMMANDS = (
    "incident",
    "clocks",
    "log",
    "search",
    "draft",
    "checklist",
    "playbook",
    "demo",
    "review",
    "person",
    "init",
)
OPTIONAL_COMMANDS = (
    "channel",
    "sync",
    "export",
    "verify",
    "source",
    "inbox",
    "backup",
    "restore",
    "encrypt",
    "decrypt",
)
COMMAND_NAMES = CORE_COMMANDS + OPTIONAL_COMMANDS
# Global options followed by a value, as ``requested_command`` must skip the value.
_OPTIONS_WITH_VALUE = ("--db", "--as")


def build_parser(only: str | None = None) -> OneLineParser:
    """Return the argument parser: every command, or just the command ``only``.

    Building the one command a run needs saves importing and registering the eleven others
    (~10 ms of a cold start); a parser of one command parses that command exactly as the full
    one does.
    """
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
    for module in command_modules(only):
        module.register(commands)
    return parser


def command_modules(only: str | None = None) -> list[ModuleType]:
    """Import the command modules (all, or the one named ``only``) in their listed order."""
    modules = []
    for name in COMMAND_NAMES if only is None else (only,):
        try:
            modules.append(importlib.import_module(f"warroom.commands.{name}"))
        except ModuleNotFoundError as error:
            if name in CORE_COMMANDS or error.name != f"warroom.commands.{name}":
                raise
    return modules


def requested_command(argv: Sequence[str]) -> str | None:
    """Return the command ``argv`` runs, or None when the full parser is needed.

    None for help, --version, --self-test, no command, or a word that is not a command (the
    full parser then reports it with the list of commands).
    """
    skip_value = False
    for token in argv:
        if skip_value:
            skip_value = False
        elif token in ("-h", "--help", "--"):
            return None
        elif token.startswith("-"):
            # '--db URL' and any abbreviation argparse accepts ('--d URL'); not '--db=URL'.
            skip_value = (
                len(token) > 2
                and "=" not in token
                and any(option.startswith(token) for option in _OPTIONS_WITH_VALUE)
            )
        else:
            return token if token in COMMAND_NAMES else None
    return None


def default_actor() -> str:
    """Return who acts: ``$WARROOM_USER``, else the OS user."""
    name = os.environ.get(USER_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def not_utf8(text: str) -> str | None:
    """Return ``text``'s bytes shown escaped when they are not UTF-8 (else None).

    Python decodes arguments and environment variables with 'surrogateescape': a byte that
    is not UTF-8 becomes a lone surrogate, which would fail much later, when written.
    """
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return None
    return repr(text.encode("utf-8", "surrogateescape"))[2:-1]


def acting_person(given: str | None) -> tuple[str, str | None]:
    """Return who acts (``--as``, ``$WARROOM_USER``, the OS user) and why it is refused.

    A name with control, bidirectional-override or invisible characters, or bytes that are
    not UTF-8, is refused: it would be printed on terminals, in logs and in exports.
    """
    from warroom.domain.errors import ValidationError
    from warroom.domain.names import check_name

    if (given or "").strip():
        source = "--as"
    else:
        source = USER_ENV if os.environ.get(USER_ENV, "").strip() else "the OS user name"
    actor = (given or "").strip() or default_actor()
    shown = not_utf8(actor)
    if shown is not None:
        return actor, f"{source} {shown!r} is not valid UTF-8 text"
    try:
        check_name(actor, source)
    except ValidationError as error:
        return actor, str(error)
    return actor, None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    for position, argument in enumerate(args_list, start=1):
        shown = not_utf8(argument)
        if shown is not None:
            print_error(f"argument {position} ({shown}) is not valid UTF-8 text")
            return 2
    args = build_parser(requested_command(args_list)).parse_args(args_list)
    if args.self_test:
        from warroom.selftest import run_self_test

        gc_policy.become_long_running()
        return run_self_test()
    actor, refusal = acting_person(args.actor)
    if refusal is not None:
        print_error(refusal)
        return 2
    if args.command is None:
        gc_policy.become_long_running()
        return _open_window(args.db, (args.actor or "").strip() or None)
    # Named explicitly (--as or $WARROOM_USER), not taken from the OS account: in team mode
    # such a name must be the connected person.
    named = bool((args.actor or "").strip() or os.environ.get(USER_ENV, "").strip())
    from warroom.logging_setup import configure_logging

    configure_logging()
    ctx = CommandContext(
        args=args,
        requested_actor=actor,
        db_url=args.db,
        as_json=bool(args.json),
        actor_given=named,
    )
    try:
        return int(args.handler(ctx))
    except UsageError as error:
        print_error(str(error))
        return 2
    except WarRoomError as error:
        print_error(str(error))
        return 1
    except BrokenPipeError:
        # The reader (e.g. 'head') closed the pipe: not our failure, and nothing to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print_error("interrupted")
        return 130
    except Exception as error:
        logging.getLogger(__name__).exception("unexpected error")
        print_error(f"unexpected {type(error).__name__}: {error} (details in the log file)")
        return 1
    finally:
        ctx.close()


def run() -> int:
    """Entry point of the ``warroom`` program (console script, ``python -m``, bundle).

    Runs ``main`` as a short-lived process, as far as garbage collection goes: see
    ``warroom.gc_policy``. Code that calls ``main`` in-process keeps its collector as it is.
    """
    gc_policy.start_short_lived()
    try:
        return main()
    finally:
        gc_policy.finish_short_lived()


def _open_window(db_url: str | None, actor: str | None) -> int:
    try:
        from warroom.ui.shell.app import run_window
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
