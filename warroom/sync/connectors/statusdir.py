"""A self-hosted status page: a folder War Room writes a complete static site into.

Each statement adds an update to ``status.json`` (the page's own record) and the three
files are rendered again from it: ``index.html``, ``feed.atom`` and ``status.json``. Every
file is replaced atomically (a temporary file in the same folder, fsync, rename), so a web
server or a reader never sees half a file; ``status.json`` is written last, so a crash
half-way leaves a page that the retry completes. The update's id is the outbox row's
idempotency key: a retry finds it in ``status.json`` and adds nothing twice. A lock file
keeps two workers from interleaving. No network is needed at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.clock import Clock, iso_utc, utc_now
from warroom.domain.outbox import Delivery
from warroom.domain.status_page import page_status
from warroom.sync.connectors import ensure_fits
from warroom.sync.connectors.status_site import (
    FEED_FILE,
    HTML_FILE,
    JSON_FILE,
    add_update,
    render_atom,
    render_html,
    render_json,
)
from warroom.sync.outcomes import DeliveryResult, PermanentError, TransientError

LOCK_FILE = ".warroom-status.lock"
DEFAULT_TITLE = "Service status"
#: The page is public: readable by the web server, whatever War Room's private umask.
PUBLIC_FILE_MODE = 0o644


def write_atomically(folder: Path, name: str, data: bytes) -> None:
    """Replace ``folder/name`` with ``data`` so that no reader ever sees a partial file."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, PUBLIC_FILE_MODE)
        os.replace(temporary, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX: fsync the folder; elsewhere there is no such call)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder's lock file (POSIX ``flock``; elsewhere none)."""
    try:
        import fcntl
    except ImportError:  # Windows: one worker per folder is the documented rule
        yield
        return
    with (folder / LOCK_FILE).open("a") as stream:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)


class StatusFolderConnector:
    """Publishes statements as a static status page in one folder."""

    idempotent = True

    def __init__(self, channel: Channel, *, clock: Clock = utc_now) -> None:
        self._channel = channel
        settings = dict(channel.settings)
        path = str(settings.get("path") or "")
        if not path:
            raise PermanentError(f"channel {channel.name!r} has no --path")
        self._folder = Path(path)
        self._title = str(settings.get("title") or DEFAULT_TITLE)
        self._clock = clock

    def _ready(self) -> None:
        if not self._folder.is_dir():
            raise PermanentError(
                f"status folder {self._folder} does not exist (create it, or run "
                f"'warroom channel add {self._channel.name} --kind statusdir --path ...')"
            )
        if not os.access(self._folder, os.W_OK | os.X_OK):
            raise PermanentError(f"status folder {self._folder} is not writable")

    def check(self) -> str:
        """Create and remove a file in the folder: proves it is there and writable."""
        self._ready()
        try:
            write_atomically(self._folder, LOCK_FILE + ".check", b"ok\n")
            (self._folder / (LOCK_FILE + ".check")).unlink()
        except OSError as error:
            raise PermanentError(f"status folder {self._folder}: {error.strerror}") from None
        return f"status folder {self._folder} is writable"

    def _state(self) -> dict[str, Any]:
        path = self._folder / JSON_FILE
        if not path.exists():
            return {"title": self._title, "incidents": [], "updates": []}
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise PermanentError(
                f"{path} cannot be read ({error}); move it away and the next delivery "
                "starts the page afresh"
            ) from None
        if not isinstance(state, dict) or not isinstance(state.get("updates"), list):
            raise PermanentError(f"{path} is not a War Room status file; move it away first")
        return state

    def deliver(self, row: Delivery) -> DeliveryResult:
        """Add the statement to the page (once) and write the three files again."""
        ensure_fits(self._channel, row.text)
        self._ready()
        try:
            with folder_lock(self._folder):
                state = self._state()
                known = any(u.get("id") == row.idempotency_key for u in state["updates"])
                if not known:
                    state = add_update(
                        state,
                        key=row.idempotency_key,
                        incident=str(row.incident_id),
                        subject=row.subject.strip(),
                        status=page_status(row.incident_status),
                        text=row.text.strip(),
                        at=iso_utc(self._clock()),
                    )
                state["title"] = self._title
                self._write(state)
        except OSError as error:
            raise TransientError(
                f"status folder {self._folder}: {error.strerror or error}"
            ) from None
        detail = "already on the page" if known else "published to the status folder"
        return DeliveryResult(
            remote_id=row.idempotency_key,
            remote_url=(self._folder / HTML_FILE).as_uri(),
            detail=detail,
        )

    def _write(self, state: dict[str, Any]) -> None:
        write_atomically(self._folder, HTML_FILE, render_html(state).encode("utf-8"))
        feed = render_atom(state, self._channel.uid or self._channel.name)
        write_atomically(self._folder, FEED_FILE, feed.encode("utf-8"))
        write_atomically(self._folder, JSON_FILE, render_json(state).encode("utf-8"))

    def close(self) -> None:
        """Nothing to release."""
