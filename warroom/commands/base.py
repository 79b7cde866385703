"""What every subcommand handler receives, and how it prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from warroom.services import Services

Handler = Callable[["CommandContext"], int]


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

            db = open_database(self.db_url)
            for warning in db.warnings:
                print(f"warning: {warning}", file=sys.stderr)
            self._services = build_services(db)
        return self._services

    def emit(self, data: Any, human: str | Callable[[], str]) -> None:
        """Print ``data`` as one JSON document with ``--json``, else the human text."""
        if self.as_json:
            # Serialise fully before writing: a failure never leaves half a document.
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            text = human() if callable(human) else human
            if text:
                print(text)

    def close(self) -> None:
        """Release the database connection."""
        if self._services is not None:
            self._services.db.dispose()


def read_text_argument(value: str) -> str:
    """Return ``value``, or standard input when the value is '-'."""
    return sys.stdin.read() if value == "-" else value
