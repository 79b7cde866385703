"""Write an export all at once or not at all: a temp file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from warroom.domain.errors import ValidationError


def check_target(path: Path) -> Path:
    """Refuse a target in a missing folder or that is a folder; return the absolute path."""
    target = path.expanduser().absolute()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give a file name to export to")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist; create it first")
    return target


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it replaces ``path``, else it is removed."""
    target = check_target(path)
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as error:
        raise ValidationError(
            f"cannot write in {target.parent}: {error.strerror or error}"
        ) from None
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


@contextmanager
def replacing_text(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """Yield a UTF-8 text stream whose content replaces ``path`` only once fully written."""
    with replacing(path) as temp, temp.open("w", encoding="utf-8", newline=newline) as stream:
        yield stream
