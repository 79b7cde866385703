"""``warroom incident open|list|show|close|approval-window`` (and, in incident_lifecycle, the
header changes: ``status|severity|cadence|hold|times``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, iso_time, positive_id, severity

if TYPE_CHECKING:
    # 'incident list' shares this module: it must not pay for the clocks (cold start, issue 2).
    from warroom.domain.clocks import RegulatorDeadline


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``incident`` command and its subcommands."""
    parser = add_subparser(subparsers, "incident", "open, list, show and close incidents")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    opener = add_subparser(actions, "open", "declare a new incident; prints its id", handler=_open)
    opener.add_argument("title")
    opener.add_argument("--severity", type=severity, required=True, help="1 (worst) to 4")
    opener.add_argument("--playbook", help="playbook key (see 'warroom playbook list')")
    opener.add_argument("--approvals", type=int, help="approvals a statement needs (1-5)")
    opener.add_argument("--began", type=iso_time, help="when it began (ISO 8601, UTC default)")
    opener.add_argument("--aware", type=iso_time, help="when the company became aware")
    add_subparser(actions, "list", "list incidents", handler=_list)
    show = add_subparser(actions, "show", "show one incident", handler=_show)
    show.add_argument("id", type=positive_id)
    close = add_subparser(
        actions,
        "close",
        "close an incident (read-only, every clock stops); refused while work is open",
        handler=_close,
    )
    close.add_argument("id", type=positive_id)
    close.add_argument(
        "--anyway",
        metavar="REASON",
        help="close although deliveries, reviews, a promise or checklist items are open",
    )
    from warroom.commands import incident_lifecycle

    incident_lifecycle.register(actions)
    window = add_subparser(
        actions,
        "approval-window",
        "set how long an approval counts before its statement must be released (default 24)",
        handler=_approval_window,
    )
    window.add_argument("id", type=positive_id)
    window.add_argument("hours", type=_hours, help="hours (decimals allowed, e.g. 0.5)")


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of hours") from None
    if not hours > 0 or hours != hours:
        raise argparse.ArgumentTypeError(f"{value!r}: give a positive number of hours")
    return hours


def _approval_window(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_incident_json

    incident = ctx.services.incidents.set_approval_window(ctx.args.id, ctx.args.hours, ctx.actor)
    minutes = int(incident.approval_window.total_seconds() // 60)
    shown = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
    ctx.emit(
        cli_incident_json(incident),
        f"incident {incident.id}: approvals now count for {shown} before release",
    )
    return 0


def _open(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_incident_json

    args = ctx.args
    incident = ctx.services.incidents.open(
        args.title,
        args.severity,
        ctx.actor,
        playbook_key=args.playbook,
        began_at=args.began,
        aware_at=args.aware,
        approvals_required=args.approvals,
    )
    ctx.emit(cli_incident_json(incident), str(incident.id))
    return 0


def _list(ctx: CommandContext) -> int:
    from warroom.commands.render import incident_line
    from warroom.domain.json_mapping import cli_incident_json

    incidents = ctx.services.incidents.all()
    ctx.emit(
        [cli_incident_json(i) for i in incidents],
        lambda: "\n".join(incident_line(i) for i in incidents) or "no incidents",
    )
    return 0


def _show(ctx: CommandContext) -> int:
    from warroom.commands.render import statement_line
    from warroom.domain.json_mapping import cli_incident_json

    # The read model: incident, statements, checklist and regulator deadline from ONE
    # read transaction (the window's IncidentView), so the parts agree with each other.
    view = ctx.services.views.incident(ctx.args.id, ctx.actor)
    incident, statements, items = view.incident, view.statement_list, view.checklist
    regulator = view.regulator
    deadline, notified = regulator.due_at, regulator.notified_at
    data = cli_incident_json(incident)
    data["statements"] = [{"id": s.id, "state": s.state.value} for s in statements]
    data["checklist"] = {"done": sum(i.is_done for i in items), "total": len(items)}
    data["regulator_deadline"] = deadline.isoformat() if deadline else None
    data["regulator_deadline_label"] = regulator.label
    data["regulator_notified_at"] = notified.isoformat() if notified else None

    def human() -> str:
        from warroom.domain.cadence import describe_cadence

        state = incident.status.value if incident.is_open else incident.state.value
        lines = [
            f"Incident {incident.id}: {incident.title}",
            f"  {incident.severity.label}, {state}, "
            f"playbook {incident.playbook_key or 'none'}, "
            f"{incident.approvals_required} approval(s) per statement, counting for "
            f"{int(incident.approval_window.total_seconds() // 3600)} h",
            f"  updates {describe_cadence(incident.update_cadence)}; a statement waiting more "
            f"than {incident.hold_minutes} min in the outbox is held",
            f"  began    {incident.began_at:%Y-%m-%d %H:%M}Z",
            f"  aware    {incident.aware_at:%Y-%m-%d %H:%M}Z",
            f"  declared {incident.declared_at:%Y-%m-%d %H:%M}Z",
        ]
        if incident.closed_at:
            lines.append(f"  closed   {incident.closed_at:%Y-%m-%d %H:%M}Z")
        if deadline:
            lines.append(f"  regulator deadline {deadline:%Y-%m-%d %H:%M}Z ({regulator.label})")
            lines.append(f"  regulator {_notified_text(regulator)}")
        lines.append(
            f"  {incident.entry_count} timeline entries; checklist "
            f"{data['checklist']['done']}/{data['checklist']['total']} done"
        )
        lines += ["  statements:"] + [f"  {statement_line(s)}" for s in statements]
        return "\n".join(lines)

    ctx.emit(data, human)
    return 0


def _notified_text(regulator: RegulatorDeadline) -> str:
    """Say whether and when the regulator was notified, and how late."""
    from warroom.domain.clocks import format_duration

    notified = regulator.notified_at
    if notified is None:
        return "not notified yet"
    late = regulator.late_by
    lateness = f" ({format_duration(late)} late)" if late is not None else ""
    return f"notified {notified:%Y-%m-%d %H:%M}Z{lateness}"


def _close(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_incident_json

    args = ctx.args
    incidents = ctx.services.incidents
    work = incidents.open_work(args.id)
    incident = incidents.close(args.id, ctx.actor, anyway=args.anyway)
    data = cli_incident_json(incident)
    data["open_at_close"] = work.lines()
    human = f"incident {incident.id} closed; every clock has stopped"
    if not work.is_empty:
        human += "\nclosed with work still open:\n" + "\n".join(
            f"  {line}" for line in work.lines()
        )
    ctx.emit(data, human)
    return 0
