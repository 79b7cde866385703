"""Find and read playbook files: the bundled ones and a person's own."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.domain.errors import NotFoundError, ValidationError
from warroom.resource_paths import resource

if TYPE_CHECKING:
    from warroom.domain.playbooks import Playbook

PLAYBOOKS_ENV = "WARROOM_PLAYBOOKS"
MAX_PLAYBOOK_BYTES = 1_000_000


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
            for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
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
    """Read and validate one playbook file."""
    try:
        if path.stat().st_size > MAX_PLAYBOOK_BYTES:
            raise ValidationError(f"{path}: the file is over {MAX_PLAYBOOK_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read ({error.strerror})") from None
    # Imported here: every command builds a catalog, few read a playbook (the parser pulls in
    # tomllib and the checklist model: part of the cold-start budget of issue 2).
    from warroom.domain.playbooks import parse_playbook

    return parse_playbook(text, str(path))
