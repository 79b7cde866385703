"""The inbox figures ("seeing the wave", issue 15) as every export format shows them.

One JSON shape (schema ``warroom.incident-log/3``, member ``inbox``) and one set of wording
for the CSV, Markdown and PDF, from the frozen :class:`InboxStats` the inbox service
computes. The figures are not covered by the hash chain (inbox items are not chained): like
the review, they are what the database said at export time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from warroom.domain.clock import iso_utc
from warroom.domain.inbox_stats import InboxStats
from warroom.domain.review import Review
from warroom.export.labels import duration, percent, review_rows, when


def _time(value: datetime | None) -> str | None:
    return iso_utc(value) if value is not None else None


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def inbox_json(stats: InboxStats) -> dict[str, Any]:
    """Return the figures as JSON data (durations in seconds, times in canonical UTC)."""
    return {
        "bucket": stats.bucket,
        "computed_at": _time(stats.computed_at),
        "total": stats.total,
        "sources": list(stats.sources),
        "negative": stats.negative,
        "scored": stats.scored,
        "negative_share": stats.negative_share,
        "spike_rule": stats.rule,
        "buckets": [
            {
                "start": _time(b.start),
                "total": b.total,
                "by_source": dict(b.by_source),
                "negative": b.negative,
                "scored": b.scored,
                "baseline": b.baseline,
                "spike": b.spike,
            }
            for b in stats.buckets
        ],
        "response": [
            {
                "priority": r.priority,
                "answered": r.answered,
                "median_seconds": _seconds(r.median),
                "p90_seconds": _seconds(r.p90),
            }
            for r in stats.response
        ],
        "waiting": stats.waiting,
        "oldest_waiting_since": _time(stats.oldest_waiting_since),
        "oldest_wait_seconds": _seconds(stats.oldest_wait),
    }


def inbox_rows(stats: InboxStats) -> list[tuple[str, str]]:
    """Return the figures as (label, value) rows for people."""
    if not stats.total and not stats.waiting:
        return [("Inbound items", "none attached to this incident")]
    rows = [
        (
            "Inbound items",
            f"{stats.total} from {', '.join(stats.sources) or 'no source'} "
            f"in {len(stats.buckets)} bucket(s) of {stats.bucket}",
        ),
        (
            "Negative share",
            f"{percent(stats.negative_share)} ({stats.negative} of {stats.scored} scored)",
        ),
    ]
    for bucket in stats.spikes:
        baseline = f"{bucket.baseline:.1f}" if bucket.baseline is not None else "-"
        rows.append(
            (
                "Spike",
                f"{bucket.total} items from {when(bucket.start)} (baseline {baseline})",
            )
        )
    for response in stats.response:
        if response.answered:
            rows.append(
                (
                    f"First response, priority {response.priority}",
                    f"median {duration(response.median)}, 90th percentile "
                    f"{duration(response.p90)} ({response.answered} answered)",
                )
            )
    waiting = f"{stats.waiting} waiting"
    if stats.oldest_wait is not None:
        waiting += f"; the oldest for {duration(stats.oldest_wait)}"
    rows.append(("Still waiting", waiting))
    return rows


def review_figure_rows(review: Review) -> list[tuple[str, str]]:
    """Return the review's rows, then its inbox figures when it has them (the review window
    and the ``review`` command show both; the exports show the figures as a section)."""
    rows = review_rows(review)
    if review.inbox is not None:
        rows += inbox_rows(review.inbox)
    return rows
