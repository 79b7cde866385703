"""The tables that the Markdown and the PDF export both print, as plain text.

One definition of each table's columns and cell wording, so the two documents of the same
incident say the same thing; each writer escapes the cells its own way and prints the code
column (a hash) in a fixed-width font.
"""

from __future__ import annotations

from dataclasses import dataclass

from warroom.domain.incident_log import IncidentLog
from warroom.domain.statement_record import StatementRecord
from warroom.domain.statements import Statement
from warroom.export.labels import delivery_result, when


@dataclass(frozen=True, slots=True)
class Table:
    """Column names and rows of unescaped text; ``code_column`` holds machine values."""

    head: tuple[str, ...]
    rows: list[tuple[str, ...]]
    code_column: int | None = None


def people_table(log: IncidentLog) -> Table:
    """Who took part, their roles and how many timeline entries each wrote."""
    return Table(
        ("Person", "Roles", "Entries"),
        [(p.name, ", ".join(p.roles) or "-", str(p.entries)) for p in log.people],
    )


def approvals_table(statement: Statement) -> Table:
    """The statement's approvals, each with the hash of the text it approved."""
    return Table(
        ("Approver", "When", "Rev.", "Approved text hash", "Still valid"),
        [
            (
                a.approver,
                when(a.approved_at),
                str(a.revision),
                a.content_hash,
                "yes" if a.content_hash == statement.content_hash else "no (text changed)",
            )
            for a in statement.approvals
        ],
        code_column=3,
    )


def deliveries_table(record: StatementRecord) -> Table:
    """Where the statement was delivered, or why not."""
    return Table(
        ("Channel", "State", "Attempts", "Result", "Updated"),
        [
            (
                row.channel_name,
                row.state.value,
                str(row.attempts),
                delivery_result(row),
                when(row.updated_at),
            )
            for row in record.deliveries
        ],
    )


def checklist_table(log: IncidentLog) -> Table:
    """The playbook checklist with who ticked each item and when."""
    return Table(
        ("Phase", "Item", "Owner", "Due", "Done by", "Done at"),
        [
            (
                item.phase.heading,
                item.text,
                item.owner_role or "-",
                when(item.due_at),
                item.done_by or "-",
                when(item.done_at),
            )
            for item in log.checklist
        ],
    )
