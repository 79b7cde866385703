"""``warroom incident status|severity|cadence|hold|times``: an open incident's header.

Each change is a chained timeline entry (``incident.updated``); see services.lifecycle.
"""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, iso_time, positive_id, severity

STATUSES = ("investigating", "identified", "monitoring", "resolved")


def _minutes(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of minutes") from None
    if number < 1:
        raise argparse.ArgumentTypeError("minutes must be 1 or more")
    return number


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the header-changing subcommands of ``incident``."""
    status = add_subparser(actions, "status", "move an incident to another status", handler=_status)
    status.add_argument("id", type=positive_id)
    status.add_argument("status", choices=STATUSES)
    status.add_argument("--note", default="", help="what the status change is about")
    level = add_subparser(
        actions,
        "severity",
        "change the severity (cadence and quorum follow it from now on)",
        handler=_severity,
    )
    level.add_argument("id", type=positive_id)
    level.add_argument("severity", type=severity, help="1 (worst) to 4")
    level.add_argument("--reason", required=True, help="why the severity changes")
    cadence = add_subparser(
        actions,
        "cadence",
        "set the update cadence: MINUTES, 'off', or 'default' (the severity's)",
        handler=_cadence,
    )
    cadence.add_argument("id", type=positive_id)
    cadence.add_argument("cadence", metavar="MINUTES|off")
    hold = add_subparser(
        actions,
        "hold",
        "set how long a released statement may wait in the outbox before a person must "
        "confirm it (default 30)",
        handler=_hold,
    )
    hold.add_argument("id", type=positive_id)
    hold.add_argument("minutes", type=_minutes, metavar="MINUTES")
    times = add_subparser(
        actions, "times", "correct when it began and when we became aware", handler=_times
    )
    times.add_argument("id", type=positive_id)
    times.add_argument("--began", type=iso_time, metavar="TIME", help="when it began")
    times.add_argument("--aware", type=iso_time, metavar="TIME", help="when we became aware")
    times.add_argument("--reason", required=True, help="why the times are corrected")


def _emit(ctx: CommandContext, incident: object, human: str) -> int:
    from warroom.domain.incidents import Incident
    from warroom.domain.json_mapping import cli_incident_json

    assert isinstance(incident, Incident)
    ctx.emit(cli_incident_json(incident), human)
    return 0


def _status(ctx: CommandContext) -> int:
    args = ctx.args
    incident = ctx.services.lifecycle.set_status(args.id, args.status, ctx.actor, note=args.note)
    return _emit(ctx, incident, f"incident {incident.id} is {incident.status.value}")


def _severity(ctx: CommandContext) -> int:
    from warroom.domain.cadence import describe_cadence

    args = ctx.args
    incident = ctx.services.lifecycle.set_severity(
        args.id, args.severity, ctx.actor, reason=args.reason
    )
    return _emit(
        ctx,
        incident,
        f"incident {incident.id} is {incident.severity.label} from now on: updates "
        f"{describe_cadence(incident.update_cadence)}, {incident.approvals_required} "
        "approval(s) per statement",
    )


def _cadence(ctx: CommandContext) -> int:
    from warroom.domain.cadence import describe_cadence

    incident = ctx.services.lifecycle.set_cadence(ctx.args.id, ctx.args.cadence, ctx.actor)
    return _emit(
        ctx,
        incident,
        f"incident {incident.id}: updates {describe_cadence(incident.update_cadence)}",
    )


def _hold(ctx: CommandContext) -> int:
    incident = ctx.services.lifecycle.set_hold(ctx.args.id, ctx.args.minutes, ctx.actor)
    return _emit(
        ctx,
        incident,
        f"incident {incident.id}: a statement waiting more than {incident.hold_minutes} min "
        "in the outbox is held for a person to confirm",
    )


def _times(ctx: CommandContext) -> int:
    args = ctx.args
    incident = ctx.services.lifecycle.set_times(
        args.id, ctx.actor, reason=args.reason, began_at=args.began, aware_at=args.aware
    )
    regulator = ctx.services.incidents.regulator(incident.id)
    human = (
        f"incident {incident.id}: began {incident.began_at:%Y-%m-%d %H:%M}Z, aware "
        f"{incident.aware_at:%Y-%m-%d %H:%M}Z"
    )
    if regulator.due_at is not None:
        human += f"; regulator deadline {regulator.due_at:%Y-%m-%d %H:%M}Z"
    return _emit(ctx, incident, human)
