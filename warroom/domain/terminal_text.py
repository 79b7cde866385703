"""Text shown to a person on a terminal, in a log line or in a Markdown file, made inert.

Entry and statement text may hold any printable Unicode, and a server's error message is
whatever the server chose to send. Printed raw, a C0 or C1 control character (ESC, CSI,
BEL, a carriage return...) can move the cursor, retitle or reprogram the terminal, or forge
a line that looks like War Room's own output. Every text output therefore goes through
:func:`terminal_text` (keeps line breaks and tabs) or :func:`terminal_line` (one line, for
``error:`` and ``warning:`` lines): each control character is shown as an escape such as
``\\x1b``, so the reader sees that it was there. The bidirectional embeddings, overrides and
isolates (U+202A..U+202E, U+2066..U+2069) are shown escaped too (``\\u202e``): they make a
terminal show the characters after them in another order, so a post could make a line read
differently from what it says ('Trojan Source'). The direction marks (LRM, RLM, ALM) stay:
right-to-left text needs them and they reorder nothing. Machine output (``--json``) stays exact.
"""

from __future__ import annotations

import re

from warroom.domain.errors import ValidationError

# C0 controls except tab and line feed, DEL, the C1 controls (U+0080..U+009F), and the
# bidirectional embeddings, overrides and isolates.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same, plus line feed and tab, for text that must stay on one line.
_CONTROLS_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Only the C1 range: JSON escapes C0 itself but writes C1 characters raw.
_C1 = re.compile("[\x80-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """Return ``text`` with every control character but newline and tab shown escaped."""
    return _CONTROLS.sub(_escaped, text)


def terminal_lines(lines: list[str]) -> str:
    """Return ``lines`` joined by newlines, escaped exactly as :func:`terminal_text` escapes
    the joined text, faster: a line of printable characters only (most of a long listing)
    holds no control character, so it is kept as it is without a pass of the pattern."""
    return "\n".join(
        [line if line.isprintable() else _CONTROLS.sub(_escaped, line) for line in lines]
    )


def terminal_line(text: str) -> str:
    """Return ``text`` as one line: line breaks become spaces, other controls escaped."""
    flat = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROLS_ONE_LINE.sub(_escaped, flat)


def has_controls(text: str) -> bool:
    """Tell whether ``text`` holds a control character other than newline and tab."""
    return _CONTROLS.search(text) is not None


def json_c1_escaped(document: str) -> str:
    """Return a JSON document with C1 controls written as ``\\u00XX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but leaves U+0080..U+009F
    raw, and some terminals act on those (U+009B is a CSI). Outside strings JSON holds no
    such character, so the escaped document decodes to exactly the same data.
    """
    return _C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document)


def reject_nul(text: str, what: str) -> str:
    """Return ``text``, or refuse it when it holds a NUL character (``what`` names it).

    Any other printable or control character may be stored (it is escaped when shown); NUL
    is refused because C APIs, PostgreSQL text columns and many tools cut a string there.
    """
    if "\x00" in text:
        raise ValidationError(f"{what} contains a NUL character (U+0000), which is not allowed")
    return text
