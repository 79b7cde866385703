"""The timeline's search box on a large incident: GUI stalls while typing, counting and
scrolling marked rows, the cost of painting marks, and the count's own time.

Targets (issue 13): no GUI-thread stall over 50 ms while searching; the search service call
at most 50 ms median. A 5 ms heartbeat timer measures stalls (the longest gap between two
beats, minus the interval). Painting is timed with synchronous repaints of the table, the
same rows with and without a search, so the two figures compare within one run.

Run: python tests/perf/bench_search_box.py [--entries 100000] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_MS = 5
TYPED = "entry 7777"  # typed one key at a time, as a person does: ends with 11 matches
BROAD = "region 3"  # a seventh of the timeline: pages of marked rows to scroll through
KEY_GAP_MS = 90


def build_database(path: Path, entries: int) -> None:
    """Create one incident with ``entries`` chained entries (the scale tests' text)."""
    from tests.support.bulk_timeline import seed_entries
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{path}")
    try:
        incident = build_services(db).incidents.open("Benchmark incident", 2, "bench")
        seed_entries(db, incident.id, entries - 1, start=datetime(2026, 11, 1, tzinfo=UTC))
    finally:
        db.dispose()


def median_ms(call: Callable[[], object], runs: int = 7) -> float:
    """Return the median wall time of ``call`` in ms."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def measure(db_path: str) -> dict[str, object]:
    """Open the timeline pane on the database, search it as a person would; the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from warroom.services import build_services
    from warroom.storage.database import open_database
    from warroom.ui.shell.tasks import TaskRunner
    from warroom.ui.timeline.pane import TimelinePane

    app = QApplication([])
    db = open_database(f"sqlite:///{db_path}")
    services = build_services(db)
    runner = TaskRunner()
    pane = TimelinePane(services.timeline, runner, "bench")
    pane.resize(1200, 800)
    pane.show()
    model, view, bar = pane.model, pane.view, pane.search_bar
    figures: dict[str, object] = {}

    clock = QElapsedTimer()
    clock.start()
    phase = ["open"]
    stalls: dict[str, float] = {}
    last = [0.0]

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        gap = now - last[0] - HEARTBEAT_MS
        stalls[phase[0]] = round(max(stalls.get(phase[0], 0.0), gap), 1)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)

    def spin(ms: float) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.001)

    def settle(timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            app.processEvents()
            busy = model.is_loading() or bar.counter.is_counting() or bar._timer.isActive()
            if runner.is_idle() and not busy:
                return
            time.sleep(0.001)
        raise TimeoutError("the pane did not settle")

    last[0] = clock.nsecsElapsed() / 1e6
    heartbeat.start()
    pane.set_incident(1)
    settle()

    def scroll_pages(pages: int) -> None:
        for _ in range(pages):
            view.verticalScrollBar().setValue(0)
            settle()
            spin(20)

    def paint_ms() -> float:
        """Median time of one synchronous repaint of the table, at every scroll step."""
        times = []
        bar_ = view.verticalScrollBar()
        for value in range(bar_.minimum(), bar_.maximum() + 1, max(1, bar_.pageStep() // 2)):
            bar_.setValue(value)
            started = time.perf_counter()
            view.viewport().repaint()
            times.append((time.perf_counter() - started) * 1000)
            app.processEvents()
        return round(statistics.median(times), 3)

    phase[0] = "plain scroll"
    scroll_pages(5)
    figures["rows_plain"] = model.rowCount()
    phase[0] = "paint timing (synchronous repaints: not a stall figure)"
    figures["paint_plain_ms"] = paint_ms()

    phase[0] = "typing"
    pane.search.setFocus()
    typed_at = 0.0
    for char in TYPED:
        pane.search.insert(char)
        typed_at = time.perf_counter()
        spin(KEY_GAP_MS)
    settle()
    figures["last_key_to_results_and_count_ms"] = round((time.perf_counter() - typed_at) * 1000, 1)
    figures["label"] = pane.search_count.text()

    phase[0] = "broad search"
    pane.search.setText(BROAD)
    pane.search_bar.apply_now()
    settle()
    figures["label_broad"] = pane.search_count.text()

    phase[0] = "marked scroll"
    scroll_pages(5)
    figures["rows_marked"] = model.rowCount()
    phase[0] = "paint timing (synchronous repaints: not a stall figure)"
    figures["paint_marked_ms"] = paint_ms()

    phase[0] = "common word"
    pane.search.setText("status")
    pane.search_bar.apply_now()
    settle()
    figures["label_common_word"] = pane.search_count.text()

    phase[0] = "escape"
    pane.search.clear()
    settle()
    heartbeat.stop()
    figures["max_stall_ms_by_phase"] = stalls

    timeline = services.timeline
    figures["service_count_ms"] = median_ms(lambda: timeline.count_matches(1, "entry 7777*"))
    figures["service_count_broad_ms"] = median_ms(lambda: timeline.count_matches(1, BROAD))
    figures["service_count_capped_ms"] = median_ms(lambda: timeline.count_matches(1, "status"))
    figures["service_page_ms"] = median_ms(lambda: timeline.page(1, limit=100, search=BROAD))
    figures["service_plain_page_ms"] = median_ms(lambda: timeline.page(1, limit=100))
    pane.close()
    runner.shutdown()
    db.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--db", help="reuse (or create) this database file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "search-box.db"
    if not path.exists():
        started = time.perf_counter()
        build_database(path, args.entries)
        print(f"built {args.entries:,} entries in {time.perf_counter() - started:.1f} s")
    print(json.dumps(measure(str(path)), indent=2))


if __name__ == "__main__":
    main()
