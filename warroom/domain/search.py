"""What a person types into a search box, understood once for every database and view.

Words match in any order; ``"exact phrase"`` keeps its words together and in order;
``prefix*`` matches every word starting with ``prefix``. Letters match whatever their case
and accents ("cafe" finds "Café"). Words are runs of letters and digits: anything else
separates them, so ``e-mail`` is the phrase "e mail", exactly as the database indexes it.

The database adapters (SQLite FTS5, PostgreSQL tsvector) turn a :class:`SearchQuery` into
their own syntax from these parsed terms only, never from the raw text, so nothing a person
types can inject query operators. :func:`highlight_spans` finds the matched words in a text
for the window, with the same folding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from warroom.domain.errors import ValidationError
from warroom.domain.timeline import TimelineEntry

SEARCH_TEXT_MAX = 200
SEARCH_TERMS_MAX = 16
SEARCH_LIMIT_MAX = 1000  # matches returned by one call; page back for more
COUNT_MAX = 10_000  # matches counted exactly; beyond, "more than 10,000"
_WORD = re.compile(r"[^\W_]+")
# Combining diacritical marks (and their extensions, supplement, for symbols, half marks):
# stripped from the index and from queries alike. The PostgreSQL index function strips the
# same ranges (storage/search_index.py); SQLite's unicode61 tokenizer folds Latin accents.
DIACRITIC_RANGES = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
_DIACRITICS = {code: None for low, high in DIACRITIC_RANGES for code in range(low, high + 1)}
# A quoted phrase, or a bare run of characters up to the next space or quote.
_CHUNK = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One condition: these words, adjacent and in order (one word unless a phrase)."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        """Tell whether the words must stand together (more than one word)."""
        return len(self.words) > 1


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Every term must match (AND), in any order."""

    terms: tuple[SearchTerm, ...]
    text: str

    def describe(self) -> str:
        """Return the query as it was understood, for messages."""
        parts = []
        for term in self.terms:
            joined = " ".join(term.words)
            parts.append(f'"{joined}"' if term.is_phrase else joined)
            if term.prefix:
                parts[-1] += "*"
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Narrow a search: one incident, some kinds, one author, from a time on."""

    incident_id: int | None = None
    kinds: tuple[str, ...] = ()
    author: str | None = None
    since: datetime | None = None


def fold(text: str) -> str:
    """Return ``text`` without accents and in compatibility form (case is kept).

    Compatibility decomposition (NFKD) turns "é" into "e" plus a combining accent and a
    full-width "A" into "A"; the combining diacritics (the blocks :data:`DIACRITIC_RANGES`
    names, which is what both databases strip as well) are then dropped. Both databases index
    the folded form, so a query folded the same way finds it.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.translate(_DIACRITICS)


def words_of(text: str) -> list[str]:
    """Return the words of ``text``, folded (case kept: each database folds case itself)."""
    return _WORD.findall(fold(text))


def parse_query(text: str) -> SearchQuery:
    """Parse what a person typed, or refuse an empty, oversize or wordless query."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("the search is empty; type one or more words")
    if len(cleaned) > SEARCH_TEXT_MAX:
        raise ValidationError(f"the search is over {SEARCH_TEXT_MAX} characters")
    terms: list[SearchTerm] = []
    for match in _CHUNK.finditer(cleaned):
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            words, prefix = tuple(words_of(quoted)), False
        else:
            words, prefix = tuple(words_of(bare)), bare.endswith("*")
        if words:
            terms.append(SearchTerm(words, prefix=prefix))
    if not terms:
        raise ValidationError(f"the search {cleaned!r} has no words to look for")
    if len(terms) > SEARCH_TERMS_MAX:
        raise ValidationError(f"the search has more than {SEARCH_TERMS_MAX} terms")
    return SearchQuery(terms=tuple(dict.fromkeys(terms)), text=cleaned)


def highlight_spans(text: str, query: SearchQuery) -> list[tuple[int, int]]:
    """Return (start, end) character ranges of ``text`` that the query's words matched.

    Each word of ``text`` is folded like the index folds it and compared with every query
    word (the last word of a prefix term by its start). Phrases are highlighted word by
    word: a word of the phrase found elsewhere is marked too, which reads naturally.
    """
    exact: set[str] = set()
    starts: set[str] = set()
    for term in query.terms:
        *leading, last = (word.lower() for word in term.words)
        exact.update(leading)
        (starts if term.prefix else exact).add(last)
    spans = []
    for match in _WORD.finditer(text):
        word = fold(match.group()).lower()
        if word in exact or any(word.startswith(start) for start in starts):
            spans.append((match.start(), match.end()))
    return spans


@dataclass(frozen=True, slots=True)
class MatchCount:
    """How many entries of one incident match a search, of how many it holds.

    ``matches`` is exact up to :data:`COUNT_MAX`; above it, it is COUNT_MAX + 1 and
    :attr:`capped` says so (counting every match of a common word would cost more than the
    search itself).
    """

    matches: int
    entries: int

    @property
    def capped(self) -> bool:
        """Tell whether more entries match than were counted."""
        return self.matches > COUNT_MAX


@dataclass(frozen=True, slots=True)
class StatementHit:
    """A statement whose subject or text matched."""

    statement_id: int
    incident_id: int
    subject: str
    text: str
    state: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The newest matches of one search, and how many entries match in all (if counted).

    ``total_entries`` is exact up to :data:`COUNT_MAX`; above it, it is COUNT_MAX + 1 and
    :attr:`more_than_counted` says so.
    """

    query: SearchQuery
    entries: tuple[TimelineEntry, ...]
    statements: tuple[StatementHit, ...] = ()
    total_entries: int | None = None

    @property
    def more_than_counted(self) -> bool:
        """Tell whether more entries match than were counted."""
        return self.total_entries is not None and self.total_entries > COUNT_MAX

    def describe_total(self) -> str:
        """Return the count for people: "42" or "more than 10,000"."""
        if self.total_entries is None:
            return "?"
        if self.more_than_counted:
            return f"more than {COUNT_MAX:,}"
        return f"{self.total_entries:,}"
