"""Reading a sealed archive: recognise a zip by its first bytes, open it (with its password
when it is encrypted), and read or hash its members without extracting anything to disk.

A wrong or missing password is one clear refusal; a member whose bytes no longer match
the zip's own CRC-32 or AES authentication code is reported as damaged, not as a crash.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from pathlib import Path
from types import TracebackType
from typing import Any

from warroom.domain.errors import ValidationError
from warroom.export.archive_zip import CHUNK, aes_zip_module

#: a zip's first bytes: a local file header, or the end record of an empty zip
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_FLAG = 0x1
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError)


def is_zip_file(path: Path) -> bool:
    """Tell whether ``path`` starts like a zip archive (whatever its name)."""
    try:
        with path.open("rb") as stream:
            return stream.read(4) in ZIP_MAGICS
    except OSError:
        return False


class PasswordNeeded(ValidationError):
    """The archive is encrypted and no password was given."""


class WrongPassword(ValidationError):
    """The password given does not open the archive."""


class MemberDamaged(Exception):
    """A member's bytes do not match the zip's own check (CRC-32 or AES code), or are too long."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"the member {name} {why}")
        self.name = name


class ArchiveReader:
    """An open archive: its member names, in order (duplicates kept), and their content."""

    def __init__(self, path: Path, password: str | None = None) -> None:
        self.path = path
        try:
            self._zip: Any = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ValidationError(f"{path} is not a readable zip archive ({error})") from None
        infos = self._zip.infolist()
        self.names: list[str] = [info.filename for info in infos]
        locked = [info.filename for info in infos if info.flag_bits & _ENCRYPTED_FLAG]
        self.encrypted = bool(locked)
        self._errors: tuple[type[BaseException], ...] = _READ_ERRORS
        if self.encrypted:
            self._zip.close()
            # pyzipper's zip module is a fork with its own BadZipFile
            self._errors += (aes_zip_module().BadZipFile,)
            self._zip = self._open_encrypted(path, password, locked[0])

    def _open_encrypted(self, path: Path, password: str | None, first: str) -> Any:
        if password is None:
            raise PasswordNeeded(
                f"{path} is encrypted; give its password with --password-file FILE or "
                "--password-stdin"
            )
        archive = aes_zip_module().AESZipFile(path)
        archive.setpassword(password.encode("utf-8"))
        try:
            archive.open(first).close()
        except RuntimeError as error:
            archive.close()
            if "password" in str(error).lower():
                raise WrongPassword(f"wrong password for {path}") from None
            raise ValidationError(f"cannot decrypt {path}: {error}") from None
        except self._errors as error:
            archive.close()
            raise ValidationError(f"{path} is not a readable zip archive ({error})") from None
        return archive

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()

    def read(self, name: str, limit: int | None = None) -> bytes:
        """Return member ``name``'s content (refusing more than ``limit`` bytes)."""
        parts = []
        size = 0
        for chunk in self._chunks(name):
            size += len(chunk)
            if limit is not None and size > limit:
                raise MemberDamaged(name, f"is larger than a War Room {name} can be")
            parts.append(chunk)
        return b"".join(parts)

    def sha256(self, name: str) -> str:
        """Return the SHA-256 (hex) of member ``name``'s content, read in chunks."""
        digest = hashlib.sha256()
        for chunk in self._chunks(name):
            digest.update(chunk)
        return digest.hexdigest()

    def _chunks(self, name: str) -> Any:
        try:
            with self._zip.open(name) as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk
        except RuntimeError as error:  # an encrypted member another password would open
            raise MemberDamaged(name, f"cannot be decrypted ({error})") from None
        except self._errors as error:
            text = str(error)
            if "HMAC" in text:
                why = "does not match its AES authentication code (changed after archiving)"
            elif "CRC" in text:
                why = "does not match its CRC-32 (damaged or changed after archiving)"
            elif isinstance(error, zlib.error):
                why = "cannot be decompressed (damaged or changed after archiving)"
            else:
                why = f"cannot be read ({text})"
            raise MemberDamaged(name, why) from None
