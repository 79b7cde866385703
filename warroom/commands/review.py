"""``warroom review ID [--lessons TEXT|-]``: the post-incident review, its inbox figures and
the lessons learned."""

from __future__ import annotations

import argparse

from warroom.commands.base import CommandContext, read_text_argument
from warroom.commands.parsing import add_subparser, positive_id


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``review`` command."""
    parser = add_subparser(
        subparsers,
        "review",
        "print the post-incident review; --lessons sets the lessons learned ('-' reads stdin)",
        handler=_review,
    )
    parser.add_argument("id", type=positive_id, help="incident id")
    parser.add_argument(
        "--lessons", metavar="TEXT", help="set the lessons learned ('' clears, '-' reads stdin)"
    )


def _review(ctx: CommandContext) -> int:
    from warroom.export.inbox_figures import inbox_json, inbox_rows
    from warroom.export.json_writer import review_json
    from warroom.export.labels import review_rows

    args = ctx.args
    service = ctx.services.review
    if args.lessons is not None:
        service.set_lessons_learned(args.id, read_text_argument(args.lessons), ctx.actor)
    review = service.review(args.id)

    def human() -> str:
        inbox = inbox_rows(review.inbox) if review.inbox is not None else []
        width = max(len(label) for label, _ in [*review_rows(review), *inbox])
        lines = [f"{label:<{width}}  {value}" for label, value in review_rows(review)]
        if inbox:
            lines += ["", "Inbound and response times:"]
            lines += [f"{label:<{width}}  {value}" for label, value in inbox]
        lines += ["", "Lessons learned:", review.lessons_learned or "(none yet)"]
        return "\n".join(lines)

    data = review_json(review)
    # Added beside the review's own keys (those stay as they were): the inbox figures in
    # the shape of the export's ``inbox`` member.
    data["inbox"] = inbox_json(review.inbox) if review.inbox is not None else None
    ctx.emit(data, human)
    return 0
