"""What every subcommand handler receives, and how it prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warroom.services import Services
    from warroom.services.quick_reads import QuickReads

Handler = Callable[["CommandContext"], int]


@dataclass
class CommandContext:
    """Parsed arguments, the acting person, and lazily opened services."""

    args: argparse.Namespace
    actor: str
    db_url: str | None
    as_json: bool
    _services: Services | None = field(default=None, repr=False)
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def services(self) -> Services:
        """Open the database and build the services on first use."""
        if self._services is None:
            from warroom.services import build_services
            from warroom.storage.database import open_database

            db = open_database(self.db_url, progress=print_progress)
            for warning in db.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            self._services = build_services(db)
        return self._services

    def quick_reads(self) -> QuickReads | None:
        """Return the SQLAlchemy-free reader of the embedded file, when it applies.

        None when the services are open already, or the database is not a plain SQLite file
        at this version's schema: the command then reads through :attr:`services`.
        """
        if self._services is not None:
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
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            text = human() if callable(human) else human
            if text:
                print(text)

    def emit_lines(self, lines: Iterable[str], *, empty: str) -> None:
        """Print human lines as they come (a long listing starts at once), or ``empty``."""
        printed = False
        for line in lines:
            print(line)
            printed = True
        if not printed:
            print(empty)

    def close(self) -> None:
        """Release the database connection."""
        for close in self._closers:
            close()
        if self._services is not None:
            self._services.db.dispose()


def print_progress(what: str, done: int, total: int) -> None:
    """Say on stderr how far a long step has got (e.g. indexing a large timeline)."""
    print(f"upgrading: {what}: {done:,} of {total:,}", file=sys.stderr, flush=True)


def read_text_argument(value: str) -> str:
    """Return ``value``, or standard input when the value is '-'."""
    return sys.stdin.read() if value == "-" else value
