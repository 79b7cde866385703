"""Build the PyInstaller bundle from ``packaging/warroom.spec`` and run the frozen program.

One build per test session (about a minute on two cores), into temporary folders: nothing
is cached between runs, so the test proves that a clean checkout builds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SPEC = REPO_ROOT / "packaging" / "warroom.spec"
# What ``du -sh dist/warroom`` prints, in its "M" (MiB). 150 until signatures (cryptography,
# ~11 MiB) and encryption at rest (SQLCipher, ~8 MiB) became part of every install.
MAX_BUNDLE_MIB = 175

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@dataclass(frozen=True)
class Bundle:
    """A built one-folder bundle."""

    folder: Path
    build_seconds: float

    @property
    def executable(self) -> Path:
        return self.folder / ("warroom.exe" if sys.platform == "win32" else "warroom")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    """Build the bundle once for this module's tests; remove it afterwards (~150 MB)."""
    pytest.importorskip("PyInstaller", reason="pip install -e '.[test]' installs PyInstaller")
    root = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            "--distpath",
            str(root / "dist"),
            "--workpath",
            str(root / "build"),
            str(SPEC),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=840,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-6000:]
    shutil.rmtree(root / "build", ignore_errors=True)  # work files: only the bundle is kept
    folder = root / "dist" / "warroom"
    assert folder.is_dir(), sorted(p.name for p in (root / "dist").iterdir())
    yield Bundle(folder, elapsed)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def frozen_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a person's machine without a screen: no DISPLAY, a temp data dir.

    The test keyring backend lives in ``tests/``, which is not in the bundle: use keyring's
    own "no keychain" backend instead.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WARROOM_", "PYTHON", "QT_"))
        and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    data = tmp_path / "frozen-data"
    data.mkdir()
    env.update(
        WARROOM_DATA_DIR=str(data),
        WARROOM_USER="alice",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


def run_frozen(bundle: Bundle, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Run from a folder that holds no source, so nothing can be imported from the checkout.
    return subprocess.run(
        [str(bundle.executable), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["WARROOM_DATA_DIR"],
        timeout=180,
    )


def disk_usage(folder: Path) -> int:
    """Bytes on disk the way ``du`` counts them: allocated blocks, symlinks not followed."""
    return sum(p.lstat().st_blocks * 512 for p in [folder, *folder.rglob("*")])


def test_bundle_builds_small_enough(bundle: Bundle) -> None:
    size = disk_usage(bundle.folder) / 2**20
    print(f"\nbundle: {size:.0f} MiB on disk, built in {bundle.build_seconds:.0f} s")
    assert size <= MAX_BUNDLE_MIB, f"{size:.0f} MiB"
    internal = bundle.folder / "_internal"
    for part in (
        "resources/playbooks/service-outage.toml",
        "resources/styles/theme.qss",
        "resources/icons/app/warroom.svg",
        "warroom/storage/migrations/env.py",
        "warroom/storage/migrations/versions/0001_core.py",
    ):
        assert (internal / part).is_file(), part
    # Unused Qt is left out.
    names = {p.name for p in internal.rglob("*")}
    for unused in ("libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6Network.so.6", "libQt6Pdf.so.6"):
        assert unused not in names, unused
    assert not any(name.startswith("QtWebEngine") for name in names)
    assert not list(internal.rglob("translations/*.qm"))


def test_frozen_version(bundle: Bundle, frozen_env: dict[str, str]) -> None:
    from warroom import __version__

    result = run_frozen(bundle, frozen_env, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"warroom {__version__}"


def test_frozen_self_test(bundle: Bundle, frozen_env: dict[str, str]) -> None:
    # keyring's own choice of backend, found through the bundled entry points (the
    # self-test only asks whether one is usable; it reads and writes nothing)
    del frozen_env["PYTHON_KEYRING_BACKEND"]
    result = run_frozen(bundle, frozen_env, "--self-test")
    print("\n" + result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "frozen bundle" in result.stdout.splitlines()[0]
    assert "FAILED" not in result.stdout
    assert result.stdout.rstrip().endswith("self-test passed")
    assert str(bundle.folder) in result.stdout  # resources came from the bundle
    assert "Traceback" not in result.stderr
    assert "keychain" in result.stdout and "unusable" not in result.stdout


def test_frozen_commands_load_lazily_imported_modules(
    bundle: Bundle, frozen_env: dict[str, str], tmp_path: Path
) -> None:
    """The commands cli.py imports through importlib, and the PostgreSQL driver, are in."""
    out = tmp_path / "log.csv"
    steps = [
        ("demo",),  # signed approvals: the sample people's keys stay in memory here
        ("channel", "list"),
        ("sync", "--status"),
        ("export", "1", "--format", "csv", "-o", str(out)),
        ("verify", "1"),  # every approval signature checked (cryptography is in)
        ("review", "1"),
        ("playbook", "list"),
    ]
    for step in steps:
        result = run_frozen(bundle, frozen_env, *step)
        assert result.returncode == 0, (step, result.stdout, result.stderr)
    # A JSON export is signed by the exporter, whose private key lives only in a keychain:
    # this machine has none, which is said in one line (as for channel secrets).
    from warroom.storage.secrets import NO_KEYCHAIN

    signed = run_frozen(
        bundle, frozen_env, "export", "1", "--format", "json", "-o", str(tmp_path / "l.json")
    )
    assert signed.returncode == 1 and signed.stderr.strip() == f"error: {NO_KEYCHAIN}"
    nowhere = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    postgres = run_frozen(bundle, frozen_env, "--db", nowhere, "incident", "list")
    assert postgres.returncode == 1
    assert "connection" in postgres.stderr.lower(), postgres.stderr  # the driver loaded


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd is Linux's")
def test_bundled_libraries_find_their_dependencies(bundle: Bundle) -> None:
    """Nothing in the bundle needs a library the spec left out.

    A dependency found outside the bundle is fine only if it is a base system library that
    PyInstaller never bundles; any other one was dropped by the spec but is still needed.
    """
    from PyInstaller.depend.dylib import include_library  # type: ignore[import-untyped]

    internal = bundle.folder / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    problems = []
    for path in sorted(internal.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        listing = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=env, timeout=60
        ).stdout
        for line in listing.splitlines():
            name, arrow, target = line.strip().partition(" => ")
            if not arrow or target.startswith("not found"):
                continue  # the vDSO, the loader, or missing on this machine as well
            located = Path(target.split(" (")[0])
            if internal not in located.parents and include_library(name):
                problems.append(f"{path.relative_to(internal)} needs {name} from {located}")
    assert not problems, "\n".join(problems[:30])


def test_frozen_verify_opens_an_encrypted_archive(
    bundle: Bundle, frozen_env: dict[str, str], services: Any, tmp_path: Path, qapp: Any
) -> None:
    """pyzipper (AES) and its compiled dependency are in the bundle: an archive sealed by the
    source tree, encrypted to a password, verifies with the frozen program."""
    incident = services.incidents.open("Outage", 2, "dana")
    archive = tmp_path / "sealed.zip"
    services.archive.archive(incident.id, archive, "auditor", password="correct horse battery")
    secret = tmp_path / "password.txt"
    secret.write_text("correct horse battery\n", encoding="utf-8")
    intact = run_frozen(bundle, frozen_env, "verify", str(archive), "--password-file", str(secret))
    assert intact.returncode == 0, (intact.stdout, intact.stderr)
    secret.write_text("wrong horse\n", encoding="utf-8")
    wrong = run_frozen(bundle, frozen_env, "verify", str(archive), "--password-file", str(secret))
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
