"""The unsaved-text file: private, atomic, newest text wins, a damaged file never deleted."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from warroom.services.unsaved import UnsavedStore, store_path


def test_kept_text_survives_a_new_store_and_is_private(tmp_path: Path) -> None:
    store = UnsavedStore.for_database("sqlite:///room.db", tmp_path)
    assert store.path == store_path("sqlite:///room.db", tmp_path)
    assert store.stage("entry", {"text": "Half a thought", "kind": "note"})
    assert not store.stage("entry", {"text": "Half a thought", "kind": "note"})  # no change
    assert store.pending()
    store.flush()
    assert not store.pending()
    again = UnsavedStore.for_database("sqlite:///room.db", tmp_path)
    assert again.get("entry") == {"text": "Half a thought", "kind": "note"}
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert not list(store.path.parent.glob("*.tmp"))
    # Another database keeps its own file.
    assert UnsavedStore.for_database("sqlite:///other.db", tmp_path).entries() == {}


def test_stage_all_replaces_one_prefix_only(tmp_path: Path) -> None:
    store = UnsavedStore(tmp_path / "u.json")
    store.stage("entry", {"text": "x"})
    store.stage_all("draft:", {"draft:1:7": {"text": "a"}, "draft:1:new": {"text": "b"}})
    store.stage_all("draft:", {"draft:1:new": {"text": "b2"}})
    assert store.entries() == {"entry": {"text": "x"}, "draft:1:new": {"text": "b2"}}
    assert store.entries("draft:") == {"draft:1:new": {"text": "b2"}}
    store.stage("entry", None)
    assert "entry" not in store.entries()


def test_flushes_in_any_order_leave_the_newest_text(tmp_path: Path) -> None:
    store = UnsavedStore(tmp_path / "u.json")
    for n in range(50):
        store.stage("entry", {"text": f"version {n}"})
        threads = [threading.Thread(target=store.flush) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert json.loads(store.path.read_text())["entry"]["text"] == "version 49"
    assert store.writes == 50  # a flush with nothing new writes nothing


def test_any_text_survives_even_lone_surrogates(tmp_path: Path) -> None:
    store = UnsavedStore(tmp_path / "u.json")
    odd = "Émoji 🚨, RTL \u202e, lone \ud800 surrogate"
    store.stage("entry", {"text": odd})
    store.flush()
    assert UnsavedStore(tmp_path / "u.json").get("entry") == {"text": odd}


@pytest.mark.parametrize("content", ["{broken", "[1]"])
def test_a_damaged_file_is_set_aside_not_deleted(tmp_path: Path, content: str) -> None:
    path = tmp_path / "u.json"
    path.write_text(content)
    store = UnsavedStore(path)
    assert store.entries() == {}
    store.stage("entry", {"text": "new"})
    store.flush()
    assert (tmp_path / "u.json.damaged").read_text() == content
    assert UnsavedStore(path).get("entry") == {"text": "new"}
