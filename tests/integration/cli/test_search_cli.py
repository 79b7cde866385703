"""``warroom search`` and ``log list --search`` from the command line, on both databases.

On SQLite these run through the stdlib reader (storage/quick_read.py), on PostgreSQL
through the services: the same expectations hold for both.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.both_databases


@pytest.fixture
def logged(run_cli: Any) -> Any:
    for argv in (
        ["incident", "open", "Checkout outage", "--severity", "2"],
        ["incident", "open", "Data leak", "--severity", "1"],
        ["log", "add", "1", "Card payments declined for EU customers"],
        ["log", "add", "1", "Customers ask for a refund", "--kind", "inbound"],
        ["log", "add", "2", "Refund policy decided", "--kind", "decision"],
        ["log", "add", "1", "L'école a été remboursée"],
    ):
        assert run_cli(*argv).code == 0
    return run_cli


def test_search_across_incidents_newest_first(logged: Any) -> None:
    result = logged("search", "refund", "--json")
    assert result.code == 0, result.err
    found = result.json()
    assert [(e["incident_id"], e["text"]) for e in found["entries"]] == [
        (2, "Refund policy decided"),
        (1, "Customers ask for a refund"),
    ]
    assert found["total_entries"] == 2 and found["query"] == "refund"


def test_search_words_phrases_prefixes_and_accents(logged: Any) -> None:
    def texts(*argv: str) -> list[str]:
        result = logged("search", *argv, "--json")
        assert result.code == 0, result.err
        return [e["text"] for e in result.json()["entries"]]

    assert texts("customers", "card") == ["Card payments declined for EU customers"]
    assert texts("payments declined") == ["Card payments declined for EU customers"]
    assert texts("declined payments") == []  # an argument with a space is a phrase
    assert texts("pay*") == ["Card payments declined for EU customers"]
    assert texts("ecole", "remboursee") == ["L'école a été remboursée"]
    assert texts("refund", "--incident", "1", "--kind", "inbound") == ["Customers ask for a refund"]
    assert texts("refund", "--author", "ALICE", "--incident", "2") == ["Refund policy decided"]


def test_search_text_output_and_refusals(logged: Any) -> None:
    result = logged("search", "refund", "--limit", "1")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].startswith("incident 2") and "Refund policy decided" in lines[0]
    assert lines[-1] == "1 newest of 2 matching entries (--limit to see more)"
    nothing = logged("search", "zebra")
    assert nothing.code == 0 and nothing.out.strip() == "nothing matches zebra"
    empty = logged("search", "***")
    assert empty.code == 1 and empty.err.strip().startswith("error: the search '***' has no")
    missing = logged("search", "refund", "--incident", "9")
    assert missing.code == 1 and missing.err.strip() == "error: no incident 9"


def test_log_list_search_uses_the_index(logged: Any) -> None:
    result = logged("log", "list", "1", "--search", "customers", "--json")
    assert [e["seq"] for e in result.json()] == [2, 3]
    last = logged("log", "list", "1", "--search", "customers", "--last", "1")
    assert last.code == 0 and "Customers ask for a refund" in last.out
    assert len(last.out.splitlines()) == 1
    none = logged("log", "list", "1", "--search", "zebra")
    assert none.out.strip() == "no entries"
    missing = logged("log", "list", "7", "--last", "3")
    assert missing.code == 1 and missing.err.strip() == "error: no incident 7"


def test_log_list_prints_the_whole_timeline_in_order(logged: Any) -> None:
    """The full listing streams (quick reader on SQLite, TimelineService.stream otherwise)."""
    listing = logged("log", "list", "1")
    assert listing.code == 0, listing.err
    lines = listing.out.splitlines()
    assert [line.split()[0] for line in lines] == ["#1", "#2", "#3", "#4"]
    assert "Customers ask for a refund" in lines[2]
    decisions = logged("log", "list", "2", "--kind", "decision", "--json").json()
    assert [e["text"] for e in decisions] == ["Refund policy decided"]
    assert logged("log", "list", "9").err.strip() == "error: no incident 9"
