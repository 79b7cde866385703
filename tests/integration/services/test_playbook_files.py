"""Playbook files are read with limits: a bad one is reported by name and skipped.

Regular files only (a FIFO would block forever, a link to /dev/zero would never end), at
most 1 MiB, nesting bounded; the other playbooks keep working, ``playbook list`` shows the
broken ones with their error, and a ``WARROOM_PLAYBOOKS`` folder that does not exist is
reported.
"""

from __future__ import annotations

import os
import resource as rlimits
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.resource_paths import resource
from warroom.services.playbooks import MAX_PLAYBOOK_BYTES, PlaybookCatalog

GOOD = 'key = "mine"\nname = "Mine"\n[[items]]\nphase = "ongoing"\ntext = "x"\nowner = "lead"\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "playbooks"
    path.mkdir()
    (path / "mine.toml").write_text(GOOD, encoding="utf-8")
    (path / "huge.toml").write_text(GOOD + "# " + "x" * MAX_PLAYBOOK_BYTES + "\n")
    (path / "deep.toml").write_text(GOOD + "nested = " + "[" * 50_000 + "]" * 50_000 + "\n")
    (path / "layers.toml").write_text(GOOD + "nested = [[[[[[[[[[1]]]]]]]]]]\n")
    (path / "folder.toml").mkdir()
    return path


@pytest.fixture
def endless(folder: Path) -> Path:
    """Add the files that never end: a FIFO nobody writes to, a link to /dev/zero.

    Only ever read by a child process with a time and memory limit: a regression must fail
    the test, not hang the suite or eat the machine's memory.
    """
    os.mkfifo(folder / "fifo.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    return folder


def _limited() -> None:
    rlimits.setrlimit(rlimits.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_bad_files_are_reported_by_name_and_the_others_work(folder: Path) -> None:
    catalog = PlaybookCatalog([resource("playbooks"), folder])
    playbooks, problems = catalog.load()
    keys = {p.key for p in playbooks}
    assert {"mine", "service-outage", "data-breach"} <= keys
    messages = {problem.path.name: problem.message for problem in problems}
    assert messages["folder.toml"] == f"{folder / 'folder.toml'}: not a regular file"
    assert messages["huge.toml"].endswith("the file is over 1048576 bytes (1 MiB)")
    assert messages["deep.toml"].endswith("nested too deeply to be a playbook")
    assert messages["layers.toml"].endswith("nested more than 8 levels deep; a playbook is flat")
    assert catalog.get("mine").name == "Mine"


def test_a_playbook_folder_that_does_not_exist_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    playbooks, problems = PlaybookCatalog([resource("playbooks"), missing]).load()
    assert playbooks  # the bundled ones still work
    assert [p.message for p in problems] == [
        f"{missing}: the playbook folder does not exist (named in $WARROOM_PLAYBOOKS)"
    ]


def test_playbook_list_shows_the_broken_files_and_keeps_the_rest(
    cli_env: dict[str, str], endless: Path
) -> None:
    env = {**cli_env, "WARROOM_PLAYBOOKS": str(endless)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "warroom", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_limited,
        )

    listed = run("playbook", "list")
    assert listed.returncode == 1
    assert "mine " in listed.stdout and "service-outage" in listed.stdout
    assert "not used (each file's problem; the other playbooks work):" in listed.stdout
    assert f"{endless / 'fifo.toml'}: not a regular file" in listed.stdout
    assert f"{endless / 'zero.toml'}: not a regular file" in listed.stdout
    assert all(line.startswith("error: ") for line in listed.stderr.splitlines())
    opened = run("incident", "open", "X", "--severity", "3", "--playbook", "mine")
    assert opened.returncode == 0, opened.stderr
