"""A readable word-level diff of two statement texts, as escaped HTML."""

from __future__ import annotations

import difflib
import html
import re

_TOKENS = re.compile(r"\s+|[^\s]+")
_DELETED = "background:#fbd0d0;color:#8a1010;text-decoration:line-through"
_INSERTED = "background:#c8f0c8;color:#0a5a0a"


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def _span(style: str, tokens: list[str]) -> str:
    return f'<span style="{style}">{_escape("".join(tokens))}</span>'


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def diff_html(old: str, new: str) -> str:
    """Return ``new`` as HTML with words removed since ``old`` struck out and added ones marked.

    Every piece of statement text is HTML-escaped, so markup typed into a draft shows as text.
    """
    before, after = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    parts: list[str] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(_escape("".join(after[b1:b2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(_span(_DELETED, before[a1:a2]))
        if tag in ("insert", "replace"):
            parts.append(_span(_INSERTED, after[b1:b2]))
    return "".join(parts)


def revision_diff_html(
    old_subject: str, old_text: str, new_subject: str, new_text: str, heading: str
) -> str:
    """Return a whole diff page: a heading, the subject (if any) and the text."""
    body = [f"<p><b>{html.escape(heading)}</b></p>"]
    if old_subject or new_subject:
        body.append(f"<p><i>Subject:</i> {diff_html(old_subject, new_subject)}</p>")
    body.append(f'<p style="white-space:pre-wrap">{diff_html(old_text, new_text)}</p>')
    return "".join(body)
