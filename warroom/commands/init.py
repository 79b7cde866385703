"""``warroom init``: create a new, empty War Room database.

At ``--db`` (or ``$WARROOM_DB``, else the default location). A database that already holds
anything is refused and left unchanged; an empty file is turned into a database, since
creating one is what was asked for.
"""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``init`` command."""
    add_subparser(
        subparsers,
        "init",
        "create a new, empty War Room database at --db (or the default location)",
        handler=_init,
    )


def _init(ctx: CommandContext) -> int:
    from warroom.storage.database import open_database

    database = open_database(ctx.db_url, new=True)
    try:
        location = database.location
    finally:
        database.dispose()
    ctx.emit(
        {"database": location, "created": True},
        f"created a new War Room database at {location}",
    )
    return 0
