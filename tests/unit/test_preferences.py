"""Preferences: who sits at the workstation and the theme, in a small JSON file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from warroom.domain.errors import ValidationError
from warroom.services.preferences import (
    Identity,
    Preferences,
    PreferencesStore,
    validate_identity,
)


def test_default_path_is_in_the_data_dir(isolated_environment: Path) -> None:
    assert PreferencesStore().path == isolated_environment / "preferences.json"


def test_missing_file_means_first_start(tmp_path: Path) -> None:
    assert PreferencesStore(tmp_path / "p.json").load() == Preferences()


def test_round_trip(tmp_path: Path) -> None:
    store = PreferencesStore(tmp_path / "sub" / "p.json")
    saved = Preferences().with_identity(Identity("Dana Reyes", "lead")).with_theme("dark")
    store.save(saved)
    assert store.load() == saved
    assert json.loads(store.path.read_text())["identity"] == {"name": "Dana Reyes", "role": "lead"}
    assert not list(store.path.parent.glob("*.tmp"))


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '{"identity": {"name": "", "role": "lead"}}', "\udcff"],
)
def test_damaged_file_reads_as_defaults(tmp_path: Path, content: str) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    prefs = PreferencesStore(path).load()
    assert prefs.identity is None
    assert prefs.theme == "light"


def test_unknown_theme_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"theme": "neon"}')
    assert PreferencesStore(path).load().theme == "light"
    with pytest.raises(ValidationError):
        Preferences().with_theme("neon")


def test_identity_validation() -> None:
    assert validate_identity("  Dana   Reyes ", "comms") == Identity("Dana Reyes", "comms")
    with pytest.raises(ValidationError, match="empty"):
        validate_identity("  ", "lead")
    with pytest.raises(ValidationError, match="role"):
        validate_identity("Dana", "boss")
    with pytest.raises(ValidationError, match="80"):
        validate_identity("x" * 81, "lead")
    assert Identity("Dana", "lead").describe() == "Dana (lead)"
    assert Identity("Dana", "").describe() == "Dana"


def test_layout_round_trip_and_junk(tmp_path: Path) -> None:
    store = PreferencesStore(tmp_path / "p.json")
    store.save(Preferences().with_layout({"geometry": "AAAA"}))
    assert store.load().layout == {"geometry": "AAAA"}
    store.path.write_text('{"layout": {"geometry": 5, "main": "x"}}')
    assert store.load().layout == {"main": "x"}
    store.path.write_text('{"layout": []}')
    assert store.load().layout == {}


def test_the_preferences_file_is_private_and_a_wider_one_is_named(
    isolated_environment: Path,
) -> None:
    import os
    import stat

    from warroom.storage.private_files import user_files_warnings

    store = PreferencesStore()
    old = store.path.with_suffix(".json.tmp")
    old.write_text("{}")
    os.chmod(old, 0o644)  # a leftover of an older version: never reused as it is
    store.save(Preferences().with_theme("dark"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert user_files_warnings() == []

    os.chmod(store.path, 0o644)
    assert user_files_warnings() == [
        f"the file {store.path} can be read by other users (mode 0644); make it private "
        f"with: chmod 600 {store.path}"
    ]


@pytest.mark.parametrize("name", ["Dana\u202eReyes", "Dana\x1b[2J"])
def test_a_name_with_control_or_bidi_characters_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="your name contains"):
        validate_identity(name, "lead")


def test_zoom_is_remembered_per_window_and_clamped(tmp_path: Path) -> None:
    store = PreferencesStore(tmp_path / "p.json")
    store.save(Preferences().with_zoom("main", 125).with_zoom("wall", 9000))
    assert store.load().zoom == {"main": 125, "wall": 300}


def test_damaged_zoom_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"zoom": {"main": "big", "wall": true, "review": 80}}')
    assert PreferencesStore(path).load().zoom == {"review": 80}
    path.write_text('{"zoom": [1]}')
    assert PreferencesStore(path).load().zoom == {}


def test_the_old_system_theme_reads_as_light(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"theme": "system"}')
    assert PreferencesStore(path).load().theme == "light"
    assert Preferences().with_theme("system").theme == "light"
