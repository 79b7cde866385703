"""Counting text the way each channel counts it.

Bluesky limits posts to 300 *graphemes* (user-perceived characters), Mastodon to 500
characters. The standard library has no grapheme segmentation, so this module implements the
parts of Unicode's extended grapheme cluster rules (UAX #29) that matter for statements:
combining marks, variation selectors, emoji modifiers and ZWJ sequences, regional-indicator
flags, and CR LF. It errs towards counting *more* graphemes, never fewer, so a statement
that fits here fits on the server.
"""

import unicodedata

_ZWJ = "\u200d"
_EXTENDING_CATEGORIES = {"Mn", "Me", "Mc"}


def _is_extender(char: str) -> bool:
    """Tell whether ``char`` attaches to the grapheme before it."""
    code = ord(char)
    return (
        unicodedata.category(char) in _EXTENDING_CATEGORIES
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
        or char == _ZWJ
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def count_graphemes(text: str) -> int:
    """Return the number of user-perceived characters in ``text``."""
    count = 0
    previous = ""
    pending_flag_half = False
    for char in text:
        if previous == "\r" and char == "\n":
            previous = char
            continue
        if count and (_is_extender(char) or previous == _ZWJ):
            previous = char
            continue
        if _is_regional_indicator(char):
            if pending_flag_half:
                pending_flag_half = False
                previous = char
                continue
            pending_flag_half = True
        else:
            pending_flag_half = False
        count += 1
        previous = char
    return count


def count_characters(text: str) -> int:
    """Return the number of Unicode code points, as Mastodon counts them."""
    return len(text)
