"""Writing a sealed archive: a zip (optionally AES-256 encrypted) whose members are hashed
as they are written, then listed in ``MANIFEST.sha256`` and sealed with a signature.

Text members stream straight into the zip (an export never exists as a clear file beside
an encrypted archive); files (the PDF) are copied in chunks. Encryption is WinZip AES
(``WZ_AES``, 256-bit) through the maintained ``pyzipper`` package: the members' content is
encrypted and authenticated, their names and sizes are not (a property of ZIP itself).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TextIO

from warroom.domain.archive_manifest import (
    INFO_NAME,
    MANIFEST_NAME,
    SEAL_NAME,
    ArchiveInfo,
    Seal,
    format_manifest,
    info_bytes,
    seal_bytes,
    sha256_hex,
    unsafe_member_reason,
)
from warroom.domain.errors import ValidationError

CHUNK = 1 << 20
#: the AES key size of an encrypted archive
AES_BITS = 256
PYZIPPER_MISSING = (
    "password-protected archives need the 'pyzipper' package, which is not installed "
    "(pip install pyzipper)"
)


def aes_zip_module() -> Any:
    """Return ``pyzipper``, or refuse in one line when it is not installed."""
    try:
        import pyzipper
    except ImportError:
        raise ValidationError(PYZIPPER_MISSING) from None
    return pyzipper


class _Hashing(io.RawIOBase):
    """A write-only stream that hashes what passes through it into ``sink``."""

    def __init__(self, sink: IO[bytes]) -> None:
        super().__init__()
        self._sink = sink
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self._sink.write(chunk)
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._sink.close()


class ArchiveWriter:
    """A zip being written: add members, then :meth:`seal`; a context manager that closes
    the zip (the caller removes the file when anything failed)."""

    def __init__(self, path: Path, *, when: datetime, password: str | None = None) -> None:
        self._stamp = when.timetuple()[:6] if when.year >= 1980 else (1980, 1, 1, 0, 0, 0)
        self._hashes: list[tuple[str, str]] = []
        self.encrypted = password is not None
        if password is None:
            self._zip: Any = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        else:
            pyzipper = aes_zip_module()
            self._zip = pyzipper.AESZipFile(
                path, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
            )
            self._zip.setpassword(password.encode("utf-8"))
            self._zip.setencryption(pyzipper.WZ_AES, nbits=AES_BITS)

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._zip.close()

    @property
    def member_count(self) -> int:
        """Return how many members were written (the manifest and its seal included)."""
        return len(self._zip.infolist())

    def _open(self, name: str) -> IO[bytes]:
        reason = unsafe_member_reason(name)
        if reason is not None or any(name == n for n, _ in self._hashes):
            raise ValueError(f"cannot add the member {name!r}: {reason or 'added twice'}")
        info = getattr(self._zip, "zipinfo_cls", zipfile.ZipInfo)(name, self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        stream: IO[bytes] = self._zip.open(info, "w", force_zip64=True)
        return stream

    @contextmanager
    def text_member(self, name: str, *, newline: str | None = "\n") -> Iterator[TextIO]:
        """Yield a UTF-8 text stream whose content becomes member ``name``."""
        raw = _Hashing(self._open(name))
        with io.TextIOWrapper(
            io.BufferedWriter(raw, CHUNK), encoding="utf-8", newline=newline
        ) as stream:
            yield stream
        self._hashes.append((name, raw.digest.hexdigest()))

    def add_bytes(self, name: str, data: bytes) -> None:
        """Add member ``name`` holding ``data``."""
        with self._open(name) as stream:
            stream.write(data)
        self._hashes.append((name, sha256_hex(data)))

    def add_file(self, name: str, path: Path, progress: Callable[[], None] = lambda: None) -> None:
        """Copy the file at ``path`` into member ``name``, in chunks."""
        digest = hashlib.sha256()
        with path.open("rb") as source, self._open(name) as stream:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                stream.write(chunk)
                progress()
        self._hashes.append((name, digest.hexdigest()))

    def seal(self, info: ArchiveInfo, sign: Callable[[bytes], str]) -> Seal:
        """Add ``manifest.json``, ``MANIFEST.sha256`` over every member, and its signature
        ``MANIFEST.sig`` by ``sign`` (the archiving person's key)."""
        self.add_bytes(INFO_NAME, info_bytes(info))
        manifest = format_manifest(self._hashes)
        seal = Seal(sha256_hex(manifest), info.archived_by, info.key, sign(manifest))
        self.add_bytes(MANIFEST_NAME, manifest)
        self.add_bytes(SEAL_NAME, seal_bytes(seal))
        return seal
