"""``warroom init [--encrypt]``: create a new, empty War Room database.

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
    parser = add_subparser(
        subparsers,
        "init",
        "create a new, empty database (refuses one that exists)",
        handler=_init,
    )
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt the file (SQLCipher); its key is kept only in the OS keychain",
    )


def _init(ctx: CommandContext) -> int:
    from warroom.services.encryption import init_database

    database = init_database(ctx.db_url, encrypt=ctx.args.encrypt)
    try:
        location = database.location
    finally:
        database.dispose()
    state = "encrypted " if ctx.args.encrypt else ""
    ctx.emit(
        {"database": location, "created": True, "encrypted": bool(ctx.args.encrypt)},
        f"created a new {state}War Room database at {location}",
    )
    return 0
