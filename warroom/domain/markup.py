"""A small Markdown subset for statements, and its renderings for each channel's format.

A statement is plain text that may use a few marks people type anyway: paragraphs (a blank
line), line breaks, ``**bold**``, ``*italic*``, ``[links](https://...)`` and bullet lists
(lines starting with ``- `` or ``* ``). Nothing else is markup: every other character is
escaped for the target format, so a statement can never smuggle HTML into an email, a
Matrix room or the status page, nor a ``<!channel>`` ping into Slack. Links are kept only
for ``http``, ``https`` and ``mailto`` addresses; any other "link" stays text.

The plain text that was approved is what text-only channels send; the renderings here are
derived from it, deterministically, so approving the text approves every rendering.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^()\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\*\w])")
_BULLET = re.compile(r"^[ \t]{0,3}[-*][ \t]+(?=\S)")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class Span:
    """One piece of inline text: plain text, bold, italic or a link (with its own spans)."""

    kind: str  # "text", "bold", "italic", "link"
    text: str = ""
    children: tuple[Span, ...] = ()
    url: str = ""


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph (its lines, shown with line breaks) or a bullet list (its items)."""

    kind: str  # "paragraph" or "list"
    lines: tuple[Line, ...]


def safe_url(url: str) -> bool:
    """Tell whether ``url`` may become a link (web and mail addresses only)."""
    return url.lower().startswith(_SAFE_SCHEMES) and len(url) > len("mailto:")


def parse_inline(text: str) -> Line:
    """Split one line into spans (links first, then bold, then italic)."""
    best: tuple[int, str, re.Match[str]] | None = None
    candidates = (
        ("link", next((m for m in _LINK.finditer(text) if safe_url(m.group(2))), None)),
        ("bold", _BOLD.search(text)),
        ("italic", _ITALIC.search(text)),
    )
    for kind, found in candidates:
        if found is not None and (best is None or found.start() < best[0]):
            best = (found.start(), kind, found)
    if best is None:
        return (Span("text", text),) if text else ()
    start, kind, found = best
    before = (Span("text", text[:start]),) if start else ()
    inner = parse_inline(found.group(1))
    span = Span(kind, children=inner, url=found.group(2) if kind == "link" else "")
    return (*before, span, *parse_inline(text[found.end() :]))


def parse(text: str) -> tuple[Block, ...]:
    """Return the blocks of ``text`` (outer blank space is never sent, so never parsed)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    blocks: list[Block] = []
    kind, current = "", list[Line]()  # the block being collected
    for raw in [*lines, ""]:
        line = raw.rstrip()
        bullet = _BULLET.match(line)
        line_kind = "" if not line.strip() else ("list" if bullet else "paragraph")
        if line_kind != kind and current:
            blocks.append(Block(kind, tuple(current)))
            current = []
        kind = line_kind
        if line_kind == "list" and bullet is not None:
            current.append(parse_inline(line[bullet.end() :]))
        elif line_kind == "paragraph":
            current.append(parse_inline(line.strip()))
    return tuple(blocks)


# --- renderings ---------------------------------------------------------------------------


def _render_spans(spans: Sequence[Span], mark: Callable[[Span, str], str]) -> str:
    return "".join(mark(span, _render_spans(span.children, mark)) for span in spans)


def to_html(text: str) -> str:
    """Return an HTML fragment (paragraphs, ``<br>``, ``<strong>``, ``<em>``, links, lists)."""

    def mark(span: Span, inner: str) -> str:
        if span.kind == "text":
            return html.escape(span.text, quote=True)
        if span.kind == "bold":
            return f"<strong>{inner}</strong>"
        if span.kind == "italic":
            return f"<em>{inner}</em>"
        return f'<a href="{html.escape(span.url, quote=True)}">{inner}</a>'

    parts = []
    for block in parse(text):
        rendered = [_render_spans(line, mark) for line in block.lines]
        if block.kind == "list":
            parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in rendered) + "</ul>")
        else:
            parts.append("<p>" + "<br>\n".join(rendered) + "</p>")
    return "\n".join(parts)


def slack_escape(text: str) -> str:
    """Escape Slack's three control characters (``&``, ``<``, ``>``) as its docs require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_slack(text: str) -> str:
    """Return Slack mrkdwn: ``*bold*``, ``_italic_``, ``<url|text>``, bullets as "•"."""

    def mark(span: Span, inner: str) -> str:
        if span.kind == "text":
            return slack_escape(span.text)
        if span.kind == "bold":
            return f"*{inner}*"
        if span.kind == "italic":
            return f"_{inner}_"
        url = slack_escape(span.url).replace("|", "%7C")
        return f"<{url}|{inner}>"

    return _blocks_as_text(text, mark, bullet="• ")


def to_teams(text: str) -> str:
    """Return the Markdown that Adaptive Card TextBlocks render (``**``, ``_``, links, lists)."""

    def mark(span: Span, inner: str) -> str:
        if span.kind == "text":
            return span.text
        if span.kind == "bold":
            return f"**{inner}**"
        if span.kind == "italic":
            return f"_{inner}_"
        return f"[{inner}]({span.url})"

    return _blocks_as_text(text, mark, bullet="- ")


def _blocks_as_text(text: str, mark: Callable[[Span, str], str], *, bullet: str) -> str:
    parts = []
    for block in parse(text):
        prefix = bullet if block.kind == "list" else ""
        parts.append("\n".join(prefix + _render_spans(line, mark) for line in block.lines))
    return "\n\n".join(parts)


def to_plain(text: str) -> str:
    """Return the text without its marks (for the Atom feed's summary and search)."""

    def mark(span: Span, inner: str) -> str:
        if span.kind == "text":
            return span.text
        if span.kind == "link":
            return f"{inner} ({span.url})"
        return inner

    return _blocks_as_text(text, mark, bullet="- ")
