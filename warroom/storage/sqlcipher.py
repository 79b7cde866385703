"""Encrypted SQLite files (SQLCipher 4): telling them apart, finding their key, opening them.

An encrypted War Room file starts with the 16 random bytes of its SQLCipher salt instead of
``SQLite format 3``. Its key is a random 256-bit raw key (no passphrase, so no slow key
derivation on every open) kept only in the OS keychain, under the account
``database-key:<salt in hex>``. The salt is part of the raw key given to SQLCipher, so every
copy made by War Room (backups, the converted file) keeps the same salt and therefore finds
the same key, wherever the file was moved.

The ``sqlcipher3`` module is imported only when an encrypted file is met: a clear database
costs one 16-byte read here.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets as random_bytes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from warroom.domain.errors import StorageError
from warroom.storage.secrets import SERVICE, SecretStore, SecretStoreUnavailable

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_ACCOUNT_PREFIX = "database-key:"
SALT_BYTES = 16
KEY_BYTES = 32
# SQLCipher files are whole pages; a text file or a truncated copy is not taken for one.
_SMALLEST_PAGE = 512


class MissingKey(StorageError):
    """The file is encrypted and the keychain has no key for it."""


class WrongKey(StorageError):
    """The keychain's key does not open the file."""


@dataclass(frozen=True, slots=True)
class CipherKey:
    """A raw SQLCipher key and the salt it is used with (both hex)."""

    key_hex: str
    salt_hex: str

    @property
    def account(self) -> str:
        """Return the keychain account holding this key."""
        return key_account(self.salt_hex)

    def pragma(self) -> str:
        """Return the ``PRAGMA key`` statement (raw key with explicit salt: no derivation)."""
        return f"PRAGMA key = \"x'{self.key_hex}{self.salt_hex}'\""

    def attach_clause(self) -> str:
        """Return the ``KEY`` clause of an ``ATTACH`` that encrypts with this key."""
        return f"KEY \"x'{self.key_hex}{self.salt_hex}'\""


def key_account(salt_hex: str) -> str:
    """Return the keychain account of the key for files with this salt."""
    return f"{KEY_ACCOUNT_PREFIX}{salt_hex}"


def where_expected(salt_hex: str) -> str:
    """Say where the key of a file is expected, for messages."""
    return f"the OS keychain, service {SERVICE!r}, account {key_account(salt_hex)!r}"


def new_key() -> CipherKey:
    """Return a fresh random key and salt."""
    return CipherKey(random_bytes.token_hex(KEY_BYTES), random_bytes.token_hex(SALT_BYTES))


# Headers already read, by file identity (device, inode). Closing ANY descriptor of a file
# drops every POSIX advisory lock this process holds on it, including the ones SQLite's own
# connections hold: another process closing its connection would then believe it is the
# last one, checkpoint and delete the -wal under our feet. So a file this process has open
# through SQLite must not be opened again by hand: its header is read once (when the
# database is opened, before any connection) and remembered. A header never changes for the
# life of an inode (the salt of an encrypted file, "SQLite format 3" of a clear one); a
# conversion writes a new file, which is a new inode.
_HEADERS: dict[tuple[int, int], bytes] = {}


