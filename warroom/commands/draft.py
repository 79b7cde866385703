"""``warroom draft new|edit|variant|submit|approve|reject|release|list|show|posted``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from warroom.commands.base import CommandContext, read_text_argument
from warroom.commands.parsing import add_subparser, iso_time, positive_id

if TYPE_CHECKING:
    from warroom.domain.statements import Statement


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``draft`` command and its subcommands."""
    parser = add_subparser(subparsers, "draft", "write, review and release statements")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = add_subparser(actions, "new", "write a draft; prints its id", handler=_new)
    new.add_argument("id", type=positive_id, help="incident id")
    new.add_argument(
        "--channel",
        action="append",
        metavar="NAME",
        help="target channel (repeatable; a template brings its own)",
    )
    new.add_argument("--text", help="statement text ('-' reads stdin)")
    new.add_argument("--subject", default="")
    new.add_argument("--template", metavar="KEY", help="start from a playbook template")
    new.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fill a template placeholder (repeatable)",
    )
    new.add_argument(
        "--next-update-by",
        type=iso_time,
        metavar="TIME",
        help="when the statement promises the next public update",
    )
    edit = add_subparser(actions, "edit", "save new content (voids approvals)", handler=_edit)
    edit.add_argument("draft", type=positive_id)
    edit.add_argument("--text", help="new text ('-' reads stdin)")
    edit.add_argument("--subject")
    edit.add_argument("--channel", action="append", metavar="NAME")
    edit.add_argument("--next-update-by", type=iso_time, metavar="TIME")
    edit.add_argument(
        "--expect-version",
        type=positive_id,
        metavar="N",
        help="refuse the save if someone changed the draft since version N",
    )
    variant = add_subparser(
        actions,
        "variant",
        "give one target channel its own text (and subject), or --reset it to the main text; "
        "a new revision (voids approvals)",
        handler=_variant,
    )
    variant.add_argument("draft", type=positive_id)
    variant.add_argument("--channel", required=True, metavar="NAME", help="a target channel")
    variant.add_argument("--text", help="the channel's own text ('-' reads stdin)")
    variant.add_argument("--subject", help="the channel's own subject (channels that send one)")
    variant.add_argument(
        "--reset", action="store_true", help="follow the statement's main text again"
    )
    variant.add_argument(
        "--expect-version",
        type=positive_id,
        metavar="N",
        help="refuse the save if someone changed the draft since version N",
    )
    for name, help_text in (
        ("submit", "send a draft for review"),
        ("approve", "approve (and sign) the current text"),
        ("release", "release an approved statement to its channels"),
        ("show", "show a statement with its revisions"),
    ):
        sub = add_subparser(actions, name, help_text, handler=_transition)
        sub.add_argument("draft", type=positive_id)
        if name == "release":
            sub.add_argument(
                "--at",
                type=iso_time,
                metavar="TIME",
                help="release at this time (ISO 8601, UTC default): the outbox holds it until "
                "then; editing or rejecting it before then cancels it",
            )
        if name == "approve":
            sub.add_argument(
                "--revision",
                type=positive_id,
                metavar="N",
                help="the revision you read: refused if the statement changed since",
            )
    reject = add_subparser(
        actions, "reject", "send back to draft with a reason", handler=_transition
    )
    reject.add_argument("draft", type=positive_id)
    reject.add_argument("--reason", required=True)
    listing = add_subparser(actions, "list", "list an incident's statements", handler=_list)
    listing.add_argument("id", type=positive_id, help="incident id")
    posted = add_subparser(
        actions,
        "posted",
        "record that you posted a released statement by hand (it counts as public)",
        handler=_posted,
    )
    posted.add_argument("draft", type=positive_id)
    posted.add_argument("--channel", required=True, metavar="NAME", help="where you posted it")
    posted.add_argument("--url", default="", help="the address of the post, if any")
    posted.add_argument(
        "--at", type=iso_time, metavar="TIME", help="when you posted it (default now)"
    )


def _placeholder_values(pairs: list[str]) -> dict[str, str]:
    from warroom.domain.errors import ValidationError

    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"--set needs NAME=VALUE, not {pair!r}")
        values[name.strip()] = value
    return values


def _new(ctx: CommandContext) -> int:
    from warroom.domain.errors import ValidationError
    from warroom.domain.json_mapping import cli_statement_json

    args = ctx.args
    statements = ctx.services.statements
    if args.template:
        _warn_stale_template(ctx, args.id, args.template)
        statement = statements.draft_from_template(
            args.id,
            args.template,
            _placeholder_values(args.set),
            ctx.actor,
            channel_names=args.channel or (),
        )
        if args.next_update_by or args.text:
            statement = statements.edit(
                statement.id,
                ctx.actor,
                text=read_text_argument(args.text) if args.text else None,
                next_update_by=args.next_update_by,
            )
    else:
        if args.text is None:
            raise ValidationError("a draft needs --text (or --template)")
        if not args.channel:
            raise ValidationError("a draft needs at least one --channel")
        statement = statements.draft(
            args.id,
            args.channel,
            read_text_argument(args.text),
            ctx.actor,
            subject=args.subject,
            next_update_by=args.next_update_by,
        )
    _offer_promise(ctx, statement)
    ctx.emit(cli_statement_json(statement), str(statement.id))
    return 0


