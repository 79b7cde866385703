"""One clear line for every refusal, through real subprocesses.

Each case below is something a person under stress (or an attacker) can give War Room. Each
must end with exit 1 (refused) or 2 (bad usage) and exactly one line on stderr that names
the problem in the person's terms: never a traceback, never ``unexpected <Exception>``,
never SQL. Where a case needs the machine's help (a full disk, a read-only file system) the
test makes one: a 64 KiB tmpfs and a read-only bind mount when running as root, else the
file-size limit (EFBIG instead of ENOSPC) and a read-only file; each case says which.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import CliResult

SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "sqlite3.", "psycopg.", "[SQL:", "sqlalchemy.")


def assert_one_line(result: CliResult, code: int, start: str) -> None:
    """The refusal contract: the exit code, one ``error:`` line, nothing else."""
    assert result.code == code, (result.code, result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1 and result.err.endswith("\n"), result.err
    line = lines[0]
    assert line.startswith("error: " + start), line
    assert "Traceback" not in result.err and "unexpected" not in line, line
    assert not any(word in line for word in SQL_WORDS), line


@dataclass
class Cli:
    """Runs ``python -m warroom`` with bytes for arguments and stdin where needed."""

    env: dict[str, str]

    def __call__(
        self,
        *args: str | bytes,
        stdin: bytes = b"",
        env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> CliResult:
        done = subprocess.run(
            [sys.executable, "-m", "warroom", *args],
            input=stdin,
            capture_output=True,
            env={**self.env, **(env or {})},
            timeout=120,
            preexec_fn=preexec,
        )
        return CliResult(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


@pytest.fixture
def cli(cli_env: dict[str, str]) -> Cli:
    return Cli(cli_env)


@pytest.fixture
def incident(cli: Cli) -> str:
    opened = cli("incident", "open", "Checkout outage", "--severity", "2")
    assert opened.code == 0, opened.err
    return opened.out.strip()


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextlib.contextmanager
def _mounted(*command: str, target: Path) -> Iterator[bool]:
    """Run a mount command; yield whether it worked, unmount afterwards."""
    if not _as_root() or shutil.which("mount") is None:
        yield False
        return
    done = subprocess.run(["mount", *command], capture_output=True, check=False)
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


# --- the database ---------------------------------------------------------------------


def test_a_corrupt_page(cli: Cli, db_path: Path, incident: str) -> None:
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{db_path}")
    timeline = build_services(db).timeline
    for number in range(300):  # a timeline spread over many pages
        timeline.add(int(incident), f"entry {number} " + "x" * 300, "bob")
    db.dispose()
    data = bytearray(db_path.read_bytes())
    page = 4096
    victim = data.index(b"entry 150 ") // page  # a page of timeline rows
    data[victim * page : (victim + 1) * page] = b"\xa5" * page
    db_path.write_bytes(bytes(data))
    result = cli("log", "list", incident)
    assert_one_line(result, 1, "the database file is damaged: ")
    assert result.err.endswith("; restore a backup or run `warroom verify`\n")


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648"])
def test_an_id_too_large_for_the_database(cli: Cli, number: str) -> None:
    result = cli("log", "list", number)
    assert_one_line(result, 2, f"argument id: {number!r} is too large to be an id")


def test_the_largest_id_is_simply_not_found(cli: Cli) -> None:
    assert_one_line(cli("log", "list", "2147483647"), 1, "no incident 2147483647")


def test_invalid_utf8_in_an_argument(cli: Cli, incident: str) -> None:
    result = cli("log", "add", incident, b"caf\xe9 au lait")
    assert_one_line(result, 2, "argument 4 (caf\\xe9 au lait) is not valid UTF-8 text")


def test_invalid_utf8_on_stdin(cli: Cli, incident: str) -> None:
    result = cli("log", "add", incident, "-", stdin=b"ok \xff\xfe then more")
    assert_one_line(result, 1, "standard input is not valid UTF-8 text (byte 4 is not)")
    assert cli("log", "list", incident, "--json").out.count('"seq"') == 1  # nothing added


def test_invalid_utf8_in_warroom_user(cli: Cli, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "WARROOM_USER": "b\udce9atrice"}  # the byte 0xE9 alone
    result = Cli(env)("incident", "list")
    assert_one_line(result, 2, "WARROOM_USER 'b\\\\xe9atrice' is not valid UTF-8 text")


HINT = "did you mean postgresql+psycopg://?"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgres://dana@db.example/warroom", f"War Room cannot use --db postgres://; {HINT}"),
        ("mysql://dana@db.example/warroom", "War Room cannot use --db mysql://; use sqlite:///"),
        (
            "postgresql+pg8000://dana@db.example/warroom",
            f"the database driver for postgresql+pg8000:// is not installed; {HINT}",
        ),
        ("sqlite://", "--db 'sqlite://' is an in-memory database"),
    ],
)
def test_an_unsupported_or_uninstalled_database_scheme(cli: Cli, url: str, message: str) -> None:
    assert_one_line(cli("--db", url, "incident", "list"), 2, message)


def test_an_empty_file_as_the_database(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    assert_one_line(cli("--db", str(empty), "incident", "list"), 1, f"{empty} is an empty file")


def test_a_read_only_database_refuses_writes_and_keeps_reading(
    cli: Cli, db_path: Path, incident: str, tmp_path: Path
) -> None:
    """As root: a read-only bind mount (EROFS). Otherwise: a file with mode 0400."""
    view = tmp_path / "read-only-view"
    view.mkdir()
    with _mounted("--bind", "-o", "ro", str(db_path.parent), str(view), target=view) as ok:
        if ok:
            path, why = view / db_path.name, "it is on a read-only file system"
        else:
            os.chmod(db_path, 0o400)
            path, why = db_path, "the file is read-only"
        listed = cli("--db", str(path), "log", "list", incident)
        assert listed.code == 0 and "Incident opened: Checkout outage" in listed.out
        assert listed.err == ""
        written = cli("--db", str(path), "log", "add", incident, "one more")
        assert_one_line(written, 1, f"the database {path} is read-only ({why}); reading works")
        assert cli("--db", str(path), "incident", "list").code == 0


# --- input ------------------------------------------------------------------------------


def test_began_in_the_future(cli: Cli) -> None:
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%MZ")
    result = cli("incident", "open", "Outage", "--severity", "2", "--began", later)
    assert_one_line(result, 1, "when it began (")
    assert "cannot be in the future" in result.err


def test_nul_in_stdin_text(cli: Cli, incident: str) -> None:
    result = cli("log", "add", incident, "-", stdin=b"before\x00after")
    assert_one_line(result, 1, "the entry text contains a NUL character")


@pytest.mark.parametrize(
    ("args", "env", "start"),
    [
        (("--as", "dana\u202e"), {}, "--as contains a bidirectional control character (U+202E)"),
        ((), {"WARROOM_USER": "dana\x1b[2J"}, "WARROOM_USER contains a control character (U+001B)"),
    ],
)
def test_names_with_control_or_bidi_characters(
    cli: Cli, args: tuple[str, ...], env: dict[str, str], start: str
) -> None:
    assert_one_line(cli(*args, "incident", "list", env=env), 2, start)


def test_person_and_channel_names_with_control_characters(cli: Cli) -> None:
    person = cli("person", "add", "Eve\u202egnp.exe", "--role", "lead")
    assert_one_line(person, 1, "a person's name contains a bidirectional control character")
    channel = cli("channel", "add", "ops\x1b[31m", "--kind", "webhook", stdin=b"")
    assert_one_line(channel, 1, "a channel name contains a control character (U+001B)")


# --- the machine ------------------------------------------------------------------------


def test_a_keychain_raising_something_other_than_a_keyring_error(cli: Cli) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "tests.support.keyring_backend.BrokenKeyring"}
    result = cli(
        "channel", "add", "status", "--kind", "webhook", "--url", "https://hooks.example/w",
        stdin=b"signing-secret\n", env=env,
    )  # fmt: skip
    assert_one_line(result, 1, "the keychain failed to store the secret of channel 'status'")
    assert "RuntimeError" in result.err and "signing-secret" not in result.err


def _limit_file_size() -> None:
    """In the child: files may not grow past 64 KiB (EFBIG), without SIGXFSZ killing it."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.parametrize("suffix", ["json", "pdf"])
def test_a_full_disk_during_export(
    cli: Cli, db_path: Path, incident: str, tmp_path: Path, suffix: str
) -> None:
    """As root: a 64 KiB tmpfs (ENOSPC). Otherwise: a 64 KiB file-size limit (EFBIG).

    The PDF case matters: Qt's PDF writer ignores write errors, so a full disk used to
    leave a truncated PDF reported as written.
    """
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{db_path}")
    timeline = build_services(db).timeline
    for number in range(300):  # an export well over 64 KiB
        timeline.add(int(incident), f"entry {number} " + "y" * 400, "bob")
    db.dispose()
    small = tmp_path / "small-disk"
    small.mkdir()
    with _mounted("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small), target=small) as full:
        target = small / f"log.{suffix}"
        result = cli(
            "export", incident, "-o", str(target), preexec=None if full else _limit_file_size
        )
        why = (
            "the disk is full (no space left on the device)"
            if full
            else "the file would be larger than this system allows"
        )
        assert_one_line(result, 1, f"cannot write the export {target}: {why}; nothing was written")
        assert sorted(p.name for p in small.iterdir()) == []  # no export, no .part left
