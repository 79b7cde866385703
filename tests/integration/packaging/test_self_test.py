"""``warroom --self-test`` from the source checkout, and the resource resolver in a bundle."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from warroom import resource_paths

REPO_ROOT = Path(__file__).resolve().parents[3]
CHECKS = (
    "resources",
    "database",
    "services",
    "incident",
    "timeline entry",
    "statement approved by two people",
    "hash chain",
    "main window (offscreen)",
    "export to JSON",
    "export to PDF",
)


def run_self_test(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``python -m warroom --self-test`` with no screen."""
    clean = {k: v for k, v in env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    clean.pop("QT_QPA_PLATFORM", None)  # the self-test must choose offscreen by itself
    return subprocess.run(
        [sys.executable, "-m", "warroom", "--self-test"],
        capture_output=True,
        text=True,
        env=clean,
        cwd=REPO_ROOT,
        timeout=180,
    )


def verdicts(output: str) -> dict[str, str]:
    """Map each check's name to ``ok`` or ``FAILED`` from the self-test's output."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        verdict, _, rest = line.strip().partition(" ")
        if verdict in ("ok", "FAILED") and ":" in rest:
            found[rest.strip().split(":", 1)[0]] = verdict
    return found


def test_self_test_passes_from_source(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_self_test(cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == dict.fromkeys(CHECKS, "ok"), result.stdout
    assert result.stdout.splitlines()[0].endswith(", source)")
    assert result.stdout.rstrip().endswith("self-test passed")
    assert "Traceback" not in result.stderr
    # The flow ran on a temporary database: nothing lands in the data dir but the log.
    data_dir = Path(cli_env["WARROOM_DATA_DIR"])
    assert not list(data_dir.glob("*.db")), list(data_dir.iterdir())
    assert not (data_dir / "preferences.json").exists()


def test_self_test_reports_missing_parts_and_fails(cli_env: dict[str, str], tmp_path: Path) -> None:
    """A build without its resources says so, check by check, and exits 1."""
    empty = tmp_path / "no-resources"
    empty.mkdir()
    result = run_self_test({**cli_env, "WARROOM_RESOURCES": str(empty)})
    assert result.returncode == 1, result.stdout + result.stderr
    found = verdicts(result.stdout)
    assert found["resources"] == "FAILED"
    assert found["database"] == "ok"
    assert found["incident"] == "FAILED"  # it needs a playbook
    assert "not run: needs a playbook" in result.stdout
    assert set(found) == set(CHECKS), result.stdout
    assert "self-test FAILED: resources, incident" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_resources_found_in_a_pyinstaller_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = tmp_path / "_internal"
    (bundle / "resources" / "playbooks").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.delenv(resource_paths.RESOURCES_ENV, raising=False)
    assert resource_paths.resources_dir() == bundle / "resources"
    assert resource_paths.resource("playbooks") == bundle / "resources" / "playbooks"


def test_resources_found_in_the_source_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.delenv(resource_paths.RESOURCES_ENV, raising=False)
    assert resource_paths.resources_dir() == REPO_ROOT / "resources"
    for parts in (
        ("playbooks", "service-outage.toml"),
        ("styles", "theme.qss"),
        ("icons", "app", "warroom.svg"),
        ("icons", "app", "warroom-16.png"),
        ("icons", "app", "warroom.ico"),
    ):
        assert resource_paths.resource(*parts).is_file(), parts


def test_environment_override_wins_over_the_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.setenv(resource_paths.RESOURCES_ENV, str(tmp_path / "mine"))
    assert resource_paths.resources_dir() == tmp_path / "mine"


def test_icon_containers_hold_every_size() -> None:
    """The committed ICO/ICNS are well-formed PNG containers with the expected sizes."""
    import struct

    icons = REPO_ROOT / "resources" / "icons" / "app"
    ico = (icons / "warroom.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack_from(
            "<BBBBHHII", ico, 6 + 16 * index
        )
        assert ico[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(ico)
        sizes.append(width or 256)
    assert sizes == [16, 32, 48, 64, 128, 256]

    icns = (icons / "warroom.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    position, kinds = 8, []
    while position < len(icns):
        kinds.append(icns[position : position + 4])
        length = struct.unpack_from(">I", icns, position + 4)[0]
        assert icns[position + 8 : position + 16] == b"\x89PNG\r\n\x1a\n"
        position += length
    assert position == len(icns)
    assert b"ic09" in kinds and b"icp4" in kinds

    for size in (16, 32, 48, 64, 128, 256, 512):
        png = (icons / f"warroom-{size}.png").read_bytes()
        assert struct.unpack_from(">II", png, 16) == (size, size)


def test_render_icons_regenerates_the_set(tmp_path: Path) -> None:
    out = tmp_path / "icons"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "packaging" / "render_icons.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    expected = [f"warroom-{s}.png" for s in (16, 32, 48, 64, 128, 256, 512)]
    assert names == sorted([*expected, "warroom.ico", "warroom.icns"])


def test_windows_version_resource_names_the_product(tmp_path: Path) -> None:
    """The generated version file is the text PyInstaller evaluates on Windows."""
    sys.path.insert(0, str(REPO_ROOT / "packaging"))
    try:
        windows_version = importlib.import_module("windows_version")
    finally:
        sys.path.remove(str(REPO_ROOT / "packaging"))
    from warroom import __version__

    version_numbers = windows_version.version_numbers
    write_version_file = windows_version.write_version_file
    assert version_numbers("1.2") == (1, 2, 0, 0)
    assert version_numbers("0.1.0.dev3") == (0, 1, 0, 3)
    path = write_version_file(tmp_path, __version__, "warroomw.exe")
    assert path.name == "warroomw-version.txt"

    def record(kind: str) -> Callable[..., dict[str, object]]:
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    names = [
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    ]
    info = eval(path.read_text(encoding="utf-8"), {n: record(n) for n in names})
    assert info["kind"] == "VSVersionInfo"
    assert info["ffi"]["filevers"] == version_numbers(__version__)
    table = info["kids"][0]["args"][0][0]
    strings = dict(s["args"] for s in table["args"][1])
    assert strings["ProductName"] == "War Room"
    assert strings["ProductVersion"] == __version__
    assert strings["OriginalFilename"] == "warroomw.exe"
