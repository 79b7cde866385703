"""``warroom search TERMS``: find entries and statements across incidents."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.commands.base import CommandContext
from warroom.commands.parsing import add_subparser, iso_time, positive_id

if TYPE_CHECKING:
    from warroom.domain.search import SearchResults, StatementHit

KINDS = ("note", "decision", "action", "inbound", "statement", "status")
DEFAULT_LIMIT = 50


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``search`` command."""
    parser = add_subparser(
        subparsers,
        "search",
        "search timelines and statements (newest first); words in any order, "
        '"exact phrase", prefix*',
        handler=_search,
    )
    parser.add_argument("terms", nargs="+", metavar="TERMS")
    parser.add_argument("--incident", type=positive_id, metavar="ID", help="only this incident")
    parser.add_argument("--kind", choices=KINDS, action="append", help="only entries of kind K")
    parser.add_argument("--author", metavar="NAME", help="only entries by this person")
    parser.add_argument("--since", type=iso_time, metavar="TIME", help="only from this time on")
    parser.add_argument(
        "--limit",
        type=positive_id,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N entries (default {DEFAULT_LIMIT})",
    )


def query_text(terms: list[str]) -> str:
    """Join the words given on the command line; a word with spaces is a phrase.

    ``warroom search refund "card declined"`` reaches us as two arguments, the shell having
    eaten the quotes; the second is meant as a phrase, so it is quoted again.
    """
    parts = []
    for term in terms:
        inner = term.replace('"', " ")
        parts.append(f'"{inner}"' if len(inner.split()) > 1 and '"' not in term else term)
    return " ".join(parts)


def _search(ctx: CommandContext) -> int:
    from warroom.domain.search import SearchFilters

    args = ctx.args
    filters = SearchFilters(
        incident_id=args.incident,
        kinds=tuple(args.kind or ()),
        author=args.author,
        since=args.since,
    )
    text = query_text(args.terms)
    # Read-only: the embedded file is read without SQLAlchemy when it can be.
    source = ctx.quick_reads() or ctx.services.search
    results = source.search(text, filters, limit=args.limit, with_count=True)
    ctx.emit(results_json(results), lambda: results_text(results))
    return 0


def results_json(results: SearchResults) -> dict[str, Any]:
    """Return search results as JSON data (a count above COUNT_MAX is a lower bound)."""
    from warroom.domain.json_mapping import cli_entry_json
    from warroom.domain.search import COUNT_MAX

    return {
        "query": results.query.describe(),
        "total_entries": min(results.total_entries or 0, COUNT_MAX),
        "total_is_lower_bound": results.more_than_counted,
        "entries": [cli_entry_json(entry) for entry in results.entries],
        "statements": [_statement_json(hit) for hit in results.statements],
    }


def _statement_json(hit: StatementHit) -> dict[str, Any]:
    from warroom.domain.clock import iso_utc

    return {
        "id": hit.statement_id,
        "incident_id": hit.incident_id,
        "subject": hit.subject,
        "text": hit.text,
        "state": hit.state,
        "updated_at": iso_utc(hit.updated_at),
    }


def results_text(results: SearchResults) -> str:
    """Return search results for people: entries, then statements, then the count."""
    from warroom.commands.render import entry_line

    lines = [f"incident {e.incident_id:<4} {entry_line(e)}" for e in results.entries]
    for hit in results.statements:
        preview = " ".join(hit.text.split())
        preview = preview if len(preview) <= 80 else preview[:77] + "..."
        lines.append(
            f"incident {hit.incident_id:<4} statement {hit.statement_id} ({hit.state}): "
            f"{hit.subject + ' - ' if hit.subject else ''}{preview}"
        )
    shown, total = len(results.entries), results.total_entries
    if not lines:
        return f"nothing matches {results.query.describe()}"
    if total is not None and total > shown:
        lines.append(
            f"{shown} newest of {results.describe_total()} matching entries (--limit to see more)"
        )
    return "\n".join(lines)
