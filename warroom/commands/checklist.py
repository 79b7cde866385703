"""``warroom checklist list|done|undo|add|assign``."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, iso_time, positive_id


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``checklist`` command and its subcommands."""
    parser = add_subparser(subparsers, "checklist", "work an incident's playbook checklist")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = add_subparser(actions, "list", "list the checklist by phase", handler=_list)
    listing.add_argument("id", type=positive_id, help="incident id")
    done = add_subparser(actions, "done", "tick an item", handler=_done)
    done.add_argument("id", type=positive_id, help="incident id")
    done.add_argument("item", type=positive_id, help="item id (first column of 'list')")
    done.add_argument(
        "--at",
        type=iso_time,
        metavar="TIME",
        help="when it was done (default now); for the step that notifies the regulator, "
        "when the authority was notified",
    )
    undo = add_subparser(actions, "undo", "untick an item, with a reason", handler=_undo)
    undo.add_argument("id", type=positive_id, help="incident id")
    undo.add_argument("item", type=positive_id, help="item id")
    undo.add_argument("--reason", required=True, help="why it is not done after all")
    add = add_subparser(actions, "add", "add an item during the incident", handler=_add)
    add.add_argument("id", type=positive_id, help="incident id")
    add.add_argument("text", help="what to do")
    add.add_argument(
        "--phase", default="ongoing", help="first-15-minutes, first-hour, ongoing, after"
    )
    add.add_argument("--due", type=iso_time, metavar="TIME", help="when it is due")
    add.add_argument("--owner", default="", metavar="ROLE", help="the role that owns it")
    assign = add_subparser(actions, "assign", "assign an item to a person", handler=_assign)
    assign.add_argument("id", type=positive_id, help="incident id")
    assign.add_argument("item", type=positive_id, help="item id")
    assign.add_argument("person", help="who does it")


def _list(ctx: CommandContext) -> int:
    from warroom.commands.render import due_text, item_json

    items = ctx.services.checklist.items(ctx.args.id)
    now = ctx.services.incidents.now()

    def human() -> str:
        lines, phase = [], None
        for item in items:
            if item.phase is not phase:
                phase = item.phase
                lines.append(f"{phase.heading}:")
            mark = "x" if item.is_done else ("!" if item.is_overdue(now) else " ")
            due = f" due {due_text(item.due_at, now)}" if item.due_at else ""
            who = f" (done by {item.done_by})" if item.done_by else ""
            owner = item.owner_role + (f" -> {item.assignee}" if item.assignee else "")
            stops = " [stops the regulator clock]" if item.stops_regulator_clock else ""
            lines.append(f"  {item.id:>4} [{mark}] {owner}{due}: {item.text}{stops}{who}")
        return "\n".join(lines) or "no checklist (the incident has no playbook)"

    data = [dict(item_json(i), overdue=i.is_overdue(now)) for i in items]
    ctx.emit(data, human)
    return 0


def _done(ctx: CommandContext) -> int:
    from warroom.commands.render import item_json

    args = ctx.args
    item = ctx.services.checklist.done(args.id, args.item, ctx.actor, at=args.at)
    said = f"done: {item.text}"
    if item.stops_regulator_clock and item.done_at is not None:
        said += f"\nregulator notified at {item.done_at:%Y-%m-%d %H:%M}Z; its clock has stopped"
    ctx.emit(item_json(item), said)
    return 0


def _undo(ctx: CommandContext) -> int:
    from warroom.commands.render import item_json

    args = ctx.args
    item = ctx.services.checklist.undo(args.id, args.item, ctx.actor, reason=args.reason)
    said = f"not done any more: {item.text}"
    if item.stops_regulator_clock:
        said += "\nthe regulator clock runs again"
    ctx.emit(item_json(item), said)
    return 0


def _add(ctx: CommandContext) -> int:
    from warroom.commands.render import item_json

    args = ctx.args
    item = ctx.services.checklist.add(
        args.id, args.text, ctx.actor, phase=args.phase, due_at=args.due, owner_role=args.owner
    )
    ctx.emit(item_json(item), str(item.id))
    return 0


def _assign(ctx: CommandContext) -> int:
    from warroom.commands.render import item_json

    args = ctx.args
    item = ctx.services.checklist.assign(args.id, args.item, args.person, ctx.actor)
    ctx.emit(item_json(item), f"item {item.id} assigned to {item.assignee}: {item.text}")
    return 0