def _warn_stale_template(ctx: CommandContext, incident_id: int, key: str) -> None:
    """Warn before drafting from a template whose sign-off is stale."""
    from warroom.commands.base import print_warning
    from warroom.domain.template_signoff import stale_signoff_of

    services = ctx.services
    note = stale_signoff_of(
        key, services.statements.templates(incident_id), services.incidents.today()
    )
    if note:
        print_warning(note)


def _offer_promise(ctx: CommandContext, statement: Statement) -> None:
    """Offer a promise the text makes but that is not tracked (``--next-update-by``)."""
    from datetime import UTC

    from warroom.commands.base import print_warning
    from warroom.domain.clock import iso_utc
    from warroom.domain.promises import detect_promise

    if statement.next_update_by is not None:
        return
    found = detect_promise(statement.text, ctx.services.incidents.now(), UTC)
    if found is None:
        return
    zone = "" if found.zone_given else "; no zone given, read as UTC"
    print_warning(
        f'the text promises an update ("{found.phrase}": {found.at:%Y-%m-%d %H:%M} UTC{zone}) '
        f"but no promise is tracked; to track it: warroom draft edit {statement.id} "
        f"--next-update-by {iso_utc(found.at)[:16]}Z"
    )


def _edit(ctx: CommandContext) -> int:
    from warroom.domain.json_mapping import cli_statement_json

    args = ctx.args
    kwargs = {}
    if args.next_update_by is not None:
        kwargs["next_update_by"] = args.next_update_by
    statement = ctx.services.statements.edit(
        args.draft,
        ctx.actor,
        text=read_text_argument(args.text) if args.text is not None else None,
        subject=args.subject,
        channel_names=args.channel,
        expected_version=args.expect_version,
        **kwargs,
    )
    _offer_promise(ctx, statement)
    ctx.emit(
        cli_statement_json(statement),
        f"statement {statement.id} saved as revision "
        f"{statement.revision} ({statement.state.value.replace('_', ' ')})",
    )
    return 0


def _variant(ctx: CommandContext) -> int:
    from warroom.commands.render import variant_lines
    from warroom.domain.json_mapping import cli_statement_json

    args = ctx.args
    statement = ctx.services.statements.set_variant(
        args.draft,
        ctx.actor,
        args.channel,
        text=read_text_argument(args.text) if args.text is not None else None,
        subject=args.subject,
        reset=args.reset,
        expected_version=args.expect_version,
    )
    ctx.emit(
        cli_statement_json(statement),
        lambda: "\n".join(
            [
                f"statement {statement.id} saved as revision {statement.revision} "
                f"({statement.state.value.replace('_', ' ')})",
                *variant_lines(statement),
            ]
        ),
    )
    return 0


def _transition(ctx: CommandContext) -> int:
    from warroom.commands.render import (
        delivery_line,
        outbox_row_json,
        statement_line,
        variant_lines,
    )
    from warroom.domain.json_mapping import cli_revision_json, cli_statement_json

    args = ctx.args
    statements = ctx.services.statements
    if args.action == "show":
        statement = statements.get(args.draft)
        revisions = statements.revisions(statement.id)
        deliveries = ctx.services.channels.outbox(statement_id=statement.id)
        data = cli_statement_json(statement)
        data["revisions"] = [cli_revision_json(r) for r in revisions]
        data["deliveries"] = [outbox_row_json(row) for row in deliveries]

        def human() -> str:
            text = "\n".join([statement_line(statement), *variant_lines(statement)])
            text += "\n\n" + statement.text
            for variant in statement.edited_variants:
                subject = f"Subject: {variant.subject}\n" if variant.subject else ""
                text += f"\n\n--- {variant.channel} (own text) ---\n{subject}{variant.text}"
            if deliveries:
                text += "\n\ndeliveries:\n" + "\n".join(delivery_line(r) for r in deliveries)
            return text

        ctx.emit(data, human)
        return 0
    if args.action == "submit":
        statement = statements.submit(args.draft, ctx.actor)
    elif args.action == "approve":
        statement = statements.approve(args.draft, ctx.actor, revision=args.revision)
    elif args.action == "reject":
        statement = statements.reject(args.draft, ctx.actor, args.reason)
    else:
        statement = statements.release(args.draft, ctx.actor, at=args.at)
    state = statement.state.value.replace("_", " ")
    if statement.scheduled_for is not None and statement.state.value == "scheduled":
        state += f" for release at {statement.scheduled_for:%Y-%m-%d %H:%M}Z"
    ctx.emit(cli_statement_json(statement), f"statement {statement.id} is {state}")
    return 0


def _posted(ctx: CommandContext) -> int:
    from warroom.commands.render import outbox_row_json

    args = ctx.args
    row = ctx.services.publication.posted(
        args.draft, args.channel, ctx.actor, url=args.url, at=args.at
    )
    when = row.posted_at or row.updated_at
    ctx.emit(
        outbox_row_json(row),
        f"statement {row.statement_id} recorded as posted by hand on {row.channel_name} at "
        f"{when:%Y-%m-%d %H:%M}Z; it is public from then on",
    )
    return 0


def _list(ctx: CommandContext) -> int:
    from warroom.commands.render import statement_line
    from warroom.domain.json_mapping import cli_statement_json

    statements = ctx.services.statements.for_incident(ctx.args.id)
    ctx.emit(
        [cli_statement_json(s) for s in statements],
        lambda: "\n".join(statement_line(s) for s in statements) or "no statements",
    )
    return 0
