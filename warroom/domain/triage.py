"""Suggesting a priority, matching tracked terms, and shaping an in-thread answer.

The suggestion is advice a person can see the reasons of and override, never a decision:

- start at 4 (lowest);
- reach: 1,000+ followers -> at least 3; 10,000+ -> at least 2; 100,000+ -> 1;
- risk words (a list the playbooks define): one -> at least 2; two or more different -> 1;
- negative sentiment (VADER compound <= -0.5, English text only) -> one step more urgent,
  never above 2 on sentiment alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from warroom.domain.inbox import Author, SourceKind, Suggestion

#: Used when no playbook lists ``risk_words``.
DEFAULT_RISK_WORDS: tuple[str, ...] = (
    "refund",
    "lawsuit",
    "lawyer",
    "sue",
    "regulator",
    "data",
    "breach",
    "leak",
    "hacked",
    "stolen",
    "fraud",
    "unsafe",
    "injury",
    "injured",
    "fire",
    "recall",
    "police",
    "press",
    "journalist",
)
NEGATIVE_SENTIMENT = -0.5
#: VADER's own convention: compound at or below -0.05 reads negative.
NEGATIVE_SHARE_THRESHOLD = -0.05
REACH_STEPS = ((100_000, 1), (10_000, 2), (1_000, 3))


def fold(text: str) -> str:
    """Return ``text`` as compared for matching: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=512)
def _term_pattern(term: str) -> re.Pattern[str]:
    folded = fold(term.strip())
    # Whole words (or a #hashtag / @handle as written): 'data' does not match 'database'.
    return re.compile(r"(?<![\w#@])" + re.escape(folded) + r"(?!\w)")


def term_matches(term: str, text: str) -> bool:
    """Tell whether ``term`` (a word, a phrase or a #hashtag) occurs in ``text``."""
    return bool(term.strip()) and _term_pattern(term).search(fold(text)) is not None


def risk_words_in(text: str, words: Iterable[str]) -> tuple[str, ...]:
    """Return the risk words found in ``text``, once each, in the list's order."""
    folded = fold(text)
    found = []
    for word in dict.fromkeys(w.strip() for w in words if w.strip()):
        if _term_pattern(word).search(folded):
            found.append(word)
    return tuple(found)


def suggest(
    *,
    text: str,
    author: Author,
    risk_words: Sequence[str],
    sentiment: float | None,
    sentiment_note: str = "",
) -> Suggestion:
    """Return the suggested priority for an item and the reasons, by the rule above."""
    priority = 4
    reasons: list[str] = []
    if author.followers is not None:
        for minimum, level in REACH_STEPS:
            if author.followers >= minimum:
                priority = min(priority, level)
                reasons.append(f"reach: {author.followers:,} followers")
                break
    found = risk_words_in(text, risk_words)
    if found:
        priority = min(priority, 1 if len(found) >= 2 else 2)
        reasons.append("risk words: " + ", ".join(found))
    if sentiment is not None:
        label = f"sentiment {sentiment:+.2f} (VADER, English{sentiment_note})"
        if sentiment <= NEGATIVE_SENTIMENT:
            priority = min(priority, max(2, priority - 1))
            reasons.append("negative " + label)
        else:
            reasons.append(label)
    return Suggestion(priority, tuple(reasons), sentiment, found)


def is_negative(sentiment: float | None) -> bool:
    """Tell whether a sentiment score counts as negative in the stats."""
    return sentiment is not None and sentiment <= NEGATIVE_SHARE_THRESHOLD


def reply_subject(subject: str) -> str:
    """Return the subject of an email answer: ``Re:`` once, never ``Re: Re:``."""
    cleaned = " ".join(subject.split())
    if re.match(r"(?i)^re\s*:", cleaned):
        return cleaned
    return f"Re: {cleaned}" if cleaned else "Re: your message"


def reply_text(kind: SourceKind, text: str, author: Author) -> str:
    """Return the answer as it will be published: Mastodon mentions the author first.

    The mention is part of the text that approvers approve, so what goes out is exactly
    what they saw.
    """
    cleaned = text.strip()
    if kind is SourceKind.MASTODON and author.handle:
        mention = "@" + author.handle.lstrip("@")
        if not fold(cleaned).startswith(fold(mention)):
            cleaned = f"{mention} {cleaned}"
    return cleaned
