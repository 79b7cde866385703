"""Outside text made safe to keep and to show: HTML to plain text, capped, neutralised.

Everything an inbound source hands us is hostile until cleaned: a post's HTML is converted
to text and never rendered; control characters (which could move a terminal's cursor or
change its title) and bidirectional overrides (which reorder what a reader sees) become
U+FFFD; text is capped at :data:`TEXT_MAX_BYTES` of UTF-8 so one huge message cannot fill
the store.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

TEXT_MAX_BYTES = 64 * 1024
FIELD_MAX_CHARS = 300
REPLACEMENT = "\ufffd"
TRUNCATION_MARK = "\n[\u2026 cut at 64 KiB]"

_BIDI = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
    | {"table", "section", "article", "header", "footer", "pre", "hr"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\f\v]+")


class _TextExtractor(HTMLParser):
    """Collect the text of an HTML fragment; block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return the visible text of an HTML fragment (tags dropped, entities decoded)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def neutralise(text: str, *, keep_newlines: bool = True) -> str:
    """Replace control, bidi-override and other invisible format characters with U+FFFD.

    Line breaks and tabs survive in message bodies (``keep_newlines``); ``\\r\\n`` and
    ``\\r`` become ``\\n`` first.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for char in text:
        if keep_newlines and char in "\n\t":
            out.append(char)
            continue
        category = unicodedata.category(char)
        if (
            char in _BIDI
            or category in ("Cc", "Cs", "Co", "Zl", "Zp")
            or (category == "Cf" and char not in "\u200d\ufe0f")
        ):
            out.append(REPLACEMENT)
        else:
            out.append(char)
    return "".join(out)


def cap_bytes(text: str, limit: int = TEXT_MAX_BYTES) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes (on a character boundary)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text, False
    room = limit - len(TRUNCATION_MARK.encode("utf-8"))
    return encoded[:room].decode("utf-8", "ignore") + TRUNCATION_MARK, True


def clean_body(text: str, *, is_html: bool = False) -> tuple[str, bool]:
    """Return a message body as safe plain text, and whether it had to be cut."""
    # Cut a huge input before parsing it: the parser's cost grows with the input.
    raw = text[: TEXT_MAX_BYTES * 4]
    plain = html_to_text(raw) if is_html else raw.strip()
    capped, cut = cap_bytes(neutralise(plain))
    return capped, cut or len(text) > len(raw)


def clean_field(value: object, limit: int = FIELD_MAX_CHARS) -> str:
    """Return a short one-line field (a handle, a name, a subject) safe to print."""
    text = neutralise(" ".join(str(value or "").split()), keep_newlines=False)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def preview(text: str, limit: int = 80) -> str:
    """Return the start of ``text`` on one line, for listings."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
