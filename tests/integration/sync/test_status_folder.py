"""The self-hosted status page: a complete static site in a folder, written atomically.

html5lib parses the page (and finds no script and no external asset), feedparser reads
the Atom feed, and a reader polling the files while updates are written never sees a
half-written file.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import feedparser
import html5lib
import pytest

from tests.integration.sync.conftest import open_incident, release
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.clock import utc_now
from warroom.domain.outbox import DeliveryState
from warroom.sync.connectors.statusdir import StatusFolderConnector

HOSTILE = (
    "Checkout is **slow** <script>alert('x')</script> & <img src=https://evil.example/p.gif>.\n"
    "- see [details](https://status.example.com/1)\n"
    "- [bad](javascript:alert(1))"
)


@pytest.fixture
def folder(services: Any, tmp_path: Path) -> Path:
    site = tmp_path / "www"
    site.mkdir()
    services.channel_setup.configure(
        "status", ChannelKind.STATUSDIR, {"path": str(site), "title": "Example <Status>"}, None
    )
    return site


def _tree(document: Any) -> list[str]:
    return [element.tag for element in document.iter()]


def test_the_page_feed_and_json_show_every_update_newest_first(
    services: Any, folder: Path, clock: Any
) -> None:
    incident = open_incident(services)
    first = release(services, incident, ["status"], HOSTILE, subject="Slow checkout")
    clock.advance(minutes=10)
    second = release(services, incident, ["status"], "Fixed; monitoring.")
    assert services.delivery.run_once().sent == [first[0].id, second[0].id]

    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "feed.atom",
        "index.html",
        "status.json",
    ]
    markup = (folder / "index.html").read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    document = parser.parse(markup)
    assert not parser.errors, parser.errors  # well-formed HTML5
    tags = _tree(document)
    assert "script" not in tags and "img" not in tags and "iframe" not in tags
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    # No external asset: the only links are the update's own and the page's own files.
    assert not document.findall(".//*[@src]")
    assert {link.get("href") for link in document.iter("link")} == {"feed.atom"}
    hrefs = [a.get("href") for a in document.iter("a")]
    assert hrefs == ["https://status.example.com/1", "feed.atom", "status.json"]
    # Accessible structure: language, title, landmarks, one h1, headed sections.
    assert document.get("lang") == "en"
    assert document.find(".//title").text == "Example <Status>"
    assert [h.text for h in document.iter("h1")] == ["Example <Status>"]
    assert document.find(".//main") is not None and document.find(".//header") is not None
    headings = [h.text for h in document.iter("h3")]
    assert headings == ["Slow checkout", "Slow checkout"]  # newest first, name kept
    articles = document.findall(".//article")
    assert "Fixed; monitoring." in "".join(articles[0].itertext())
    assert all(a.find(".//time").get("datetime") for a in articles)
    current = "".join(document.find(".//section").itertext())
    assert "1 incident in progress" in current and "Investigating" in current

    feed = feedparser.parse((folder / "feed.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Example <Status>"
    assert [e.title for e in feed.entries] == [
        "Investigating: Slow checkout",
        "Investigating: Slow checkout",
    ]
    assert feed.entries[0].summary == "Fixed; monitoring."
    assert feed.entries[1].id == f"urn:uuid:{_uuid(first[0].idempotency_key)}"
    assert "<script>" not in feed.entries[1].content[0].value

    state = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    assert state["schema"] == "warroom-status/1"
    assert [u["id"] for u in state["updates"]] == [
        second[0].idempotency_key,
        first[0].idempotency_key,
    ]
    assert state["updates"][1]["text"] == HOSTILE  # the approved text, as it was
    assert state["incidents"][0]["status"] == "investigating"
    assert oct((folder / "index.html").stat().st_mode & 0o777) == "0o644"


def _uuid(key: str) -> str:
    import uuid

    return str(uuid.UUID(hex=key))


def test_a_retry_adds_nothing_twice_and_a_closed_incident_reads_resolved(
    services: Any, folder: Path
) -> None:
    incident = open_incident(services)
    (row,) = release(services, incident, ["status"], "Investigating.", subject="Outage")
    services.incidents.close(incident, "alice", anyway="the fix is in; the update goes out")
    (row,) = [r for r in services.channels.outbox() if r.id == row.id]  # read as the worker does
    assert row.incident_status == "closed"
    channel = next(c for c in services.channels.all() if c.name == "status")
    connector = StatusFolderConnector(channel, clock=utc_now)
    connector.deliver(row)
    again = connector.deliver(row)  # as after a crash before the outcome was recorded
    assert again.detail == "already on the page"
    state = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    assert len(state["updates"]) == 1 and state["incidents"][0]["status"] == "resolved"
    markup = (folder / "index.html").read_text(encoding="utf-8")
    assert "All systems operational" in markup


def test_a_missing_folder_fails_with_its_reason_and_channel_test_checks_writing(
    services: Any, folder: Path
) -> None:
    assert services.channel_setup.test("status").message.endswith("is writable")
    folder.rmdir()
    failed = services.channel_setup.test("status")
    assert not failed.ok and "does not exist" in failed.message
    (row,) = release(services, open_incident(services), ["status"], "Update.")
    assert services.delivery.run_once().failed == [row.id]
    stored = next(r for r in services.channels.outbox() if r.id == row.id)
    assert stored.state is DeliveryState.FAILED and "does not exist" in stored.last_error


def test_a_reader_never_sees_a_half_written_file(tmp_path: Path) -> None:
    """Many updates written while readers poll: every read is a complete document."""
    from datetime import UTC, datetime

    from warroom.domain.outbox import Delivery

    site = tmp_path / "www"
    site.mkdir()
    channel = Channel(1, "status", ChannelKind.STATUSDIR, {"path": str(site)}, uid="c" * 32)
    connector = StatusFolderConnector(channel, clock=utc_now)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    padding = "All hands on it. " * 200  # bigger files: more chance to catch a partial write
    stop = threading.Event()
    problems: list[str] = []
    reads = [0]

    def read_all() -> None:
        while not stop.is_set():
            for name in ("index.html", "feed.atom", "status.json"):
                try:
                    data = (site / name).read_bytes()
                except FileNotFoundError:
                    continue
                reads[0] += 1
                if name == "status.json":
                    try:
                        json.loads(data)
                    except ValueError as error:
                        problems.append(f"{name}: {error}")
                elif not data.rstrip().endswith(
                    b"</html>" if name.endswith("html") else b"</feed>"
                ):
                    problems.append(f"{name}: cut at {len(data)} bytes")

    readers = [threading.Thread(target=read_all) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for number in range(40):
            row = Delivery(
                id=number,
                statement_id=number,
                incident_id=1,
                channel_id=1,
                channel_name="status",
                state=DeliveryState.SENDING,
                idempotency_key=f"{number:032x}",
                subject="Outage",
                text=f"Update {number}. {padding}",
                attempts=1,
                created_at=now,
                updated_at=now,
                incident_status="open",
            )
            connector.deliver(row)
    finally:
        stop.set()
        for reader in readers:
            reader.join(10)
    assert problems == []
    assert reads[0] > 40
    assert len(json.loads((site / "status.json").read_text())["updates"]) == 40
    assert not [p for p in site.iterdir() if p.name.endswith(".part")]  # no leftovers


def test_the_cli_configures_a_status_folder_without_any_secret(
    run_cli: Any, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    result = run_cli("--json", "channel", "add", "page", "--kind", "statusdir", "--path", str(site))
    assert result.code == 0, result.err
    assert result.json()["secret"] == "not needed"
    assert result.json()["settings"]["path"] == str(site.resolve())
    tested = run_cli("channel", "test", "page")
    assert tested.code == 0 and "is writable" in tested.out
    missing = run_cli(
        "channel", "add", "page2", "--kind", "statusdir", "--path", str(tmp_path / "nope")
    )
    assert missing.code == 1 and "no such folder" in missing.err
