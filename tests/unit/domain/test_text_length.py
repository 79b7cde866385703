"""Grapheme counting as Bluesky counts post length."""

import pytest

from warroom.domain.text_length import count_graphemes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("e\u0301", 1),  # e + combining acute
        ("\U0001f1e9\U0001f1ea\U0001f1eb\U0001f1f7", 2),  # two flags
        ("\U0001f44d\U0001f3fd", 1),  # thumbs up + skin tone
        ("\u2764\ufe0f", 1),  # heart + variation selector
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", 1),  # ZWJ family
        ("a\r\nb", 3),
        ("日本語", 3),
        ("مرحبا", 5),
    ],
)
def test_count_graphemes(text: str, expected: int) -> None:
    assert count_graphemes(text) == expected
