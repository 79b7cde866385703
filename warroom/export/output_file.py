"""Write an export all at once or not at all: a temp file in the same folder, then a rename.

Only a regular file is ever written: a device node, FIFO, socket or folder named as the
target is refused (replacing ``/dev/sda`` or a pipe with a file would be a surprise at best).
The temp file (``.<name>.<pid>.<random>.part``) is created 0600 and removed when the export
fails or is interrupted; one left by a process that was killed is removed by the next export
to the same target. A full disk is one clear line, not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from warroom.domain.errors import StorageError, ValidationError

_KINDS = (
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def check_target(path: Path) -> Path:
    """Refuse a target that is not (or would not be) a regular file; return the absolute path."""
    target = path.expanduser().absolute()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give a file name to export to")
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise ValidationError(f"cannot export to {target}: {error.strerror or error}") from None
    if mode is not None:
        for test, kind in _KINDS:
            if test(mode):
                raise ValidationError(
                    f"{target} is {kind}, not a regular file; export writes only regular files"
                )
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist; create it first")
    return target


def _prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


def remove_abandoned_parts(target: Path) -> list[Path]:
    """Remove temp files of earlier exports to ``target`` whose process is gone."""
    removed = []
    for part in target.parent.glob(f".{target.name}.*.part"):
        pid_text = part.name[len(target.name) + 2 :].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            part.unlink()
            removed.append(part)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, ValueError):
        return True  # someone else's process, or no way to tell: leave its file alone
    return True


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it replaces ``path``, else it is removed."""
    target = check_target(path)
    remove_abandoned_parts(target)
    try:
        handle, name = tempfile.mkstemp(prefix=_prefix(target), suffix=".part", dir=target.parent)
    except OSError as error:
        raise ValidationError(
            f"cannot write in {target.parent}: {error.strerror or error}"
        ) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StorageError(write_failure(target, error)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_failure(target: Path, error: OSError) -> str:
    """Return the one line for an export that could not be written."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        why = "the disk is full (no space left on the device)"
    elif error.errno == errno.EFBIG:
        why = "the file would be larger than this system allows"
    else:
        why = error.strerror or str(error)
    return (
        f"cannot write the export {target}: {why}; nothing was written "
        "(the incomplete file was removed)"
    )


@contextmanager
def replacing_text(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """Yield a UTF-8 text stream whose content replaces ``path`` only once fully written."""
    with replacing(path) as temp, temp.open("w", encoding="utf-8", newline=newline) as stream:
        yield stream


@contextmanager
def scratch_file(target: Path) -> Iterator[Path]:
    """Yield a private (0600) temp file beside ``target``, always removed afterwards.

    It is named like ``target``'s own temp files, so one left by a killed process is
    removed by the next write to ``target`` (:func:`remove_abandoned_parts`).
    """
    try:
        handle, name = tempfile.mkstemp(prefix=_prefix(target), suffix=".part", dir=target.parent)
    except OSError as error:
        raise ValidationError(
            f"cannot write in {target.parent}: {error.strerror or error}"
        ) from None
    os.close(handle)
    try:
        yield Path(name)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
