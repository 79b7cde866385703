"""What a person types into a search box, parsed once for every database."""

from __future__ import annotations

import pytest

from warroom.domain.errors import ValidationError
from warroom.domain.search import SearchTerm, highlight_spans, parse_query, words_of
from warroom.storage.search_sql import fts5_match, ts_query


def test_words_in_any_order_are_separate_terms() -> None:
    query = parse_query("refund  card")
    assert query.terms == (SearchTerm(("refund",)), SearchTerm(("card",)))


def test_quoted_text_is_a_phrase_and_a_trailing_star_a_prefix() -> None:
    query = parse_query('"card declined" pay*')
    assert query.terms == (SearchTerm(("card", "declined")), SearchTerm(("pay",), prefix=True))
    assert query.describe() == '"card declined" pay*'


def test_punctuation_splits_words_like_the_index_does() -> None:
    assert parse_query("e-mail").terms == (SearchTerm(("e", "mail")),)
    assert parse_query("e-mai*").terms == (SearchTerm(("e", "mai"), prefix=True),)
    assert words_of("checkout.example.com/v2") == ["checkout", "example", "com", "v2"]


def test_accents_and_full_width_letters_are_folded_case_is_left_to_the_database() -> None:
    assert words_of("Café ÉCOLE \uff21\uff22") == ["Cafe", "ECOLE", "AB"]


@pytest.mark.parametrize("typed", ["", "   ", "***", '""', "- / ."])
def test_a_search_without_words_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_query(typed)


def test_oversize_searches_are_refused() -> None:
    with pytest.raises(ValidationError, match="over 200"):
        parse_query("a" * 201)
    with pytest.raises(ValidationError, match="more than 16 terms"):
        parse_query(" ".join(f"w{n}" for n in range(17)))


@pytest.mark.parametrize(
    "typed",
    ['a" OR "b', "NEAR(a b)", "a:* | b", "x' & 'y", "col:value", "^start", "a AND NOT b"],
)
def test_operators_reach_the_databases_only_as_quoted_words(typed: str) -> None:
    query = parse_query(typed)
    match, tsquery = fts5_match(query), ts_query(query)
    for term in query.terms:
        for word in term.words:
            assert word.isalnum()
    # Every FTS5 term is a quoted string, looked for in the text column; every tsquery
    # lexeme is quoted.
    assert match.startswith("text : (") and match.endswith(")")
    assert all(part.startswith('"') for part in match[len("text : (") : -1].split(" AND "))
    assert all(part.startswith("(") for part in tsquery.split(" & "))


def test_highlight_marks_matched_words_whatever_their_case_and_accents() -> None:
    text = "Le CAFÉ a payé; payment refused"
    spans = highlight_spans(text, parse_query("cafe pay*"))
    assert [text[a:b] for a, b in spans] == ["CAFÉ", "payé", "payment"]


def test_one_incident_is_matched_in_its_own_column_of_the_index() -> None:
    assert fts5_match(parse_query("refund"), incident_id=7) == (
        'text : ("refund") AND incident_id : "7"'
    )
