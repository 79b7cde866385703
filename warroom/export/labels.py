"""Human wording shared by the PDF, Markdown, CSV and the ``review`` command.

Everything here returns plain (unescaped) text; each format escapes it its own way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.cadence import describe_cadence
from warroom.domain.clocks import ClockReading, format_duration, incident_age
from warroom.domain.incident_log import Clocks, IncidentLog
from warroom.domain.outbox import Delivery
from warroom.domain.review import Review
from warroom.domain.statements import Statement
from warroom.domain.variants import by_language, language_of


def when(moment: datetime | None) -> str:
    """Render a time for people: '2026-11-23 14:05:09 UTC', or '-' when unknown."""
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment is not None else "-"


def duration(value: timedelta | None) -> str:
    """Render a duration such as '1:04:05' or '12:30', or '-' when unknown."""
    return format_duration(value) if value is not None else "-"


def percent(value: float | None) -> str:
    """Render a share as '75%', or '-' when there is nothing to measure."""
    return f"{value * 100:.0f}%" if value is not None else "-"


def clock_text(reading: ClockReading) -> str:
    """Describe one clock reading in a line (its state: ok, due, late, off or stopped)."""
    if reading.due_at is None:
        return "stopped" if reading.state.value == "stopped" else "not running"
    if reading.remaining is None:
        return f"due {when(reading.due_at)} ({reading.state.value})"
    state = "left" if reading.remaining.total_seconds() >= 0 else "overdue"
    text = f"due {when(reading.due_at)} ({duration(abs(reading.remaining))} {state}, "
    text += reading.state.value
    if reading.turns_at is not None:
        text += f"; turns {'due' if reading.state.value == 'ok' else 'late'} at "
        text += when(reading.turns_at)
    return text + ")"


def delivery_result(row: Delivery) -> str:
    """Describe where a delivery landed or why it did not."""
    parts = [part for part in (row.remote_url, row.remote_id) if part]
    if row.by_hand:
        parts.insert(0, f"posted by hand by {row.posted_by} at {when(row.posted_at)}")
    if row.last_error:
        parts.append(f"error: {row.last_error}")
    return "; ".join(parts) or "-"


def header_rows(log: IncidentLog) -> list[tuple[str, str]]:
    """Return the incident header as (label, value) rows."""
    incident = log.incident
    return [
        ("Incident", f"#{incident.id}: {incident.title}"),
        ("Severity", incident.severity.label),
        ("State", incident.state.value),
        ("Status", incident.status.value),
        ("Update cadence", describe_cadence(incident.update_cadence)),
        ("Hold window", f"{incident.hold_minutes} min"),
        ("Playbook", incident.playbook_key or "-"),
        ("Began", when(incident.began_at)),
        ("Aware", when(incident.aware_at)),
        ("Declared", when(incident.declared_at)),
        ("Closed", when(incident.closed_at)),
        ("Declared by", incident.created_by),
        ("Approvals required", str(incident.approvals_required)),
        ("Exported", f"{when(log.exported_at)} by {log.exported_by}"),
    ]


def clock_rows(log: IncidentLog) -> list[tuple[str, str]]:
    """Return the clocks at export time as (label, value) rows."""
    clocks = log.clocks
    age = f"{duration(incident_age(log.incident, clocks.read_at))} ({clocks.age.state.value})"
    rows = [
        ("Incident age", age),
        ("Update cadence", clock_text(clocks.cadence)),
        ("Promised next update", clock_text(clocks.promise)),
    ]
    label = (
        f"Regulator deadline ({clocks.regulator_label})"
        if clocks.regulator_label
        else ("Regulator deadline")
    )
    rows.append((label, regulator_text(clocks)))
    return rows


def regulator_text(clocks: Clocks) -> str:
    """Describe the regulator clock, saying when the regulator was notified and if late."""
    deadline = clocks.regulator_deadline
    notified_at = deadline.notified_at
    if notified_at is None:
        return clock_text(clocks.regulator)
    text = f"notified at {when(notified_at)}"
    if deadline.due_at is not None:
        text = f"due {when(deadline.due_at)}; {text}"
    if deadline.late_by is not None:
        text += f" ({duration(deadline.late_by)} late)"
    return text


def review_rows(review: Review) -> list[tuple[str, str]]:
    """Return the post-incident review as (label, value) rows, in reading order."""
    times = review.times
    rows = [
        ("Began", when(times.began_at)),
        ("Aware", f"{when(times.aware_at)} (detected after {duration(times.detection_delay)})"),
        (
            "Declared",
            f"{when(times.declared_at)} (declared after {duration(times.declaration_delay)})",
        ),
        ("Closed", when(times.closed_at)),
    ]
    if review.first_statement_id is None:
        rows.append(("First public statement", "nothing public (delivered or posted by hand)"))
    else:
        rows.append(
            (
                "First public statement",
                f"#{review.first_statement_id} at {when(review.first_statement_at)}: "
                f"{duration(review.time_to_first_statement)} after declaration, "
                f"{duration(review.first_statement_after_awareness)} after awareness",
            )
        )
    for promise in review.promises:
        text = f"{promise.status.value}: next update promised by {when(promise.promised_by)}"
        if promise.honoured_by is not None:
            text += f"; statement #{promise.honoured_by} public {when(promise.honoured_at)}"
        if promise.late_by is not None:
            text += f" ({duration(promise.late_by)} late)"
        rows.append((f"Promise of statement #{promise.statement_id}", text))
    cadence = review.cadence
    if len(cadence.periods) > 1:
        for period in cadence.periods:
            rows.append(
                (
                    "Severity period",
                    f"{period.severity.label} from {when(period.start)}: updates "
                    f"{describe_cadence(period.cadence)}",
                )
            )
    judged = [gap for gap in cadence.gaps if gap.due is not None]
    if not judged:
        rows.append(("Update cadence", "no cadence applied"))
    else:
        rows.append(
            (
                "Update cadence",
                f"{describe_cadence(cadence.cadence)} at the end: {len(cadence.breaches)} of "
                f"{len(judged)} silence(s) too long; adherence {percent(cadence.adherence)}",
            )
        )
        for gap in cadence.breaches:
            after = f"#{gap.after_statement}" if gap.after_statement else "the declaration"
            rows.append(
                (
                    "Silence over cadence",
                    f"{duration(gap.length)} from {when(gap.start)} (after {after}) "
                    f"to {when(gap.end)}",
                )
            )
    for turnaround in review.approvals:
        if turnaround.approved_at is None:
            text = f"waiting since {when(turnaround.submitted_at)}"
        else:
            text = f"{duration(turnaround.turnaround)} (approved {when(turnaround.approved_at)})"
        text += f"; {turnaround.rounds} review round(s), {turnaround.rejections} rejection(s)"
        rows.append((f"Approval of statement #{turnaround.statement_id}", text))
    if not review.deliveries:
        rows.append(("Delivery", "nothing released to any channel"))
    for delivery in review.deliveries:
        rows.append(
            (
                f"Delivery on {delivery.channel}",
                f"{delivery.sent} of {delivery.total} sent ({percent(delivery.success_rate)}); "
                f"{delivery.failed} failed, {delivery.uncertain} uncertain, "
                f"{delivery.pending} pending",
            )
        )
    for use in review.languages:
        if use.language or len(review.languages) > 1:
            rows.append(
                (
                    f"Language: {use.language or 'not set'}",
                    f"{len(use.statements)} released statement(s) on {', '.join(use.channels)}",
                )
            )
    for phase in review.checklist:
        rows.append(
            (
                f"Checklist: {phase.phase.heading}",
                f"{phase.done} of {phase.total} done, {phase.overdue} overdue, "
                f"{phase.done_late} done late",
            )
        )
    for item in review.overdue_items:
        rows.append(("Overdue item", f"{item.text} ({item.owner_role}, due {when(item.due_at)})"))
    return rows


def variant_groups(statement: Statement) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Return a statement's variants by language: (language label, [(channel and whether it
    has its own text, subject, text)]); empty when every channel follows the main text and
    no channel has a language (the main text says it all)."""
    languages = {c.name: language_of(c.settings) for c in statement.channels}
    if not statement.edited_variants and not any(languages.values()):
        return []
    return [
        (
            language or "no language set",
            [
                (
                    f"{v.channel} ({'own text' if v.edited else 'main text'})",
                    v.subject,
                    v.text,
                )
                for v in group
            ],
        )
        for language, group in by_language(statement.variants, languages)
    ]
