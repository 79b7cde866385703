"""Names compare after NFKC + case folding, and unsafe characters are refused."""

from __future__ import annotations

import pytest

from warroom.domain.errors import ValidationError
from warroom.domain.names import check_name, name_key, same_name, unsafe_name_reason


@pytest.mark.parametrize(
    "twin",
    ["Dana", "DANA", " dana ", "\uff24\uff41\uff4e\uff41", "dan\u0061"],
)
def test_case_width_and_space_twins_are_one_name(twin: str) -> None:
    assert same_name("dana", twin)


def test_different_names_stay_different() -> None:
    assert not same_name("dana", "diana")
    assert name_key("Stra\u00dfe") == name_key("STRASSE")  # full case folding


def test_composed_and_decomposed_forms_are_one_name() -> None:
    assert same_name("Jos\u00e9", "Jose\u0301")


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("dana\x1b]0;pwned\x07", "control character (U+001B)"),
        ("dana\nmallory", "control character (U+000A)"),
        ("dana\u202egnp.exe", "bidirectional control character (U+202E)"),
        ("da\u200bna", "invisible"),
        ("dana\x85", "control character (U+0085)"),
    ],
)
def test_unsafe_characters_are_named(name: str, fragment: str) -> None:
    reason = unsafe_name_reason(name)
    assert reason is not None and fragment in reason


def test_check_name_trims_and_refuses() -> None:
    assert check_name("  Priya  ") == "Priya"
    with pytest.raises(ValidationError, match="cannot be empty"):
        check_name("   ", "a channel name")
    with pytest.raises(ValidationError, match="a channel name contains a control"):
        check_name("mail\x1b[2J", "a channel name")
