"""Control characters are made inert for terminals, logs and Markdown; JSON stays exact."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from warroom.domain.errors import ValidationError
from warroom.domain.terminal_text import (
    json_c1_escaped,
    reject_nul,
    terminal_line,
    terminal_text,
)

HOSTILE = "ok\x1b]0;pwned\x07 \x1b[2J\rforged\x9b31m\x7f"


def test_c0_c1_and_del_are_shown_escaped() -> None:
    assert terminal_text(HOSTILE) == "ok\\x1b]0;pwned\\x07 \\x1b[2J\\x0dforged\\x9b31m\\x7f"


def test_newline_tab_and_printable_unicode_are_kept() -> None:
    text = "Ligne 1\n\tcafé — 東京 🚨 مرحبا \u200f שלום \u200e"  # direction marks stay
    assert terminal_text(text) == text


@pytest.mark.parametrize("escape", [terminal_text, terminal_line])
def test_bidi_overrides_and_isolates_are_shown_escaped(escape: Callable[[str], str]) -> None:
    """A post cannot make a line read differently from what it holds ('Trojan Source')."""
    text = "refund \u202edeifitrev\u202c ok \u2067x\u2069 \u202a\u202b\u202d\u2066\u2068"
    assert escape(text) == (
        "refund \\u202edeifitrev\\u202c ok \\u2067x\\u2069 \\u202a\\u202b\\u202d\\u2066\\u2068"
    )


def test_one_line_form_has_no_line_break_left() -> None:
    line = terminal_line("first\nsecond\r\nthird\x1b[A")
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert line == "first second third\\x1b[A"


def test_json_stays_exact_with_c1_escaped() -> None:
    data = {"text": HOSTILE, "n": 1}
    document = json_c1_escaped(json.dumps(data, ensure_ascii=False))
    assert "\x9b" not in document and "\x1b" not in document
    assert json.loads(document) == data


def test_nul_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="the entry text contains a NUL"):
        reject_nul("a\x00b", "the entry text")
    assert reject_nul("a\x1bb", "the entry text") == "a\x1bb"


def test_log_file_lines_are_inert_and_private(tmp_path: Path) -> None:
    import logging
    import stat

    from warroom.logging_setup import configure_logging

    root = logging.getLogger()
    before = list(root.handlers)
    for handler in before:  # an earlier test's setup (configure_logging runs once)
        root.removeHandler(handler)
    configure_logging(tmp_path / "logs")
    try:
        logging.getLogger("warroom.test").warning("server said %s", HOSTILE)
    finally:
        for handler in list(root.handlers):
            handler.close()
            root.removeHandler(handler)
        for handler in before:
            root.addHandler(handler)
    log_file = tmp_path / "logs" / "warroom.log"
    text = log_file.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\\x1b]0;pwned" in text
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "logs").stat().st_mode) == 0o700
