"""``export -o PATH`` writes only regular files, private ones, and leaves no partial file."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def incident(run_cli: Any) -> str:
    assert run_cli("incident", "open", "Outage", "--severity", "2").code == 0
    return "1"


def _device_node(folder: Path) -> Path:
    """Return a character device to export to, never the system's own /dev/null.

    As root (where a broken export could replace a real device) a private copy of the null
    device is made in the test's folder; without root nothing in /dev can be replaced.
    """
    if os.geteuid() == 0:
        node = folder / "null.json"
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        return node
    return Path("/dev/null")


@pytest.mark.parametrize("kind", ["device", "fifo", "socket", "folder"])
def test_only_a_regular_file_is_written(
    run_cli: Any, incident: str, tmp_path: Path, kind: str
) -> None:
    if kind == "device":
        target, what = _device_node(tmp_path), "a device"
    elif kind == "fifo":
        target, what = tmp_path / "pipe.json", "a FIFO (named pipe)"
        os.mkfifo(target)
    elif kind == "socket":
        target, what = tmp_path / "s.json", "a socket"
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(target))
    else:
        target = tmp_path / "dir.json"
        target.mkdir()
    before = target.lstat().st_mode
    result = run_cli("export", incident, "--format", "json", "-o", str(target))
    assert result.code == 1 and result.out == ""
    if kind == "folder":
        assert result.err == f"error: {target} is a folder; give a file name to export to\n"
    else:
        assert result.err == (
            f"error: {target} is {what}, not a regular file; export writes only regular files\n"
        )
    assert target.lstat().st_mode == before
    if kind == "socket":
        listener.close()


def test_exports_are_private_and_abandoned_parts_are_removed(
    run_cli: Any, incident: str, tmp_path: Path
) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    dead_pid = int(gone.stdout)
    abandoned = tmp_path / f".log.json.{dead_pid}.x1y2z3.part"
    abandoned.write_text("half an export")
    living = tmp_path / f".log.json.{os.getpid()}.a1b2c3.part"  # a running export: kept
    living.write_text("in progress")
    target = tmp_path / "log.json"
    result = run_cli("export", incident, "-o", str(target))
    assert result.code == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not abandoned.exists() and living.exists()
    parts = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part"))
    assert parts == [living.name]
