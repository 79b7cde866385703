"""Seeing the wave: inbound volume, negative share, spikes and response times, as one value.

The storage layer aggregates (counts per bucket and source, response delays); this module
turns those aggregates into :class:`InboxStats`, a frozen value that the CLI, the window,
the post-incident review and the exports can all show the same way.

Rules (documented here, and in the README):

- Buckets are ``5m``, ``15m`` or ``1h`` wide, aligned on the Unix epoch (so on the hour),
  and count items by the time they were *posted*. Buckets with no item are left out.
- Negative share: items whose VADER compound score is at most -0.05, over the items that
  were scored (English text only); ``None`` when nothing was scored.
- Spike: a bucket is a spike when it holds at least :data:`SPIKE_MIN_ITEMS` items and at
  least :data:`SPIKE_FACTOR` times its trailing baseline, the mean of the
  :data:`BASELINE_BUCKETS` buckets before it (an empty bucket counts as 0). A bucket with
  no earlier bucket in the data is never a spike: there is no baseline to compare with.
- Time to first response: from when the item was posted to the first answer (the reply's
  delivery was confirmed, or a person marked it replied), per effective priority (the one a
  person set, else the suggested one). Median, and the 90th percentile by nearest rank.
- Waiting: items still new, needing a reply or escalated; the oldest wait is measured from
  its posting time to now.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from warroom.domain.errors import ValidationError

BUCKETS: dict[str, int] = {"5m": 300, "15m": 900, "1h": 3600}
SPIKE_MIN_ITEMS = 5
SPIKE_FACTOR = 2.0
BASELINE_BUCKETS = 6


def bucket_seconds(name: str) -> int:
    """Return the width of the bucket called ``name`` (5m, 15m, 1h) in seconds."""
    try:
        return BUCKETS[name]
    except KeyError:
        raise ValidationError(f"bucket must be one of {', '.join(BUCKETS)}, not {name!r}") from None


@dataclass(frozen=True, slots=True)
class VolumeCount:
    """Items of one source posted in one bucket (``index``: start in seconds // width)."""

    index: int
    source: str
    count: int
    negative: int = 0
    scored: int = 0


@dataclass(frozen=True, slots=True)
class Bucket:
    """One time bucket: its volume by source, its negative items, and whether it spiked."""

    start: datetime
    total: int
    by_source: Mapping[str, int]
    negative: int
    scored: int
    baseline: float | None  # mean of the preceding buckets; None without any
    spike: bool

    @property
    def negative_share(self) -> float | None:
        """Return the share of scored items that read negative (None: none scored)."""
        return self.negative / self.scored if self.scored else None


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """Time to first response for one priority."""

    priority: int
    answered: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True, slots=True)
class InboxStats:
    """Everything ``inbox stats`` reports, for one incident or the whole inbox."""

    incident_id: int | None
    bucket: str
    computed_at: datetime
    total: int
    buckets: tuple[Bucket, ...]
    sources: tuple[str, ...]
    negative: int
    scored: int
    response: tuple[ResponseTimes, ...]
    waiting: int
    oldest_waiting_since: datetime | None
    rule: str = field(default="")

    @property
    def negative_share(self) -> float | None:
        """Return the overall share of scored items that read negative."""
        return self.negative / self.scored if self.scored else None

    @property
    def oldest_wait(self) -> timedelta | None:
        """Return how long the longest-waiting item has waited."""
        if self.oldest_waiting_since is None:
            return None
        return max(timedelta(0), self.computed_at - self.oldest_waiting_since)

    @property
    def spikes(self) -> tuple[Bucket, ...]:
        """Return the buckets flagged as spikes."""
        return tuple(b for b in self.buckets if b.spike)


SPIKE_RULE = (
    f"a bucket with at least {SPIKE_MIN_ITEMS} items and at least {SPIKE_FACTOR:g}x the mean "
    f"of the {BASELINE_BUCKETS} buckets before it"
)


def percentile(values: list[float], p: float) -> float:
    """Return the ``p``-th percentile of sorted ``values`` by nearest rank."""
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


def response_times(samples: Iterable[tuple[int, float]]) -> tuple[ResponseTimes, ...]:
    """Return median and p90 per priority 1..4 from (priority, seconds) samples."""
    by_priority: dict[int, list[float]] = {p: [] for p in (1, 2, 3, 4)}
    for priority, seconds in samples:
        by_priority.setdefault(priority, []).append(seconds)
    result = []
    for priority in sorted(by_priority):
        values = by_priority[priority]
        if not values:
            result.append(ResponseTimes(priority, 0, None, None))
            continue
        values.sort()
        middle = len(values) // 2
        median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        result.append(
            ResponseTimes(
                priority,
                len(values),
                timedelta(seconds=max(0.0, float(median))),
                timedelta(seconds=max(0.0, float(percentile(values, 90)))),
            )
        )
    return tuple(result)


def build_buckets(counts: Iterable[VolumeCount], width: int) -> tuple[Bucket, ...]:
    """Group per-source counts into buckets, oldest first, and flag spikes."""
    totals: dict[int, dict[str, int]] = {}
    negatives: dict[int, int] = {}
    scored: dict[int, int] = {}
    for count in counts:
        sources = totals.setdefault(count.index, {})
        sources[count.source] = sources.get(count.source, 0) + count.count
        negatives[count.index] = negatives.get(count.index, 0) + count.negative
        scored[count.index] = scored.get(count.index, 0) + count.scored
    if not totals:
        return ()
    first = min(totals)
    result = []
    for index in sorted(totals):
        total = sum(totals[index].values())
        preceding = [i for i in range(index - BASELINE_BUCKETS, index) if i >= first]
        baseline = (
            sum(sum(totals.get(i, {}).values()) for i in preceding) / len(preceding)
            if preceding
            else None
        )
        spike = (
            baseline is not None and total >= SPIKE_MIN_ITEMS and total >= SPIKE_FACTOR * baseline
        )
        result.append(
            Bucket(
                start=datetime.fromtimestamp(index * width, UTC),
                total=total,
                by_source=dict(sorted(totals[index].items())),
                negative=negatives[index],
                scored=scored[index],
                baseline=baseline,
                spike=spike,
            )
        )
    return tuple(result)


def compute_stats(
    *,
    incident_id: int | None,
    bucket: str,
    now: datetime,
    counts: Iterable[VolumeCount],
    responses: Iterable[tuple[int, float]],
    waiting: int,
    oldest_waiting_since: datetime | None,
) -> InboxStats:
    """Return the stats from the storage layer's aggregates."""
    width = bucket_seconds(bucket)
    counts = list(counts)
    buckets = build_buckets(counts, width)
    return InboxStats(
        incident_id=incident_id,
        bucket=bucket,
        computed_at=now,
        total=sum(b.total for b in buckets),
        buckets=buckets,
        sources=tuple(sorted({c.source for c in counts})),
        negative=sum(b.negative for b in buckets),
        scored=sum(b.scored for b in buckets),
        response=response_times(responses),
        waiting=waiting,
        oldest_waiting_since=oldest_waiting_since,
        rule=SPIKE_RULE,
    )
