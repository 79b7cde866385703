"""``warroom encrypt``: encrypt the embedded database file in place (SQLCipher)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser

if TYPE_CHECKING:
    from warroom.services.encryption import ConversionResult


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``encrypt`` command."""
    add_subparser(
        subparsers,
        "encrypt",
        "encrypt the database file; its key goes to the OS keychain (close the window first)",
        handler=_encrypt,
    )


def _encrypt(ctx: CommandContext) -> int:
    from warroom.services.encryption import encrypt_database

    result = encrypt_database(ctx.db_url)
    ctx.emit(
        conversion_json(result),
        f"encrypted {result.path} ({result.incidents} incidents, {result.entries} entries, "
        f"every chain intact); the clear file was overwritten and removed. The key is in the "
        f"keychain as {result.key_account!r}: without it the file cannot be read. Backups "
        "taken before now are not encrypted: delete them if they must not be readable",
    )
    return 0


def conversion_json(result: ConversionResult) -> dict[str, Any]:
    """Return a conversion's outcome as JSON data (never the key itself)."""
    return {
        "database": str(result.path),
        "encrypted": result.encrypted,
        "incidents": result.incidents,
        "entries": result.entries,
        "key_account": result.key_account,
        "seconds": round(result.seconds, 3),
    }
