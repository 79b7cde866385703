"""The static status page's three files, rendered from its state: HTML, Atom and JSON.

The HTML is one self-contained, accessible page: landmarks, one ``h1``, headings per
section and update, ``<time datetime>`` for every time, the feed linked as an alternate,
inline CSS with readable contrast (and a dark variant), and no script and no external
asset of any kind, so it can be served from any web root, synced folder or USB stick.
Every piece of statement text goes through the escaping Markdown subset
(``domain.markup``); every other string is escaped too.
"""

from __future__ import annotations

import html
import json
import uuid
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from warroom.domain.clock import parse_iso
from warroom.domain.markup import to_html, to_plain
from warroom.domain.status_page import STATUS_LABELS

HTML_FILE = "index.html"
FEED_FILE = "feed.atom"
JSON_FILE = "status.json"
SCHEMA = "warroom-status/1"

_CSS = """
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#4a4a4a;--ok:#0b6e2e;
--issue:#8a1c00;--rule:#d0d0d0}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--muted:#c4c4c4;
--ok:#7ee29a;--issue:#ffb199;--rule:#444}}
body{font:1rem/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);
max-width:46rem;margin:0 auto;padding:1rem}
.overall{font-size:1.25rem;font-weight:600;padding:.75rem 1rem;border:2px solid}
.ok{color:var(--ok)}.issue{color:var(--issue)}
article{border-top:1px solid var(--rule);padding:.5rem 0}
.meta{color:var(--muted);margin:0}a{color:inherit}
""".strip()


def _label(status: str) -> str:
    return STATUS_LABELS.get(status, status.capitalize() or "Update")


def _when(value: str) -> str:
    try:
        moment = parse_iso(value)
    except ValueError:  # status.json edited by hand: show what it says, escaped
        return html.escape(value)
    return f'<time datetime="{html.escape(value)}">{moment:%Y-%m-%d %H:%M} UTC</time>'


def open_incidents(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the incidents not resolved yet, most recently updated first."""
    incidents = [i for i in state.get("incidents", []) if i.get("status") != "resolved"]
    return sorted(incidents, key=lambda i: str(i.get("updated_at", "")), reverse=True)


def newest_first(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every published update, newest first."""
    # Ties (two updates in one second) go by the order they were added in (``seq``).
    return sorted(
        state.get("updates", []),
        key=lambda u: (str(u.get("published_at", "")), int(u.get("seq") or 0)),
        reverse=True,
    )


def render_html(state: dict[str, Any]) -> str:
    """Return index.html: the current state, then every public update, newest first."""
    title = html.escape(str(state.get("title") or "Service status"))
    ongoing = open_incidents(state)
    if ongoing:
        count = len(ongoing)
        overall = (
            f'<p class="overall issue" role="status">{count} incident'
            f"{'s' if count > 1 else ''} in progress</p>\n<ul>\n"
            + "".join(
                f"<li><strong>{html.escape(str(i.get('name', '')))}</strong>: "
                f"{html.escape(_label(str(i.get('status', ''))))}"
                f" (updated {_when(str(i['updated_at']))})</li>\n"
                for i in ongoing
            )
            + "</ul>"
        )
    else:
        overall = '<p class="overall ok" role="status">All systems operational</p>'
    articles = []
    for number, update in enumerate(newest_first(state), 1):
        articles.append(
            f'<article aria-labelledby="update-{number}">\n'
            f'<h3 id="update-{number}">{html.escape(str(update.get("name", "")))}</h3>\n'
            f'<p class="meta">{html.escape(_label(str(update.get("status", ""))))}, '
            f"{_when(str(update['published_at']))}</p>\n"
            f"{to_html(str(update.get('text', '')))}\n</article>"
        )
    updates = "\n".join(articles) or "<p>No updates have been published.</p>"
    generated = str(state.get("generated_at") or "")
    footer = f"Last updated {_when(generated)}. " if generated else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{FEED_FILE}">\n'
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<header><h1>{title}</h1></header>\n<main>\n"
        f'<section aria-labelledby="current">\n<h2 id="current">Current status</h2>\n'
        f"{overall}\n</section>\n"
        f'<section aria-labelledby="updates">\n<h2 id="updates">Updates</h2>\n{updates}\n'
        "</section>\n</main>\n"
        f'<footer><p>{footer}<a href="{FEED_FILE}">Atom feed</a> · '
        f'<a href="{JSON_FILE}">JSON</a></p></footer>\n</body>\n</html>\n'
    )


def _urn(value: str) -> str:
    """Return a ``urn:uuid:`` for a 32-hex key (or a name-based one for anything else)."""
    try:
        return uuid.UUID(hex=value).urn
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, value).urn


def render_atom(state: dict[str, Any], feed_key: str) -> str:
    """Return the Atom 1.0 feed (RFC 4287) of every update, newest first."""
    title = xml_escape(str(state.get("title") or "Service status"))
    updates = newest_first(state)
    updated = str(updates[0]["published_at"]) if updates else str(state.get("generated_at"))
    entries = []
    for update in updates:
        name = f"{_label(str(update.get('status', '')))}: {update.get('name', '')}"
        text = str(update.get("text", ""))
        entries.append(
            "<entry>\n"
            f"<title>{xml_escape(name)}</title>\n"
            f"<id>{_urn(str(update.get('id', '')))}</id>\n"
            f"<published>{xml_escape(str(update['published_at']))}</published>\n"
            f"<updated>{xml_escape(str(update['published_at']))}</updated>\n"
            f'<summary type="text">{xml_escape(to_plain(text))}</summary>\n'
            f'<content type="html">{xml_escape(to_html(text))}</content>\n'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>{title}</title>\n<id>{_urn(feed_key)}</id>\n"
        f"<updated>{xml_escape(updated)}</updated>\n"
        f"<author><name>{title}</name></author>\n"
        f'<link rel="alternate" type="text/html" href={quoteattr(HTML_FILE)}/>\n'
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def render_json(state: dict[str, Any]) -> str:
    """Return status.json: the same state, for machines (the page's own record too)."""
    document = {**state, "schema": SCHEMA, "updates": newest_first(state)}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


DEFAULT_NAME = "Service incident"


def add_update(
    state: dict[str, Any],
    *,
    key: str,
    incident: str,
    subject: str,
    status: str,
    text: str,
    at: str,
) -> dict[str, Any]:
    """Return ``state`` with one more update; its incident takes its status and times (and
    its subject as the incident's name, when it has one)."""
    incidents = {str(i.get("id")): dict(i) for i in state.get("incidents", [])}
    entry = incidents.get(incident) or {"id": incident, "started_at": at, "name": DEFAULT_NAME}
    name = subject or str(entry.get("name") or DEFAULT_NAME)
    entry.update(name=name, status=status, updated_at=at)
    incidents[incident] = entry
    seq = 1 + max((int(u.get("seq") or 0) for u in state.get("updates", [])), default=0)
    update = {
        "seq": seq,
        "id": key,
        "incident": incident,
        "name": name,
        "status": status,
        "text": text,
        "published_at": at,
    }
    ordered = sorted(incidents.values(), key=lambda i: str(i.get("started_at", "")))
    return {
        **state,
        "incidents": ordered,
        "updates": [*state.get("updates", []), update],
        "generated_at": at,
    }
