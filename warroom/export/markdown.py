"""The Markdown export: readable as plain text and as rendered Markdown.

Every piece of user text is escaped: HTML is turned into entities (so ``<script>`` shows as
text and never runs), Markdown punctuation is backslash-escaped (so nobody can smuggle a
link, an image or a heading into the record), and control characters are shown as escapes
such as ``\\x1b`` (a Markdown file is often read with ``cat`` in a terminal).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TextIO

from warroom.domain.incident_log import IncidentLog
from warroom.domain.statement_record import StatementRecord
from warroom.domain.terminal_text import terminal_text
from warroom.export.formats import Progress, no_progress
from warroom.export.inbox_figures import inbox_rows
from warroom.export.labels import clock_rows, header_rows, review_rows, variant_groups, when
from warroom.export.tables import (
    Table,
    approvals_table,
    checklist_table,
    deliveries_table,
    people_table,
)

PROGRESS_EVERY = 500
# Escaped everywhere: emphasis, code, links and images (no "[" means no "](" or "!["),
# table pipes, strikethrough, and the backslash itself. HTML is handled by entities.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# Escaped at the start of a line only: headings, list items, setext underlines.
_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+[.)])")


def escape(text: str, *, line_start: bool = True) -> str:
    """Escape one line of user text so that it renders literally."""
    escaped = _INLINE.sub(r"\\\1", html.escape(terminal_text(text), quote=False))
    if not line_start:
        return escaped
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


#: Text made only of these needs no escaping in a cell (no Markdown or HTML meaning inline, no
#: control or invisible character): most timeline entries, written as they are.
_PLAIN_CELL = re.compile(r"[A-Za-z0-9 ,.:;!?'\"()/@%+=#$-]+")


def cell(text: str) -> str:
    """Escape user text for a table cell (inline only), line breaks as ``<br>``."""
    if _PLAIN_CELL.fullmatch(text):
        return text
    lines = [escape(line, line_start=False) for line in _inert(text).splitlines()]
    return "<br>".join(lines) or " "


def block(text: str) -> str:
    """Escape multi-line user text as a paragraph that keeps its line breaks."""
    lines = [escape(line) for line in _inert(text).splitlines()]
    return "  \n".join(lines) if lines else "_(empty)_"


def _inert(text: str) -> str:
    """Return ``text`` with its control characters escaped (CR LF counts as a line break),
    before it is split into lines: a stray CR or form feed must not become a line break."""
    return terminal_text(text.replace("\r\n", "\n"))


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    names = list(head)
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    lines.append("")
    return lines


def _rendered(table: Table) -> list[str]:
    return _table(
        table.head,
        (
            tuple(
                f"`{cell(value)}`" if column == table.code_column else cell(value)
                for column, value in enumerate(row)
            )
            for row in table.rows
        ),
    )


def _pairs(rows: Iterable[tuple[str, str]]) -> list[str]:
    return _table(("", ""), ((f"**{cell(label)}**", cell(value)) for label, value in rows))


def _statement(record: StatementRecord) -> list[str]:
    s = record.statement
    lines = [
        f"### Statement #{s.id}: {s.state.value.replace('_', ' ')}",
        "",
        f"Channels: {cell(', '.join(s.channel_names))}; revision {s.revision}; "
        f"content hash `{s.content_hash}`",
        "",
    ]
    if s.next_update_by:
        lines += [f"Promised next update by {when(s.next_update_by)}", ""]
    if s.released_at:
        lines += [f"Released {when(s.released_at)} by {cell(s.released_by or '-')}", ""]
    if s.rejection_reason:
        lines += [f"Last rejection: {cell(s.rejection_reason)}", ""]
    for language, variants in variant_groups(s):
        lines += [f"#### Variants in {cell(language)}", ""]
        for label, subject, body in variants:
            lines += [f"**{cell(label)}**", ""]
            if subject:
                lines += [f"Subject: {cell(subject)}", ""]
            lines += [block(body), ""]
    for revision in record.revisions:
        lines += [
            f"#### Revision {revision.revision} by {cell(revision.author)}, "
            f"{when(revision.created_at)}",
            "",
        ]
        if revision.subject:
            lines += [f"Subject: {cell(revision.subject)}", ""]
        lines += [block(revision.text), ""]
    if s.approvals:
        lines += ["Approvals:", "", *_rendered(approvals_table(s))]
    if record.deliveries:
        lines += ["Deliveries:", "", *_rendered(deliveries_table(record))]
    return lines


def write_markdown(log: IncidentLog, out: TextIO, progress: Progress = no_progress) -> None:
    """Write ``log`` as Markdown."""
    incident = log.incident
    lines = [f"# Incident log: {cell(incident.title)}", ""]
    lines += _pairs(header_rows(log))
    lines += ["## People and roles", ""]
    lines += _rendered(people_table(log))
    lines += [
        "## Timeline",
        "",
        "| # | Time (UTC) | Kind | Author | Entry |",
        "|---|---|---|---|---|",
    ]
    out.write("\n".join(lines) + "\n")
    total = log.entries.count
    for done, entry in enumerate(log.entries, start=1):
        record = entry.record
        text = cell(record.text)
        fixes = entry.corrected_by
        if fixes:
            text = f"~~{text}~~ (corrected by " + ", ".join(f"#{n}" for n in fixes) + ")"
        if record.corrects_seq is not None:
            text = f"**Correction of #{record.corrects_seq}:** {text}"
        out.write(
            f"| {record.seq} | {record.created_at:%Y-%m-%d %H:%M:%S} | {record.kind} | "
            f"{cell(record.author)} | {text} |\n"
        )
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    lines = ["", "## Statements", ""]
    for statement in log.statements:
        lines += _statement(statement)
    if not log.statements:
        lines += ["No statements.", ""]
    lines += ["## Checklist", ""]
    lines += _rendered(checklist_table(log))
    lines += ["## Clocks at export", ""]
    lines += _pairs(clock_rows(log))
    lines += ["## Post-incident review", ""]
    lines += _pairs(review_rows(log.review))
    if log.inbox is not None:
        lines += ["### Inbound and response times", ""]
        lines += _pairs(inbox_rows(log.inbox))
    lines += ["### Lessons learned", ""]
    lines += [block(log.review.lessons_learned) if log.review.lessons_learned else "_None yet._"]
    footer = log.footer
    chain = log.chain()
    lines += [
        "",
        "## Verification",
        "",
        f"Entries: {footer.entry_count}  ",
        f"Chain head hash: `{footer.head_hash}`  ",
        "Chain checked at export: "
        + ("intact" if chain.ok else f"BROKEN: {cell(chain.describe())}"),
        "",
        "Verify the JSON export of this incident with `warroom verify FILE.json`.",
        "",
    ]
    out.write("\n".join(lines))
    progress(total, total)
