"""``warroom decrypt``: turn the encrypted database file back into a clear one."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``decrypt`` command."""
    add_subparser(
        subparsers,
        "decrypt",
        "decrypt the database file (close the window first)",
        handler=_decrypt,
    )


def _decrypt(ctx: CommandContext) -> int:
    from warroom.commands.encrypt import conversion_json
    from warroom.services.encryption import decrypt_database

    result = decrypt_database(ctx.db_url)
    ctx.emit(
        conversion_json(result),
        f"decrypted {result.path} ({result.incidents} incidents, {result.entries} entries, "
        f"every chain intact). The key stays in the keychain as {result.key_account!r}: "
        "encrypted backups still need it",
    )
    return 0
