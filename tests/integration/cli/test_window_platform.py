"""The window on a machine where Qt cannot start: one line and exit 1, never SIGABRT.

Here the window is asked for Qt's "xcb" platform with no display. Depending on the machine
Qt then lacks a library of its xcb plugin (e.g. libxcb-cursor0 on a fresh Debian/Ubuntu)
or a display; either way the person gets one line naming it and what to do.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from warroom.window_platform import (
    DEBIAN_PACKAGES,
    WINDOW_PACKAGES,
    explain,
    missing_library,
    platform_name,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/xcb is Linux")


def test_no_usable_platform_plugin_is_one_line_and_exit_1(cli_env: dict[str, str]) -> None:
    env = {k: v for k, v in cli_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    done = subprocess.run(
        [sys.executable, "-m", "warroom"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert done.returncode != -signal.SIGABRT
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the window cannot start: "), lines
    line = lines[0]
    assert "'warroom --self-test' checks this installation" in line
    if "which is not installed" in line:  # this machine lacks a library of the xcb plugin
        assert "on Debian/Ubuntu: sudo apt install " in line and WINDOW_PACKAGES in line
    else:
        assert "there is no display to show it on (DISPLAY is not set" in line
    assert done.stdout == ""


def test_the_explanation_names_the_platform_qt_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "nosuch")
    messages = ['Could not find the Qt platform plugin "nosuch" in ""']
    assert platform_name(messages) == "nosuch"
    line = explain(messages)
    assert line.startswith('the window cannot start: Qt could not load its "nosuch" platform')
    assert WINDOW_PACKAGES in line


def test_a_loadable_library_is_not_reported_missing(tmp_path: Path) -> None:
    candidates = (Path("/lib/x86_64-linux-gnu/libc.so.6"), Path("/lib64/libc.so.6"))
    libc = next((p for p in candidates if p.exists()), None)
    if libc is not None:
        assert missing_library(libc) is None
    not_a_library = tmp_path / "libqfake.so"
    not_a_library.write_bytes(b"not an ELF file")
    assert missing_library(not_a_library) is None  # unreadable, but nothing named missing


def test_the_readme_lists_every_package_the_window_needs() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for package in WINDOW_PACKAGES.split():
        assert package in readme, package
    assert set(DEBIAN_PACKAGES.values()) <= set(WINDOW_PACKAGES.split()) | {"libxkbcommon0"}


def test_demo_twice_says_the_sample_exists_and_again_adds_another(run_cli: Any) -> None:
    first = run_cli("demo")
    assert first.code == 0 and first.out.splitlines()[0] == "1"
    second = run_cli("demo")
    assert second.code == 0 and second.err == ""
    assert second.out.splitlines() == [
        "1",
        "the sample incident already exists (incident 1: Checkout API outage: card payments "
        "failing in the EU); 'warroom demo --again' adds another",
    ]
    assert run_cli("demo", "--json").json()["already_existed"] is True
    assert len(run_cli("incident", "list", "--json").json()) == 1
    again = run_cli("demo", "--again")
    assert again.code == 0 and again.out.splitlines()[0] == "2"
    assert len(run_cli("incident", "list", "--json").json()) == 2
