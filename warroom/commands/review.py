"""``warroom review ID [--lessons TEXT|-]``: the post-incident review and lessons learned."""

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
    from warroom.export.json_writer import review_json
    from warroom.export.labels import review_rows

    args = ctx.args
    service = ctx.services.review
    if args.lessons is not None:
        service.set_lessons_learned(args.id, read_text_argument(args.lessons), ctx.actor)
    review = service.review(args.id)

    def human() -> str:
        width = max(len(label) for label, _ in review_rows(review))
        lines = [f"{label:<{width}}  {value}" for label, value in review_rows(review)]
        lines += ["", "Lessons learned:", review.lessons_learned or "(none yet)"]
        return "\n".join(lines)

    ctx.emit(review_json(review), human)
    return 0
