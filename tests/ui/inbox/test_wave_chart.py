"""The wave: stacked volume per bucket and source, spikes marked, negative share, figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from tests.support.bulk_inbox import seed_inbox
from tests.ui.inbox.conftest import WAIT_MS
from warroom.domain.inbox_stats import InboxStats, VolumeCount, compute_stats
from warroom.ui.inbox.wave import SPIKE, WaveChart, duration_text, nice_ceiling, source_colour

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _stats(counts: list[tuple[int, str, int]], *, negative: int = 0) -> InboxStats:
    base = int(datetime(2026, 11, 23, 9, tzinfo=UTC).timestamp()) // 900
    return compute_stats(
        incident_id=None,
        bucket="15m",
        now=NOW,
        counts=[
            VolumeCount(base + index, source, count, negative=negative, scored=count)
            for index, source, count in counts
        ],
        responses=[(1, 60), (1, 600), (2, 3600)],
        waiting=4,
        oldest_waiting_since=NOW - timedelta(hours=2, minutes=5),
    )


def _render(chart: WaveChart) -> QImage:
    chart.resize(480, 180)
    image = QImage(chart.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    chart.render(image)
    return image


def _has_colour(image: QImage, colour: QColor) -> bool:
    wanted = colour.rgb()
    return any(
        image.pixel(x, y) == wanted for x in range(image.width()) for y in range(image.height())
    )


def test_bars_are_stacked_by_source_and_a_spike_is_marked(qtbot: Any) -> None:
    chart = WaveChart()
    qtbot.addWidget(chart)
    calm = [(i, "masto", 2) for i in range(6)] + [(i, "mail", 1) for i in range(6)]
    chart.set_stats(_stats(calm))
    image = _render(chart)
    assert _has_colour(image, source_colour(0)) and _has_colour(image, source_colour(1))
    assert not _has_colour(image, SPIKE)

    storm = [*calm, (6, "masto", 12), (6, "mail", 3)]  # 15 >= 2x the baseline of 3
    stats = _stats(storm, negative=1)
    assert [b.spike for b in stats.buckets] == [False] * 6 + [True]
    chart.set_stats(stats)
    assert _has_colour(_render(chart), SPIKE)
    spike_x = chart._slots[-1][0].center().x()
    assert chart.bucket_at(spike_x) is stats.buckets[-1]
    assert "1 spike" in chart.accessibleDescription()
    assert "P1 median 5m, p90 10m (2)" in chart.accessibleDescription()
    assert "Waiting: 4, oldest 2h 05m" in chart.accessibleDescription()


def test_more_buckets_than_fit_show_the_newest(qtbot: Any) -> None:
    chart = WaveChart()
    qtbot.addWidget(chart)
    stats = _stats([(i, "masto", 1 + i % 3) for i in range(400)])
    chart.set_stats(stats)
    _render(chart)
    first, last = chart.visible_buckets(480 - 34 - 40)
    assert (
        last - first + 1 < 400
        and chart.bucket_at(chart._slots[-1][0].center().x()) == (stats.buckets[-1])
    )
    assert nice_ceiling(7) == 10 and nice_ceiling(31) == 50 and nice_ceiling(1) == 1
    assert duration_text(timedelta(seconds=45)) == "45s" and duration_text(None) == "-"
    assert duration_text(timedelta(days=3, hours=4, minutes=9)) == "3d 4h"


def test_the_panel_reads_only_when_folded_out_and_follows_the_inbox(
    qtbot: Any, services: Any, incident: Any, inbox_window: Callable[..., Any]
) -> None:
    seed_inbox(services.db, services, 300, incident_id=incident.id)
    _window, controller = inbox_window(incident_id=incident.id)
    wave = controller.pane.wave
    assert wave.reads == 0 and not wave.body.isVisible()
    wave.toggle.click()
    qtbot.waitUntil(lambda: wave.chart.stats is not None, timeout=WAIT_MS)
    assert wave.chart.stats.total == 300 and wave.chart.stats.incident_id is None
    assert "whole inbox: 300 items" in wave.headline.text()
    assert "First response: P1 median" in wave.figures.text()
    assert "masto" in wave.legend.text() and "spike" in wave.legend.text()

    pane = controller.pane
    scope = pane.filters.scope_combo
    scope.setCurrentIndex(scope.findData("incident"))
    qtbot.waitUntil(lambda: wave.chart.stats.incident_id == incident.id, timeout=WAIT_MS)
    assert wave.chart.stats.total == 30  # every tenth item is attached
    wave.bucket_combo.setCurrentIndex(wave.bucket_combo.findData("1h"))
    qtbot.waitUntil(lambda: wave.chart.stats.bucket == "1h", timeout=WAIT_MS)
    reads = wave.reads
    wave.toggle.click()  # folded: changes do not read
    first = pane.model.item_at(0)
    services.inbox.triage(first.id, "alice", priority=1)
    qtbot.waitUntil(lambda: pane.model.item_at(0).priority == 1, timeout=WAIT_MS)
    assert wave.reads == reads
