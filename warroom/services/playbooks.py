"""Find and read playbook files: the bundled ones and a person's own."""

from __future__ import annotations

import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.domain.errors import NotFoundError, ValidationError
from warroom.resource_paths import resource

if TYPE_CHECKING:
    from warroom.domain.playbooks import Playbook

PLAYBOOKS_ENV = "WARROOM_PLAYBOOKS"
MAX_PLAYBOOK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PlaybookProblem:
    """A playbook file that could not be used, and why (file, field, problem)."""

    path: Path
    message: str


class PlaybookCatalog:
    """The playbooks found in the bundled folder and in ``$WARROOM_PLAYBOOKS`` (os.pathsep
    separated folders; a file there overrides a bundled playbook with the same key)."""

    def __init__(self, folders: list[Path] | None = None) -> None:
        if folders is None:
            folders = [resource("playbooks")]
            extra = os.environ.get(PLAYBOOKS_ENV, "")
            folders += [Path(part) for part in extra.split(os.pathsep) if part]
        self.folders = folders
        # path -> (size and modification time when parsed, the playbook or why not): a window
        # asks for templates on every refresh; a file is parsed again only once it changed.
        self._parsed: dict[Path, tuple[tuple[int, int], Playbook | ValidationError]] = {}
        self._lock = threading.Lock()

    def load(self) -> tuple[list[Playbook], list[PlaybookProblem]]:
        """Return every valid playbook by key, and a problem for every invalid file."""
        found: dict[str, Playbook] = {}
        problems: list[PlaybookProblem] = []
        for folder in self.folders:
            if not folder.is_dir():
                what = "does not exist" if not folder.exists() else "is not a folder"
                named = "" if folder == resource("playbooks") else f" (named in ${PLAYBOOKS_ENV})"
                message = f"{folder}: the playbook folder {what}{named}"
                problems.append(PlaybookProblem(folder, message))
                continue
            for path in sorted(folder.glob("*.toml")):
                outcome = self._read(path)
                if isinstance(outcome, ValidationError):
                    problems.append(PlaybookProblem(path, str(outcome)))
                else:
                    found[outcome.key] = outcome
        return sorted(found.values(), key=lambda p: p.key), problems

    def _read(self, path: Path) -> Playbook | ValidationError:
        """Return the parsed playbook (from the cache while the file is unchanged)."""
        try:
            stat = path.stat()
            stamp = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            stamp = (-1, -1)
        with self._lock:
            cached = self._parsed.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        outcome: Playbook | ValidationError
        try:
            outcome = read_playbook(path)
        except ValidationError as error:
            outcome = error
        with self._lock:
            self._parsed[path] = (stamp, outcome)
        return outcome

    def get(self, key: str) -> Playbook:
        """Return the playbook ``key``; a broken file for that key is reported as such."""
        playbooks, problems = self.load()
        for playbook in playbooks:
            if playbook.key == key:
                return playbook
        for problem in problems:
            if problem.path.stem == key:
                raise ValidationError(problem.message)
        known = ", ".join(p.key for p in playbooks) or "none"
        raise NotFoundError(f"no playbook {key!r} (playbooks: {known})")


def read_playbook(path: Path) -> Playbook:
    """Read and validate one playbook file.

    Read with limits, because a playbook folder is a place where anything can turn up: only
    a regular file (a FIFO would block forever, a link to ``/dev/zero`` would never end), and
    at most 1 MiB of it.
    """
    try:
        data = _read_limited(path)
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read ({error.strerror or error})") from None
    # Imported here: every command builds a catalog, few read a playbook (the parser pulls in
    # tomllib and the checklist model: part of the cold-start budget of issue 2).
    from warroom.domain.playbooks import parse_playbook

    return parse_playbook(text, str(path))


def _read_limited(path: Path) -> bytes:
    """Return the bytes of the regular file ``path``, refusing anything else or over 1 MiB."""
    if not stat.S_ISREG(os.stat(path).st_mode):  # before opening: opening may block
        raise ValidationError(f"{path}: not a regular file")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped in meanwhile
            raise ValidationError(f"{path}: not a regular file")
        chunks, size = [], 0
        while size <= MAX_PLAYBOOK_BYTES:
            chunk = os.read(descriptor, MAX_PLAYBOOK_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(descriptor)
    if size > MAX_PLAYBOOK_BYTES:
        raise ValidationError(f"{path}: the file is over {MAX_PLAYBOOK_BYTES} bytes (1 MiB)")
    return b"".join(chunks)
