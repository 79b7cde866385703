"""What every subcommand handler receives, and how it prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from warroom.domain.terminal_text import (
    json_c1_escaped,
    terminal_line,
    terminal_lines,
    terminal_text,
)

if TYPE_CHECKING:
    from warroom.services import Services
    from warroom.services.quick_reads import QuickReads

Handler = Callable[["CommandContext"], int]

#: lines of a long listing escaped and written together
_LINES_PER_WRITE = 256


@dataclass
class CommandContext:
    """Parsed arguments, the acting person, and lazily opened services.

    ``requested_actor`` is who the command line names (``--as``, ``WARROOM_USER``, else the
    OS user); ``actor_given`` tells whether it was named explicitly. In team mode, connected
    with a person's own login, :attr:`actor` is that person, and an explicit other name is
    refused ("you are connected as priya").
    """

    args: argparse.Namespace
    requested_actor: str
    db_url: str | None
    as_json: bool
    actor_given: bool = False
    _services: Services | None = field(default=None, repr=False)
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _actor: str | None = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        """Return who acts (bound to the database login in team mode)."""
        if self._actor is None:
            actor = self.requested_actor
            services = self.services
            if not services.db.is_sqlite:
                from warroom.domain.names import same_name
                from warroom.domain.people import NotPermittedError

                me = services.people.connected_person()
                if me is not None:
                    if self.actor_given and not same_name(me.name, actor):
                        raise NotPermittedError(f"you are connected as {me.name}")
                    actor = me.name
            self._actor = actor
        return self._actor

    @property
    def services(self) -> Services:
        """Open the database and build the services on first use."""
        if self._services is None:
            from warroom.services import build_services
            from warroom.storage.database import open_database
            from warroom.storage.private_files import user_files_warnings

            db = open_database(self.db_url, progress=print_progress)
            for warning in db.warnings + user_files_warnings():
                print_warning(warning)
            self._services = build_services(db)
        return self._services

    def quick_paths_open(self) -> bool:
        """Tell whether a command may still read the database without the services (they
        are not open yet: once they are, everything goes through them)."""
        return self._services is None

    def quick_reads(self) -> QuickReads | None:
        """Return the SQLAlchemy-free reader of the embedded file, when it applies.

        None when the services are open already, or the database is not a plain SQLite file
        at this version's schema: the command then reads through :attr:`services`.
        """
        if not self.quick_paths_open():
            return None
        from warroom.services.quick_reads import open_quick_reads

        reads = open_quick_reads(self.db_url)
        if reads is not None:
            self._closers.append(reads.close)
        return reads

    def emit(self, data: Any, human: str | Callable[[], str]) -> None:
        """Print ``data`` as one JSON document with ``--json``, else the human text."""
        if self.as_json:
            # Serialise fully before writing: a failure never leaves half a document.
            document = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            sys.stdout.write(json_c1_escaped(document) + "\n")
        else:
            text = human() if callable(human) else human
            if text:
                print_text(text)

    def emit_lines(self, lines: Iterable[str], *, empty: str) -> None:
        """Print human lines as they come (a long listing starts at once), or ``empty``.

        Each line is escaped like every other human output (see :func:`print_text`).
        """
        printed = False
        write = sys.stdout.write
        chunk: list[str] = []
        # Escaped and written a block at a time (as print_text would, line by line: the
        # escaping keeps newlines, so a block escapes to the same text); the first at once.
        for line in lines:
            chunk.append(line)
            if len(chunk) >= _LINES_PER_WRITE or not printed:
                write(terminal_lines(chunk) + "\n")
                chunk.clear()
                printed = True
        if chunk:
            write(terminal_lines(chunk) + "\n")
        if not printed:
            print_text(empty)

    def emit_batches(self, batches: Iterable[list[str]], *, empty: str) -> None:
        """Print batches of human lines as they come, each escaped and written at once (a
        listing of a million lines starts at once, and holds one batch), or ``empty``."""
        printed = False
        write = sys.stdout.write
        for batch in batches:
            if batch:
                write(terminal_lines(batch) + "\n")
                printed = True
        if not printed:
            print_text(empty)

    def close(self) -> None:
        """Release the database connection."""
        for close in self._closers:
            close()
        if self._services is not None:
            self._services.db.dispose()


def print_progress(what: str, done: int, total: int) -> None:
    """Say on stderr how far a long step has got (e.g. indexing a large timeline)."""
    print(f"upgrading: {terminal_line(what)}: {done:,} of {total:,}", file=sys.stderr, flush=True)


def print_text(text: str, *, flush: bool = False) -> None:
    """Print human output on stdout, every control character but newline and tab escaped."""
    print(terminal_text(text), flush=flush)


def print_error(message: str) -> None:
    """Print one ``error: ...`` line on stderr (line breaks and controls made inert)."""
    print(f"error: {terminal_line(message)}", file=sys.stderr)


def print_warning(message: str) -> None:
    """Print one ``warning: ...`` line on stderr (line breaks and controls made inert)."""
    print(f"warning: {terminal_line(message)}", file=sys.stderr)


def read_stdin() -> str:
    """Return all of standard input as text, refusing bytes that are not UTF-8."""
    from warroom.domain.errors import ValidationError

    if sys.stdin is None:
        return ""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"standard input is not valid UTF-8 text (byte {error.start + 1} is not); "
            "save it as UTF-8 and try again"
        ) from None


def read_text_argument(value: str) -> str:
    """Return ``value``, or standard input when the value is '-'."""
    return read_stdin() if value == "-" else value
