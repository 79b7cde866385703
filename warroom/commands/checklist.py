"""``warroom checklist list|done``."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, positive_id


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``checklist`` command and its subcommands."""
    parser = add_subparser(subparsers, "checklist", "work an incident's playbook checklist")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = add_subparser(actions, "list", "list the checklist by phase", handler=_list)
    listing.add_argument("id", type=positive_id, help="incident id")
    done = add_subparser(actions, "done", "tick an item", handler=_done)
    done.add_argument("id", type=positive_id, help="incident id")
    done.add_argument("item", type=positive_id, help="item id (first column of 'list')")


def _list(ctx: CommandContext) -> int:
    from warroom.commands.render import item_json

    items = ctx.services.checklist.items(ctx.args.id)
    now = ctx.services.incidents.now()

    def human() -> str:
        lines, phase = [], None
        for item in items:
            if item.phase is not phase:
                phase = item.phase
                lines.append(f"{phase.heading}:")
            mark = "x" if item.is_done else ("!" if item.is_overdue(now) else " ")
            due = f" due {item.due_at:%H:%M}Z" if item.due_at else ""
            who = f" (done by {item.done_by})" if item.done_by else ""
            stops = " [stops the regulator clock]" if item.stops_regulator_clock else ""
            lines.append(f"  {item.id:>4} [{mark}] {item.owner_role}{due}: {item.text}{stops}{who}")
        return "\n".join(lines) or "no checklist (the incident has no playbook)"

    data = [dict(item_json(i), overdue=i.is_overdue(now)) for i in items]
    ctx.emit(data, human)
    return 0


def _done(ctx: CommandContext) -> int:
    from warroom.commands.render import item_json

    item = ctx.services.checklist.done(ctx.args.id, ctx.args.item, ctx.actor)
    ctx.emit(item_json(item), f"done: {item.text}")
    return 0
