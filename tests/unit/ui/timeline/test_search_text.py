"""The search box's rules without Qt: as-you-type searches, hints, the "N of M" line, marks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warroom.domain.search import COUNT_MAX, SEARCH_TEXT_MAX, MatchCount, SearchTerm
from warroom.ui.timeline import search_text
from warroom.ui.timeline.search_text import (
    MatchSpans,
    TypedSearch,
    as_you_type,
    count_text,
    label_text,
    spoken_count,
)


def test_the_rules_need_no_qt() -> None:
    code = "import sys, warroom.ui.timeline.search_text; sys.exit('PySide6' in sys.modules)"
    root = Path(__file__).resolve().parents[4]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


def test_an_empty_box_searches_nothing_and_says_nothing() -> None:
    for typed in ("", "   "):
        assert as_you_type(typed) == TypedSearch()
        assert label_text(as_you_type(typed), None) == ""


def test_the_last_word_is_a_prefix_while_typing() -> None:
    typed = as_you_type("gateway outa")
    assert typed.text == "gateway outa*"
    assert typed.query is not None
    assert typed.query.terms == (SearchTerm(("gateway",)), SearchTerm(("outa",), prefix=True))
    assert typed.hint == ""
    # Punctuation after the last word does not stop it being a prefix ("Entry 77777:").
    assert as_you_type("Entry 77777:").query.terms[-1] == SearchTerm(("77777",), prefix=True)  # type: ignore[union-attr]


def test_a_space_after_the_word_ends_it() -> None:
    typed = as_you_type("outage ")
    assert typed.text == "outage"
    assert typed.query is not None and not typed.query.terms[0].prefix


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ('"gateway config"', (SearchTerm(("gateway", "config")),)),
        ("outa* gateway", (SearchTerm(("outa",), prefix=True), SearchTerm(("gateway",)))),
        ('card "gateway config"', (SearchTerm(("card",)), SearchTerm(("gateway", "config")))),
    ],
)
def test_a_quote_or_a_star_typed_means_the_syntax_is_chosen(
    typed: str, terms: tuple[SearchTerm, ...]
) -> None:
    understood = as_you_type(typed)
    assert understood.text == typed
    assert understood.query is not None and understood.query.terms == terms
    assert understood.hint == ""


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("***", "Put * right after a word, like outa*"),
        ("*", "Put * right after a word, like outa*"),
        ('"', 'Type a phrase between the quotes, like "card declined"'),
        ('""', 'Type a phrase between the quotes, like "card declined"'),
        ("?!", "Type letters or digits: punctuation alone is not searched"),
        ("-", "Type letters or digits: punctuation alone is not searched"),
        ("x" * (SEARCH_TEXT_MAX + 1), f"Too long: at most {SEARCH_TEXT_MAX} characters"),
        (" ".join(f"w{n}" for n in range(17)), "Too many words: at most 16"),
    ],
)
def test_what_cannot_be_searched_gets_a_hint_and_no_search(typed: str, hint: str) -> None:
    understood = as_you_type(typed)
    assert not understood.active and understood.text == ""
    assert understood.hint == hint
    assert label_text(understood, None) == hint


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ('"gateway ret', "The quote is not closed"),
        ("gateway -", "“-” is ignored: every word must match"),
        ("gateway OR outage", "OR is searched as a word: every word must match"),
        ("gateway -outage", "-outage is searched as a word: nothing is excluded"),
    ],
)
def test_what_is_searched_otherwise_than_it_looks_gets_a_hint_with_the_count(
    typed: str, hint: str
) -> None:
    understood = as_you_type(typed)
    assert understood.active
    assert understood.hint == hint
    assert label_text(understood, MatchCount(2, 40)) == f"2 of 40 · {hint}"


def test_an_unclosed_quote_searches_the_phrase_typed_so_far() -> None:
    understood = as_you_type('"gateway ret')
    assert understood.query is not None
    assert understood.query.terms == (SearchTerm(("gateway", "ret")),)


def test_the_count_line() -> None:
    assert count_text(MatchCount(3, 1204)) == "3 of 1,204"
    assert count_text(MatchCount(0, 1204)) == "no matches"
    assert count_text(MatchCount(COUNT_MAX, 20_000)) == f"{COUNT_MAX:,} of 20,000"
    assert count_text(MatchCount(COUNT_MAX + 1, 1_000_000)) == f"{COUNT_MAX:,}+ of 1,000,000"
    typed = as_you_type("outa")
    assert label_text(typed, None) == "searching…"
    assert label_text(typed, MatchCount(1, 5)) == "1 of 5"
    assert label_text(typed, None, failed="server gone") == "count unavailable"


def test_the_spoken_count() -> None:
    assert spoken_count(MatchCount(1, 5)) == "1 entry matches, of 5"
    assert spoken_count(MatchCount(3, 1204)) == "3 entries match, of 1,204"
    assert spoken_count(MatchCount(0, 5)) == "No entries match, of 5"
    assert spoken_count(MatchCount(COUNT_MAX + 1, 10**6)) == (
        f"More than {COUNT_MAX:,} entries match, of 1,000,000"
    )


def test_marks_fall_in_the_logged_text_shifted_past_what_the_window_adds() -> None:
    marks = MatchSpans.of_search("correction cafe*")
    body = "Le Café ferme: correction"
    assert marks.spans(7, "", body) == ((3, 7), (15, 25))
    prefix = "Correction of #3: "
    # The id is remembered: a second call for the same entry is not recomputed.
    fresh = MatchSpans.of_search("correction cafe*")
    shifted = fresh.spans(8, prefix, body)
    assert shifted == ((3 + len(prefix), 7 + len(prefix)), (15 + len(prefix), 25 + len(prefix)))
    assert (prefix + body)[shifted[0][0] : shifted[0][1]] == "Café"


def test_no_search_or_a_refused_one_marks_nothing() -> None:
    assert MatchSpans.of_search("").spans(1, "", "anything") == ()
    assert MatchSpans.of_search("***").spans(1, "", "anything ***") == ()


def test_the_marks_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_text, "SPANS_KEPT", 3)
    marks = MatchSpans.of_search("word")
    for entry_id in range(10):
        assert marks.spans(entry_id, "", "a word") == ((2, 6),)
    assert len(marks._known) <= 3


def test_no_count_is_promised_when_none_is_coming() -> None:
    assert label_text(as_you_type("outa"), None, counting=False) == ""
    assert label_text(as_you_type('"outa'), None, counting=False) == "The quote is not closed"
    assert label_text(as_you_type("***"), None, counting=False) == as_you_type("***").hint
