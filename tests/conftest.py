"""Fixtures shared by every test suite.

Every test runs with its own data dir and database: nothing reaches the user's real files,
keychain or screen. Qt runs offscreen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.cli_zygote import CliZygote
    from tests.support.postgres import PostgresServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_KEYRING_BACKEND = "tests.support.keyring_backend.FileKeyring"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point War Room at a temporary data dir and clear variables that would leak in."""
    data = tmp_path / "warroom-data"
    data.mkdir()
    monkeypatch.setenv("WARROOM_DATA_DIR", str(data))
    for name in ("WARROOM_DB", "WARROOM_USER", "WARROOM_PLAYBOOKS", "WARROOM_RESOURCES"):
        monkeypatch.delenv(name, raising=False)
    # Channel secrets go to a per-test JSON file, never to the user's real keychain.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", TEST_KEYRING_BACKEND)
    monkeypatch.setenv("WARROOM_TEST_KEYRING", str(tmp_path / "test-keyring.json"))
    return data


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Return the path of a fresh (not yet created) SQLite database file."""
    return tmp_path / "warroom-test.db"


# Window tests run on both databases as a whole folder (the window must work the same on
# a team server); elsewhere a module opts in with ``pytestmark = pytest.mark.both_databases``.
BOTH_DATABASES_FOLDERS = (REPO_ROOT / "tests" / "ui",)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run ``both_databases`` tests once on SQLite and once on PostgreSQL.

    Only modules (or tests) marked ``both_databases``, and the window tests, are parametrised;
    ``sqlite_only`` opts a single test out (file bytes, pragmas, file names). Every other test
    keeps the SQLite default.
    """
    definition = metafunc.definition
    if "db_url" not in metafunc.fixturenames:
        return
    in_folder = any(Path(definition.path).is_relative_to(f) for f in BOTH_DATABASES_FOLDERS)
    if definition.get_closest_marker("both_databases") is None and not in_folder:
        return
    if definition.get_closest_marker("sqlite_only") is not None:
        return
    databases = [pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
    if definition.get_closest_marker("postgresql_only") is None:
        databases.insert(0, pytest.param("sqlite", id="sqlite"))
    metafunc.parametrize(
        "db_url",
        databases,
        indirect=True,
    )


# Fixtures that build something expensive once and share it (a PyInstaller bundle, a Synapse
# homeserver, a 100,000-entry database, a signed export). Under pytest-xdist every test that uses
# one is sent to the same worker (``--dist loadgroup``, see pyproject's addopts), so it is still
# built once per run rather than once per worker.
SHARED_EXPENSIVE_FIXTURES = ("bundle", "synapse", "big_db_url", "signed_export")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put every test of one shared expensive fixture into one xdist group."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        for fixture in SHARED_EXPENSIVE_FIXTURES:
            if fixture in names:
                item.add_marker(pytest.mark.xdist_group(fixture))
                break


# The suite runs on pytest-xdist workers (``-n auto`` in pyproject's addopts). Many tests wait
# on a subprocess, a socket or a server rather than on the CPU, so a worker per core leaves the
# cores idle part of the time: "auto" means two workers per core, at least two.
# PYTEST_XDIST_AUTO_NUM_WORKERS overrides it; ``-n 0`` runs in one process (for debugging).
WORKERS_PER_CORE = 2


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """Return the number of workers ``-n auto`` starts (None: the variable decides)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(2, WORKERS_PER_CORE * (cores or 1))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start one throwaway PostgreSQL server for the whole session; stop it at the end."""
    from tests.support.postgres import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer()
    except PostgresUnavailable as error:
        # On CI a missing server means missing coverage, not a reason to pass quietly.
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required on CI: {error}")
        pytest.skip(str(error))
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """Return the URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    url = postgres_server.create_database()
    yield url
    if postgres_server.running:
        postgres_server.drop_database(url)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Return a SQLAlchemy URL of a fresh database: a SQLite file unless parametrised."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"sqlite:///{db_path}"


class SteppingClock:
    """A controllable clock for services: starts at a fixed time, moves when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> SteppingClock:
    """Return a clock fixed at 2026-11-23 09:00 UTC that tests move forward explicitly."""
    return SteppingClock()


@pytest.fixture
def services(db_url: str, clock: SteppingClock) -> Iterator[object]:
    """Return services over a fresh SQLite file, driven by the test clock."""
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(db_url)
    yield build_services(db, clock=clock)
    db.dispose()


@dataclass
class CliResult:
    """What a ``warroom`` subprocess did."""

    code: int
    out: str
    err: str

    def json(self) -> object:
        import json

        return json.loads(self.out)


@pytest.fixture
def cli_env(db_url: str, isolated_environment: Path) -> dict[str, str]:
    """Return the environment for CLI subprocesses: temp database and data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env.update(
        WARROOM_DB=db_url,
        WARROOM_DATA_DIR=str(isolated_environment),
        WARROOM_USER="alice",
        PYTHON_KEYRING_BACKEND=TEST_KEYRING_BACKEND,
        WARROOM_TEST_KEYRING=os.environ["WARROOM_TEST_KEYRING"],
        PYTHONPATH=str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


# ``run_cli`` forks each call from a process that has already imported War Room (see
# tests/support/cli_zygote.py): the same ``python -m warroom`` in its own process, without
# ~1 s of imports per call. WARROOM_TEST_CLI=subprocess starts a fresh interpreter per call.
FORKED_CLI = sys.platform.startswith("linux") and os.environ.get("WARROOM_TEST_CLI") != "subprocess"


@pytest.fixture(scope="session")
def cli_zygotes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[CliZygote]]:
    """Hold the session's CLI zygote (started by the first call that can use it)."""
    zygotes: list[CliZygote] = []
    yield zygotes
    for zygote in zygotes:
        zygote.close()


@pytest.fixture
def run_cli(  # type: ignore[no-untyped-def]
    cli_env: dict[str, str],
    cli_zygotes: list[CliZygote],
    tmp_path_factory: pytest.TempPathFactory,
):
    """Return a function that runs ``python -m warroom ARGS`` and returns a CliResult."""

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> CliResult:
        full_env = {**cli_env, **(env or {})}
        if FORKED_CLI:
            from tests.support.cli_zygote import CliZygote

            if not cli_zygotes:
                cli_zygotes.append(CliZygote(full_env, tmp_path_factory.mktemp("cli-zygote")))
            if cli_zygotes[0].accepts(full_env):
                code, out, err = cli_zygotes[0].run(
                    list(args), stdin=stdin, env=full_env, timeout=120
                )
                return CliResult(code, out, err)
        completed = subprocess.run(
            [sys.executable, "-m", "warroom", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run
