"""Playbook files are read with limits: a bad one is reported by name and skipped.

Regular files only (a FIFO would block forever, a link to /dev/zero would never end), at
most 1 MiB, nesting bounded; the other playbooks keep working, ``playbook list`` shows the
broken ones with their error, and a ``WARROOM_PLAYBOOKS`` folder that does not exist is
reported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from warroom.resource_paths import resource
from warroom.services.playbooks import MAX_PLAYBOOK_BYTES, PlaybookCatalog

GOOD = 'key = "mine"\nname = "Mine"\n[[items]]\nphase = "ongoing"\ntext = "x"\nowner = "lead"\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "playbooks"
    path.mkdir()
    (path / "mine.toml").write_text(GOOD, encoding="utf-8")
    os.mkfifo(path / "fifo.toml")
    (path / "zero.toml").symlink_to("/dev/zero")
    (path / "huge.toml").write_text(GOOD + "# " + "x" * MAX_PLAYBOOK_BYTES + "\n")
    (path / "deep.toml").write_text(GOOD + "nested = " + "[" * 50_000 + "]" * 50_000 + "\n")
    (path / "layers.toml").write_text(GOOD + "nested = [[[[[[[[[[1]]]]]]]]]]\n")
    (path / "folder.toml").mkdir()
    return path


def test_bad_files_are_reported_by_name_and_the_others_work(folder: Path) -> None:
    catalog = PlaybookCatalog([resource("playbooks"), folder])
    playbooks, problems = catalog.load()
    keys = {p.key for p in playbooks}
    assert {"mine", "service-outage", "data-breach"} <= keys
    messages = {problem.path.name: problem.message for problem in problems}
    assert messages["fifo.toml"] == f"{folder / 'fifo.toml'}: not a regular file"
    assert messages["zero.toml"] == f"{folder / 'zero.toml'}: not a regular file"
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
    run_cli: Any, folder: Path
) -> None:
    result = run_cli("playbook", "list", env={"WARROOM_PLAYBOOKS": str(folder)})
    assert result.code == 1
    assert "mine " in result.out and "service-outage" in result.out
    assert "not used (each file's problem; the other playbooks work):" in result.out
    assert f"{folder / 'fifo.toml'}: not a regular file" in result.out
    assert all(line.startswith("error: ") for line in result.err.splitlines())
    opened = run_cli(
        "incident", "open", "X", "--severity", "3", "--playbook", "mine",
        env={"WARROOM_PLAYBOOKS": str(folder)},
    )  # fmt: skip
    assert opened.code == 0, opened.err
