"""Argument types and parser helpers shared by the subcommands."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from warroom.commands.base import Handler
from warroom.domain.terminal_text import terminal_line

#: The largest id the database can hold (a 32-bit INTEGER column on PostgreSQL): a larger
#: number cannot name anything, and the driver would fail on it with an overflow.
MAX_ID = 2**31 - 1


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line: ``error: ...``, exit 2."""

    def error(self, message: str) -> Any:
        """Print the problem on one line and exit 2 (bad usage)."""
        self.exit(2, f"error: {terminal_line(message)} (see '{self.prog} --help')\n")


def add_subparser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    *,
    handler: Handler | None = None,
) -> argparse.ArgumentParser:
    """Add a subcommand sharing the common options (--json, --db, --as)."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    add_common_options(parser, suppress_defaults=True)
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_common_options(parser: argparse.ArgumentParser, *, suppress_defaults: bool) -> None:
    """Add --json, --db and --as; a subcommand's copy does not override the global one."""
    default: Any = argparse.SUPPRESS if suppress_defaults else None
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress_defaults else False,
        help="print one JSON document on stdout",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL (default: $WARROOM_DB, else the embedded file)",
    )
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        default=default,
        help="who acts (default: $WARROOM_USER, else the OS user)",
    )


def positive_id(value: str) -> int:
    """Parse an id: a whole number of 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an id (a whole number)") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not an id (ids start at 1)")
    if number > MAX_ID:
        raise argparse.ArgumentTypeError(f"{value!r} is too large to be an id (at most {MAX_ID})")
    return number


def severity(value: str) -> int:
    """Parse a severity 1..4 (or SEV1..SEV4)."""
    text = value.strip().upper().removeprefix("SEV")
    if text not in {"1", "2", "3", "4"}:
        raise argparse.ArgumentTypeError(f"severity must be 1, 2, 3 or 4, not {value!r}")
    return int(text)


def iso_time(value: str) -> datetime:
    """Parse an ISO-8601 time; without a zone it is taken as UTC."""
    from warroom.domain.clock import parse_iso

    try:
        return parse_iso(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a time; use ISO 8601 such as 2026-11-23T14:05Z"
        ) from None
