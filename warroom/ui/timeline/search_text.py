"""What the timeline's search box searches as someone types, and what its label says.

No Qt here (an import-linter contract keeps it so): the rules are tested without a window.

As-you-type: the last word is searched as a prefix ("outa" finds "outage"), because the
person has most likely not finished typing it, unless they typed a quote or a ``*`` (then
they chose the syntax) or a space after it (the word is finished). What cannot be searched
as typed (only punctuation, a lone ``*``, an unclosed quote, ``-word`` or ``OR`` read as
operators) gets a one-line hint for the label, never an error dialog: the box is typed into
one key at a time, and every half-typed state must be calm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warroom.domain.errors import ValidationError
from warroom.domain.search import (
    COUNT_MAX,
    SEARCH_TERMS_MAX,
    SEARCH_TEXT_MAX,
    MatchCount,
    SearchQuery,
    highlight_spans,
    parse_query,
    words_of,
)

#: The syntax, for the box's tooltip.
SYNTAX_HELP = (
    "Every word must match, in any order; the last word matches as a prefix while you type.\n"
    '"exact phrase" keeps words together; outa* matches every word starting with outa.\n'
    "Escape clears the search; Escape again returns to the timeline."
)
_OPERATOR_WORDS = frozenset({"OR", "AND", "NOT", "NEAR"})
_CHUNK = re.compile(r'"[^"]*"?|[^\s"]+')
#: Highlights remembered at most (rows scrolled past); then the memory starts again.
SPANS_KEPT = 2000

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TypedSearch:
    """What the box holds, understood: the search to run ("" for none) and a hint."""

    text: str = ""
    query: SearchQuery | None = None
    hint: str = ""

    @property
    def active(self) -> bool:
        """Tell whether the timeline is narrowed to matches."""
        return self.query is not None


def as_you_type(typed: str) -> TypedSearch:
    """Return the search to run for what is in the box, with a hint when it needs one."""
    cleaned = typed.strip()
    if not cleaned:
        return TypedSearch()
    chose_syntax = '"' in cleaned or "*" in cleaned
    text = cleaned
    finished = typed[-1].isspace() or len(cleaned) >= SEARCH_TEXT_MAX
    if not chose_syntax and not finished and words_of(cleaned.split()[-1]):
        text = cleaned + "*"
    try:
        query = parse_query(text)
    except ValidationError:
        return TypedSearch(hint=_refusal_hint(cleaned))
    return TypedSearch(text=text, query=query, hint=_syntax_hint(cleaned))


def _refusal_hint(cleaned: str) -> str:
    """Return why nothing is searched for what parse_query refused."""
    if len(cleaned) > SEARCH_TEXT_MAX:
        return f"Too long: at most {SEARCH_TEXT_MAX} characters"
    if words_of(cleaned):
        return f"Too many words: at most {SEARCH_TERMS_MAX}"
    if "*" in cleaned:
        return "Put * right after a word, like outa*"
    if '"' in cleaned:
        return 'Type a phrase between the quotes, like "card declined"'
    return "Type letters or digits: punctuation alone is not searched"


def _syntax_hint(cleaned: str) -> str:
    """Return what was typed but is not searched the way it looks, if anything."""
    if cleaned.count('"') % 2:
        return "The quote is not closed"
    for chunk in _CHUNK.findall(cleaned):
        if chunk.startswith('"'):
            continue
        if not words_of(chunk):
            return f"“{chunk}” is ignored: every word must match"
        if chunk in _OPERATOR_WORDS:
            return f"{chunk} is searched as a word: every word must match"
        if chunk.startswith("-") and words_of(chunk[1:]):
            return f"{chunk} is searched as a word: nothing is excluded"
    return ""


def count_text(count: MatchCount) -> str:
    """Return "3 of 1,204", "no matches" or, at the cap, "10,000+ of 1,000,000"."""
    if count.matches == 0:
        return "no matches"
    if count.capped:
        return f"{COUNT_MAX:,}+ of {count.entries:,}"
    return f"{count.matches:,} of {count.entries:,}"


def spoken_count(count: MatchCount) -> str:
    """Return the count as a screen reader should say it."""
    if count.matches == 0:
        return f"No entries match, of {count.entries:,}"
    many = f"More than {COUNT_MAX:,}" if count.capped else f"{count.matches:,}"
    noun = "entry matches" if count.matches == 1 else "entries match"
    return f"{many} {noun}, of {count.entries:,}"


def label_text(
    typed: TypedSearch, count: MatchCount | None, *, failed: str = "", counting: bool = True
) -> str:
    """Return the label's one line: the count (or that it is coming), then any hint.

    ``counting`` False: no count is coming (no incident is shown), so none is promised.
    """
    if failed:
        head = "count unavailable"
    elif count is not None:
        head = count_text(count)
    else:
        head = "searching…" if counting else ""
    if not typed.active or not head:
        return typed.hint
    return f"{head} · {typed.hint}" if typed.hint else head


class MatchSpans:
    """The matched words of shown rows, worked out when a row is painted, then remembered.

    Only rows on screen are painted, so only they cost anything; the memory is bounded so
    that scrolling through a long search does not grow it without end.
    """

    def __init__(self, query: SearchQuery | None = None) -> None:
        self.query = query
        self._known: dict[int, tuple[Span, ...]] = {}

    @classmethod
    def of_search(cls, text: str) -> MatchSpans:
        """Return the marks of a search's text (none for no search or one refused: the
        read that fails with it says why)."""
        try:
            return cls(parse_query(text) if text.strip() else None)
        except ValidationError:
            return cls()

    def spans(self, entry_id: int, prefix: str, body: str) -> tuple[Span, ...]:
        """Return the ranges of ``prefix + body`` that matched (only within ``body``)."""
        if self.query is None:
            return ()
        known = self._known.get(entry_id)
        if known is None:
            if len(self._known) >= SPANS_KEPT:
                self._known.clear()
            shift = len(prefix)
            known = tuple(
                (start + shift, end + shift) for start, end in highlight_spans(body, self.query)
            )
            self._known[entry_id] = known
        return known
