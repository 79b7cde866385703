"""Suggested priorities for new items: reach, the playbooks' risk words, and VADER sentiment.

VADER (the maintained ``vaderSentiment`` lexicon model) is meant for English: text tagged
with another language is not scored; text with no language tag is scored and labelled as
such, so a person can weigh it.
"""

from __future__ import annotations

from typing import Any

from warroom.domain.inbox import Heard, Suggestion
from warroom.domain.triage import DEFAULT_RISK_WORDS, suggest
from warroom.services.playbooks import PlaybookCatalog


def risk_words(playbooks: PlaybookCatalog) -> tuple[str, ...]:
    """Return the risk words every playbook lists, or the built-in list when none does."""
    loaded, _problems = playbooks.load()
    words = [word for playbook in loaded for word in playbook.risk_words]
    return tuple(dict.fromkeys(words)) or DEFAULT_RISK_WORDS


class Scorer:
    """Suggests a priority for each new item (one per pull: it caches the lexicon)."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self._analyzer: Any = None

    def _sentiment(self, text: str) -> float:
        if self._analyzer is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._analyzer = SentimentIntensityAnalyzer()
        # VADER reads sentences; the first 4,000 characters carry the tone of a message.
        return float(self._analyzer.polarity_scores(text[:4000])["compound"])

    def score(self, item: Heard) -> Suggestion:
        """Return the suggestion for ``item``."""
        language = item.language.lower()
        sentiment: float | None = None
        note = ""
        if language.startswith("en") or not language:
            sentiment = round(self._sentiment(f"{item.subject}\n{item.text}".strip()), 4)
            note = "" if language else "; language not given"
        return suggest(
            text=f"{item.subject}\n{item.text}",
            author=item.author,
            risk_words=self.words,
            sentiment=sentiment,
            sentiment_note=note,
        )
