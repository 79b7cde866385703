"""The HTML of the PDF's prose sections, for Qt's QTextDocument (plain Python, no Qt).

Everything but the timeline is laid out by QTextDocument: the title, the incident header and
the people before it, the statements, checklist, clocks, review and verification after it.
All user text is HTML-escaped first, so markup in an entry is printed, never interpreted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from warroom.domain.inbox_stats import InboxStats
from warroom.domain.incident_log import IncidentLog
from warroom.domain.statement_record import StatementRecord
from warroom.domain.timeline import ChainReport
from warroom.export.inbox_figures import inbox_rows
from warroom.export.labels import clock_rows, header_rows, review_rows, variant_groups, when
from warroom.export.tables import (
    Table,
    approvals_table,
    checklist_table,
    deliveries_table,
    people_table,
)

BODY_POINTS = 8.5
FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Sans Serif"]
STYLE = """
body { font-size: 8.5pt; }
h1 { font-size: 15pt; }
h2 { font-size: 12pt; margin-top: 14px; }
h3 { font-size: 10pt; margin-top: 10px; }
th { background-color: #e4e4e4; font-weight: bold; text-align: left; }
td.num { color: #444444; }
.muted { color: #555555; }
.struck { text-decoration: line-through; color: #666666; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; }
"""
#: the name of the inbox wave chart's picture (an image resource of the document)
WAVE_IMAGE = "warroom-inbox-wave.png"
_TABLE = '<table border="1" cellspacing="0" cellpadding="3" width="100%">'


def text(value: str) -> str:
    """HTML-escape user text for QTextDocument, keeping its line breaks."""
    return html.escape(value, quote=True).replace("\r\n", "\n").replace("\n", "<br/>")


def table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """Return an HTML table with a header row (cells already escaped)."""
    parts = [_TABLE, "<thead><tr>"]
    parts.extend(f"<th>{name}</th>" for name in head)
    parts.append("</tr></thead>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    parts.append("</table>")
    return "".join(parts)


def rendered(shown: Table) -> str:
    """Return one of the shared tables (export.tables) as HTML."""
    return table(
        shown.head,
        (
            tuple(
                f'<span class="mono">{text(value)}</span>'
                if column == shown.code_column
                else text(value)
                for column, value in enumerate(row)
            )
            for row in shown.rows
        ),
    )


def pairs(rows: Iterable[tuple[str, str]]) -> str:
    """Return (label, value) rows as a two-column HTML table."""
    body = "".join(
        f'<tr><td width="28%"><b>{text(label)}</b></td><td>{text(value)}</td></tr>'
        for label, value in rows
    )
    return f"{_TABLE}{body}</table>"


def statement_html(record: StatementRecord) -> str:
    """Return one statement with its revisions, approvals and deliveries."""
    s = record.statement
    parts = [
        f"<h3>Statement #{s.id}: {text(s.state.value.replace('_', ' '))}</h3>",
        f"<p>Channels: {text(', '.join(s.channel_names))}; revision {s.revision}; "
        f'content hash <span class="mono">{s.content_hash}</span>',
    ]
    if s.next_update_by:
        parts.append(f"<br/>Promised next update by {when(s.next_update_by)}")
    if s.released_at:
        parts.append(f"<br/>Released {when(s.released_at)} by {text(s.released_by or '-')}")
    if s.rejection_reason:
        parts.append(f"<br/>Last rejection: {text(s.rejection_reason)}")
    parts.append("</p>")
    for language, variants in variant_groups(s):
        parts.append(f"<p><b>Variants in {text(language)}</b></p>")
        parts.append(
            table(
                ("Channel", "Subject and text"),
                (
                    (text(label), (f"<b>{text(subject)}</b><br/>" if subject else "") + text(body))
                    for label, subject, body in variants
                ),
            )
        )
    parts.append(
        table(
            ("Rev.", "Author", "When", "Subject and text"),
            (
                (
                    str(r.revision),
                    text(r.author),
                    when(r.created_at),
                    (f"<b>{text(r.subject)}</b><br/>" if r.subject else "") + text(r.text),
                )
                for r in record.revisions
            ),
        )
    )
    if s.approvals:
        parts += ["<p><b>Approvals</b></p>", rendered(approvals_table(s))]
    if record.deliveries:
        parts += ["<p><b>Deliveries</b></p>", rendered(deliveries_table(record))]
    return "".join(parts)


def _document(body: str) -> str:
    return f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>"


def head_html(log: IncidentLog) -> str:
    """Return what comes before the timeline: title, incident header, people, heading."""
    parts = [
        f"<h1>Incident log: {text(log.incident.title)}</h1>",
        pairs(header_rows(log)),
        "<h2>People and roles</h2>",
        rendered(people_table(log)),
        f"<h2>Timeline ({log.entries.count} entries)</h2>",
    ]
    return _document("".join(parts))


def wave_html(stats: InboxStats, chart: tuple[float, float] | None) -> str:
    """Return the wave chart's picture (``chart``: its width and height) and its caption."""
    if chart is None or not stats.buckets:
        return ""
    width, height = chart
    return (
        f'<p><img src="{WAVE_IMAGE}" width="{width:.0f}" height="{height:.0f}"/></p>'
        f'<p class="muted">Inbound items per {text(stats.bucket)} bucket by source (left '
        f"scale); dashed: the share of negative items (right scale); spike: "
        f"{text(stats.rule)}. Times in UTC.</p>"
    )


def tail_html(
    log: IncidentLog, chain: ChainReport, chart: tuple[float, float] | None = None
) -> str:
    """Return what comes after the timeline, ending with the chain verdict of its pass
    (``chart``: the size of the inbox wave picture, None without one)."""
    parts = ["<h2>Statements</h2>"]
    parts.extend(statement_html(s) for s in log.statements)
    if not log.statements:
        parts.append("<p>No statements.</p>")
    parts += ["<h2>Checklist</h2>", rendered(checklist_table(log))]
    parts += ["<h2>Clocks at export</h2>", pairs(clock_rows(log))]
    parts += ["<h2>Post-incident review</h2>", pairs(review_rows(log.review))]
    if log.inbox is not None:
        parts += ["<h3>Inbound and response times</h3>", pairs(inbox_rows(log.inbox))]
        parts.append(wave_html(log.inbox, chart))
    lessons = log.review.lessons_learned
    parts += [
        "<h3>Lessons learned</h3>",
        f"<p>{text(lessons) if lessons else '<i>None yet.</i>'}</p>",
    ]
    footer = log.footer
    verdict = "intact" if chain.ok else f"BROKEN: {chain.describe()}"
    parts += [
        "<h2>Verification</h2>",
        pairs(
            [
                ("Entries", str(footer.entry_count)),
                ("Chain head hash", footer.head_hash),
                ("Chain checked at export", verdict),
            ]
        ),
        "<p>Verify the JSON export of this incident with <i>warroom verify FILE.json</i>.</p>",
    ]
    return _document("".join(parts))
