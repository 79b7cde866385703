"""Text escaping and safe file output of the export writers (no database, no Qt)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from warroom.domain.errors import ValidationError
from warroom.export.csv_writer import neutralise
from warroom.export.formats import ExportFormat, PageSize
from warroom.export.markdown import block, cell, escape
from warroom.export.output_file import replacing_text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_cells_get_an_apostrophe(start: str) -> None:
    assert neutralise(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["plain", "", "'quoted", "a=b", " =x", "1+1"])
def test_other_cells_are_left_alone(value: str) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<b>x</b> & <img src=x onerror=alert(1)>",
        "[click](http://evil.example) ![img](http://evil.example/x.png)",
        "<http://autolink.example>",
        "# heading",
        "- bullet",
        "1. numbered",
        "| a | b |",
        "`code` *em* _em_ ~~strike~~ \\ backslash",
        "&lt;already an entity&gt;",
    ],
)
def test_markdown_escape_is_inert_and_lossless(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"(?<!\\)[\[\]`*_|]", escaped)
    assert not re.match(r"\s*(#|-|\d+\.)", escaped)
    assert html.unescape(re.sub(r"\\(.)", r"\1", escaped)) == text


def test_markdown_cells_and_blocks_keep_line_breaks() -> None:
    assert cell("one\ntwo") == "one<br>two"
    assert cell("") == " "
    assert block("one\n<b>two</b>") == "one  \n&lt;b&gt;two&lt;/b&gt;"


def test_replacing_text_writes_all_or_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), replacing_text(target) as stream:
        stream.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old" and [p.name for p in folder.iterdir()] == ["out.txt"]
    with replacing_text(target) as stream:
        stream.write("new")
    assert target.read_text() == "new"


def test_replacing_text_refuses_missing_folders_and_folders(tmp_path: Path) -> None:
    with (
        pytest.raises(ValidationError, match="does not exist"),
        replacing_text(tmp_path / "missing" / "out.txt"),
    ):
        pass
    with pytest.raises(ValidationError, match="is a folder"), replacing_text(tmp_path):
        pass


def test_formats_and_page_sizes_parse() -> None:
    assert ExportFormat.parse("Markdown") is ExportFormat.MARKDOWN
    assert ExportFormat.from_path(Path("x.PDF")) is ExportFormat.PDF
    with pytest.raises(ValidationError, match="--format"):
        ExportFormat.from_path(Path("x.txt"))
    assert PageSize.parse("Letter") is PageSize.LETTER
    with pytest.raises(ValidationError):
        PageSize.parse("a5")


def test_plain_cells_skip_escaping_only_when_escaping_would_change_nothing() -> None:
    import random

    from warroom.export import markdown

    def escaped(text: str) -> str:
        lines = markdown._inert(text).splitlines()
        return "<br>".join(markdown.escape(line, line_start=False) for line in lines) or " "

    alphabet = "Az09 ,.:;!?'\"()/@%+=#$-\\`*_[]|~<>&\n\r\t\u202e\u00e9\x1b"
    chance = random.Random(18)
    for _ in range(20_000):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 10)))
        assert markdown.cell(text) == escaped(text), repr(text)
