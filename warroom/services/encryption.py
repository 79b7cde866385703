"""Creating a database, and encrypting or decrypting the embedded file in place.

The key of an encrypted file is made here, kept only in the OS keychain (stored before
the file exists, so a file is never left without its key), and never printed. Converting
an existing file writes a verified copy with the other encryption, swaps it in atomically
and overwrites the old file: at every moment there is one complete database at the path.
Decrypting keeps the key in the keychain, as encrypted backups still need it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from warroom.domain.errors import RuleViolation, StorageError, ValidationError
from warroom.services.snapshot_check import check_file
from warroom.storage import sqlcipher
from warroom.storage.database import Database, open_database
from warroom.storage.locations import resolve_database_url
from warroom.storage.secrets import SecretStore
from warroom.storage.server_login import is_server_url
from warroom.storage.sqlcipher_convert import converting
from warroom.storage.store_init import server_has_tables

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConversionResult:
    """What an encryption or decryption did."""

    path: Path
    encrypted: bool
    incidents: int
    entries: int
    key_account: str
    seconds: float


def sqlite_path(url: str | None) -> Path:
    """Return the embedded file named by ``url`` (default: $WARROOM_DB or the embedded one)."""
    resolved = resolve_database_url(url)
    if is_server_url(resolved):
        raise ValidationError(
            "encryption at rest is for the embedded SQLite file; a team server's data is "
            "protected by the server's own disk encryption"
        )
    text = resolved.split(":///", 1)[1] if ":///" in resolved else ""
    if not text or text == ":memory:" or text.startswith("file:"):
        raise ValidationError(f"{resolved} is not a database file")
    return Path(text)


def init_database(
    url: str | None, *, encrypt: bool, secrets: SecretStore | None = None
) -> Database:
    """Create a new, empty War Room database; refuse one that already exists."""
    resolved = resolve_database_url(url)
    if is_server_url(resolved):
        if encrypt:
            sqlite_path(resolved)  # refuses, with the reason
        if server_has_tables(resolved):
            raise RuleViolation(f"{resolved} already holds a database; nothing was changed")
        return open_database(resolved, new=True)
    path = sqlite_path(resolved)
    if not path.parent.is_dir():
        raise StorageError(f"the folder {path.parent} does not exist")
    holds_something = path.exists() and path.stat().st_size > 0
    if encrypt and holds_something:
        raise RuleViolation(f"{path} already holds a database; it was left unchanged")
    if encrypt:
        key = sqlcipher.new_key()
        (secrets or SecretStore()).set_database_key(key.account, key.key_hex)
        try:
            sqlcipher.create_encrypted(path, key)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    try:
        # new=True: an empty file becomes the database; one holding anything is refused.
        return open_database(resolved, new=True)
    except BaseException:
        if encrypt:
            path.unlink(missing_ok=True)
        raise


def encrypt_database(url: str | None, *, secrets: SecretStore | None = None) -> ConversionResult:
    """Encrypt the embedded file in place; the key goes to the keychain first."""
    path = _existing(url)
    if sqlcipher.key_for(path, secrets) is not None:
        raise RuleViolation(f"{path} is already encrypted")
    if sqlcipher.read_header(path) != sqlcipher.SQLITE_HEADER:
        raise StorageError(f"{path} is not a SQLite database; nothing was changed")
    key = sqlcipher.new_key()
    store = secrets or SecretStore()
    store.set_database_key(key.account, key.key_hex)
    try:
        return _convert(path, None, key)
    except BaseException:
        store.set_database_key(key.account, "")
        raise


def decrypt_database(url: str | None, *, secrets: SecretStore | None = None) -> ConversionResult:
    """Decrypt the embedded file in place (its key stays in the keychain for old backups)."""
    path = _existing(url)
    key = sqlcipher.key_for(path, secrets)
    if key is None:
        raise RuleViolation(f"{path} is not encrypted")
    sqlcipher.check_key(path, key)
    return _convert(path, key, None)


def _existing(url: str | None) -> Path:
    path = sqlite_path(url)
    if not path.is_file():
        raise StorageError(f"there is no database at {path}")
    return path


def _convert(
    path: Path, key: sqlcipher.CipherKey | None, new_key: sqlcipher.CipherKey | None
) -> ConversionResult:
    started = time.perf_counter()
    # Open once first: a database that needs a schema upgrade is upgraded in its own format.
    open_database(str(path)).dispose()
    converted = path.with_name(f".{path.name}.converting")
    converted.unlink(missing_ok=True)  # a leftover of a conversion cut short
    with converting(path, key) as conversion:
        heads = conversion.heads()
        try:
            conversion.export(converted, new_key)
            check = check_file(converted)
            if not check.ok:
                raise StorageError(f"the converted copy failed verification: {check.problem}")
            if list(check.heads) != heads:
                raise StorageError("the converted copy does not hold the same chains")
        except BaseException:
            converted.unlink(missing_ok=True)
            raise
        conversion.swap(converted)
    open_database(str(path)).dispose()  # back to WAL, and proof that it opens
    used = new_key or key
    return ConversionResult(
        path,
        new_key is not None,
        len(heads),
        sum(head.entry_count for head in heads),
        used.account if used is not None else "",
        time.perf_counter() - started,
    )
