"""One measure of 'does this text fit this channel', for the counter, the preview, the
service and the connectors."""

from __future__ import annotations

import pytest

from warroom.domain.channels import BLUESKY_MAX_BYTES, Channel, ChannelKind, check_fits, fit
from warroom.domain.errors import ValidationError

BLUESKY = Channel(1, "bluesky", ChannelKind.BLUESKY)
MASTODON = Channel(2, "mastodon", ChannelKind.MASTODON)
EMAIL = Channel(3, "email", ChannelKind.EMAIL)
ACCENTED = "e\u0301"  # one grapheme, two code points, three bytes
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 18 bytes


def test_graphemes_characters_and_no_limit() -> None:
    assert fit(BLUESKY, ACCENTED * 300).fits
    assert fit(BLUESKY, ACCENTED * 300).counter == "bluesky: 300 / 300 graphemes"
    over = fit(BLUESKY, ACCENTED * 301)
    assert not over.fits and over.problem == (
        "the text is 301 graphemes but channel 'bluesky' (bluesky) allows 300"
    )
    assert not fit(MASTODON, ACCENTED * 300).fits  # 600 code points
    assert fit(EMAIL, "x" * 100_000).fits
    assert fit(EMAIL, "hello").counter == "email: 5 characters, no limit"


def test_outer_blank_space_is_not_counted_as_it_is_never_sent() -> None:
    assert fit(MASTODON, "  " + "x" * 500 + "\n\n").fits


def test_bluesky_bytes_count_too() -> None:
    heavy = FAMILY * 200  # 200 graphemes, 3,600 bytes
    measured = fit(BLUESKY, heavy)
    assert measured.length == 200 and measured.over_bytes and not measured.fits
    assert measured.counter == "bluesky: 200 / 300 graphemes, over 3000 bytes"
    assert measured.problem == "the text is over Bluesky's 3000-byte limit for channel 'bluesky'"
    with pytest.raises(ValidationError, match="3000-byte limit"):
        check_fits(BLUESKY, heavy)
    assert fit(BLUESKY, FAMILY * 166).fits  # 2,988 bytes
    assert BLUESKY_MAX_BYTES == 3000