def read_header(path: Path) -> bytes:
    """Return the first 16 bytes of ``path`` (fewer for a short file; b'' if missing)."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return b""
    identity = (info.st_dev, info.st_ino)
    known = _HEADERS.get(identity)
    if known is not None:
        return known
    try:
        with path.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return b""
    if len(header) == len(SQLITE_HEADER):
        _HEADERS[identity] = header
    return header


def remember_clear(path: Path) -> None:
    """Note that ``path`` (being opened as a clear database) has SQLite's own header.

    A new file is still empty when it is opened, so its header cannot be read and cached
    then; once SQLite holds it open, reading it by hand would drop SQLite's locks.
    """
    try:
        info = path.stat()
    except OSError:
        return
    _HEADERS.setdefault((info.st_dev, info.st_ino), SQLITE_HEADER)


def is_encrypted(path: Path) -> bool:
    """Tell whether ``path`` looks like a SQLCipher file (not clear SQLite, whole pages)."""
    header = read_header(path)
    if len(header) < SALT_BYTES or header == SQLITE_HEADER:
        return False
    size = path.stat().st_size
    return size % _SMALLEST_PAGE == 0


def key_for(path: Path, secrets: SecretStore | None = None) -> CipherKey | None:
    """Return the key of an encrypted file, None for a clear (or new, or foreign) one.

    Raises StorageError with one line saying where the key is expected when the file is
    encrypted and the keychain does not have its key.
    """
    header = read_header(path)
    if len(header) < SALT_BYTES or header == SQLITE_HEADER:
        return None
    salt = header.hex()
    plausible = is_encrypted(path)
    try:
        key = (secrets or SecretStore()).get_database_key(key_account(salt))
    except SecretStoreUnavailable:
        if not plausible:
            return None
        raise MissingKey(
            f"{path} is encrypted, and this machine has no usable keychain: its key is "
            f"expected in {where_expected(salt)}"
        ) from None
    if not key:
        if not plausible:
            return None  # not ours at all: the normal checks say "not a War Room database"
        raise MissingKey(
            f"{path} is encrypted and its key is missing: it is expected in "
            f"{where_expected(salt)}; the file was left unchanged"
        )
    return CipherKey(key, salt)


def connect(
    path: Path, key: CipherKey | None, *, readonly: bool = False, timeout: float = 30
) -> Any:
    """Return a DB-API connection to ``path``: sqlite3 for a clear file, keyed sqlcipher3 else.

    The connection runs in autocommit mode (``isolation_level = None``): callers say BEGIN.
    """
    target = f"file:{_uri_path(path)}?mode=ro" if readonly else str(path)
    if key is None:
        import sqlite3

        connection: Any = sqlite3.connect(
            target, timeout=timeout, uri=readonly, check_same_thread=False
        )
    else:
        connection = _sqlcipher().connect(
            target, timeout=timeout, uri=readonly, check_same_thread=False
        )
        connection.execute(key.pragma())
    connection.isolation_level = None
    return connection


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()))


@functools.cache
def _sqlcipher() -> Any:
    import sqlcipher3

    # SQLCipher writes its own error lines on stderr (e.g. "hmac check failed"): the CLI
    # promises one line per error, so they are silenced; failures still raise.
    probe = sqlcipher3.connect(":memory:")
    try:
        probe.execute("PRAGMA cipher_log_level = NONE")
    finally:
        probe.close()
    return sqlcipher3


def check_key(path: Path, key: CipherKey) -> None:
    """Raise StorageError("wrong key ...") unless ``key`` opens ``path``."""
    connection = connect(path, key, readonly=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except _sqlcipher().DatabaseError as error:
        if "not a database" not in str(error):
            raise StorageError(f"cannot open the encrypted database {path}: {error}") from None
        raise WrongKey(
            f"wrong key: the key kept in {where_expected(key.salt_hex)} does not open {path} "
            "(or the file is damaged); it was left unchanged"
        ) from None
    finally:
        connection.close()


def engine_for(url: str, path_text: str | None, *, timeout: float) -> Engine | None:
    """Return an engine for an encrypted file at ``path_text``, or None if it is not one.

    This is the hook ``database.open_database`` calls: the key goes in first on every new
    connection (before SQLAlchemy or the pragmas touch the file), and a wrong key is
    refused here, as "wrong key", before anything else reads the file.
    """
    if not path_text or path_text == ":memory:" or path_text.startswith("file:"):
        return None
    path = Path(path_text)
    key = key_for(path)
    if key is None:
        return None
    check_key(path, key)
    return keyed_engine(url, path, key, timeout=timeout)


def keyed_engine(url: str, path: Path, key: CipherKey, *, timeout: float) -> Engine:
    """Return a SQLAlchemy engine whose connections open ``path`` with ``key``."""
    module = _sqlcipher()

    def creator() -> Any:
        connection = module.connect(str(path), timeout=timeout, check_same_thread=False)
        connection.execute(key.pragma())
        return connection

    return create_engine(url, creator=creator, module=module)


def create_encrypted(path: Path, key: CipherKey) -> None:
    """Create an empty encrypted file at ``path`` (its header then holds the salt)."""
    connection = connect(path, key)
    try:
        connection.execute("CREATE TABLE warroom_init (x INTEGER)")
        connection.execute("DROP TABLE warroom_init")
    finally:
        connection.close()
    if read_header(path).hex() != key.salt_hex:
        raise StorageError(f"SQLCipher did not write the expected header to {path}")


def overwrite_and_remove(path: Path) -> None:
    """Overwrite a file's bytes with zeros, flush them to disk, then remove it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as stream:
        overwrite_open_file(stream.fileno(), size)
    path.unlink()


def overwrite_open_file(descriptor: int, size: int) -> None:
    """Overwrite ``size`` bytes of an open file with zeros and flush them to disk."""
    block = b"\x00" * 1024 * 1024
    os.lseek(descriptor, 0, os.SEEK_SET)
    remaining = size
    while remaining > 0:
        remaining -= os.write(descriptor, block[: min(len(block), remaining)])
    os.fsync(descriptor)
