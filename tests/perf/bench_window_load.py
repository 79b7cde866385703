"""The window's load path: GUI stalls while opening, scrolling back and receiving entries,
and how many database reads one write costs.

Targets (issue 13): no GUI-thread stall over 50 ms while opening an incident, scrolling back
through pages, or receiving entries that another workstation writes; a write is reflected
by one refresh of the panes it affects. A 10 ms heartbeat timer measures stalls: the longest
gap between two beats, minus the interval, is the longest time the event loop could not run.
Phases: show (the window's first show, up to the timeline's first paint: Qt builds and
polishes every widget), open (the rest: the panes' view, the incident list), scroll (ten
pages back), live (another process appends 20 entries, 100 ms apart), writes (the two
counted writes). BENCH_DIAGNOSE=1 prints what the GUI thread ran during each stall.

Reads are counted by wrapping ``Database.reading`` (every read use case opens one): after the
window is idle, (a) another process appends one entry and the window polls once, (b) the
window itself logs one entry through its quick-add box. Each count runs until the window is
idle again, with the poll timer stopped so that only the change poll(s) of that write count.

Each run is a fresh process (cold caches inside Python, warm OS file cache); the writer of
the live phase is another process with its own engine, like another workstation.

Run:  python tests/perf/bench_window_load.py [--runs 3] [--entries 10000 100000]
      (add --baseline DIR to also run a checkout of another commit, e.g. a git worktree,
      in the same invocation; figures are medians and worsts over the runs)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT_MS = 10
LIVE_WRITES = 20
LIVE_GAP_S = 0.1


def build_database(path: Path, entries: int) -> None:
    """Create one incident from a playbook (drafts, checklist) with ``entries`` entries."""
    from tests.support.bulk_timeline import seed_entries
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{path}")
    try:
        incident = build_services(db).incidents.open(
            "Benchmark incident", 2, "bench", playbook_key="service-outage"
        )
        seed_entries(db, incident.id, entries - 1, start=datetime(2026, 11, 1, tzinfo=UTC))
    finally:
        db.dispose()


def writer(db_path: str, count: int, gap: float) -> None:
    """Append ``count`` entries as another workstation would (its own process and engine)."""
    from warroom.services import build_services
    from warroom.storage.database import open_database

    db = open_database(f"sqlite:///{db_path}")
    try:
        services = build_services(db)
        for n in range(count):
            services.timeline.add(1, f"live {n} from the other workstation", "other")
            time.sleep(gap)
    finally:
        db.dispose()


class ReadCounter:
    """Wraps a Database's ``reading`` so that every read use case is counted."""

    def __init__(self, db: Any) -> None:
        self.count = 0
        original = db.reading

        @contextmanager
        def counted() -> Iterator[Any]:
            self.count += 1
            with original() as session:
                yield session

        db.reading = counted


def watch_stalls(beats: dict[str, Any], clock: Any, phase: list[str]) -> None:
    """While a beat is over 30 ms late, sample what the GUI thread runs (every 2 ms) and
    print the samples' innermost frames per stall (BENCH_DIAGNOSE=1; time spent in Qt's C++
    shows as the nearest Python frame, usually processEvents)."""
    import collections
    import threading

    main = threading.main_thread().ident

    def innermost(frame: Any) -> str:
        parts = []
        while frame is not None and len(parts) < 3:
            code = frame.f_code
            if "bench_window_load" not in code.co_filename:
                parts.append(f"{Path(code.co_filename).name}:{frame.f_lineno}:{code.co_name}")
            frame = frame.f_back
        return " < ".join(parts) or "bench loop (processEvents: Qt C++ or waiting for the GIL)"

    def run() -> None:
        samples: collections.Counter[str] = collections.Counter()
        started = None
        while True:
            time.sleep(0.002)
            now = clock.nsecsElapsed() / 1e6
            late = now - beats["last"] - HEARTBEAT_MS
            if beats["on"] and late > 30:
                started = started or now - late
                samples[innermost(sys._current_frames().get(main))] += 1  # type: ignore[arg-type]
            elif started is not None:
                length = now - started
                print(f"--- {phase[0]}: {length:.0f} ms from {started:.0f} ms", file=sys.stderr)
                for where, count in samples.most_common(4):
                    print(f"    {count:3d} x {where}", file=sys.stderr)
                samples.clear()
                started = None

    threading.Thread(target=run, daemon=True).start()


def child(db_path: str) -> dict[str, float]:
    """Measure one window in this process; return the figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from warroom.services import build_services
    from warroom.services.preferences import Identity, PreferencesStore
    from warroom.storage.database import open_database
    from warroom.ui.shell.app import build_window, freeze_startup_objects
    from warroom.ui.shell.tasks import TaskRunner

    app = QApplication([])
    clock = QElapsedTimer()
    figures: dict[str, float] = {}
    phase = ["show"]  # the window's first show, up to the timeline's first paint
    worst = {"show": 0.0, "open": 0.0, "scroll": 0.0, "live": 0.0, "writes": 0.0}
    beats = {"last": 0.0, "on": False}

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        if beats["on"]:
            gap = now - beats["last"] - HEARTBEAT_MS
            worst[phase[0]] = max(worst[phase[0]], gap)
        beats["last"] = now

    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)
    if os.environ.get("BENCH_DIAGNOSE"):
        watch_stalls(beats, clock, phase)

    db = open_database(f"sqlite:///{db_path}")
    reads = ReadCounter(db)
    services = build_services(db)
    runner = TaskRunner()
    folder = tempfile.mkdtemp()
    store = PreferencesStore(Path(folder) / "p.json")
    window = build_window(services, runner, Identity("bench", "lead"), store)
    view, model = window.timeline.view, window.timeline.model

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and model.rowCount() > 0:
                figures.setdefault("first_paint_ms", clock.nsecsElapsed() / 1e6)
                if phase[0] == "show":
                    phase[0] = "open"  # the rest of opening: the panes' view, the lists
            return False

    def wait(condition: Callable[[], bool], timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)

    def idle() -> bool:
        return runner.is_idle() and not model.is_loading()

    freeze_startup_objects()
    painter_watch = FirstPaint()
    view.viewport().installEventFilter(painter_watch)
    window.resize(1400, 850)
    clock.start()
    beats["last"], beats["on"] = 0.0, True
    heartbeat.start()
    window.show()
    window.start()
    wait(lambda: "first_paint_ms" in figures)
    wait(idle)
    figures["rows_after_open"] = model.rowCount()

    phase[0] = "scroll"
    for _ in range(10):  # read back through ten pages, as a person catching up would
        view.verticalScrollBar().setValue(0)
        wait(idle)
        app.processEvents()
    figures["rows_after_scrolling"] = model.rowCount()

    phase[0] = "live"
    before = model.rowCount()
    other = subprocess.Popen(
        [sys.executable, __file__, "--writer", db_path, str(LIVE_WRITES), str(LIVE_GAP_S)],
        env=os.environ,
    )
    while other.poll() is None:
        app.processEvents()
        time.sleep(0.001)
    deadline = time.monotonic() + 3  # the window polls every second
    wait(lambda: model.rowCount() >= before + LIVE_WRITES or time.monotonic() > deadline, 5)
    wait(idle)
    figures["live_rows_seen"] = model.rowCount() - before

    phase[0] = "writes"
    window.poller.stop()  # from here on only the polls of each write count
    wait(idle)
    reads.count = 0
    writer(db_path, 1, 0)  # "another workstation" (same process here, but its own engine)
    counted_from = reads.count  # the writer's own reads are not the window's
    window.poller.poll()
    wait(idle)
    wait(idle)
    figures["reads_per_foreign_write"] = reads.count - counted_from
    reads.count = 0
    window.timeline.add_box.setPlainText("one entry logged in this window")
    window.timeline.add_entry()
    wait(lambda: window.timeline.add_box.toPlainText() == "")
    wait(idle)
    window.poller.poll()  # what the timer would do within a second
    wait(idle)
    figures["reads_per_own_write"] = reads.count

    heartbeat.stop()
    for name, value in worst.items():
        figures[f"max_stall_{name}_ms"] = value
    window.stop()
    wait(runner.is_idle)
    runner.shutdown()
    db.dispose()
    return figures


def measure(checkout: Path, db_path: Path, runs: int) -> list[dict[str, float]]:
    """Run ``runs`` fresh window processes of ``checkout`` on ``db_path``."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        WARROOM_DATA_DIR=str(db_path.parent),
        PYTHONPATH=str(checkout) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(db_path)],
            env=env,
            cwd=checkout,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(out.stderr[-3000:])
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


FIGURES: dict[str, float | None] = {
    "first_paint_ms": 300.0,
    "max_stall_show_ms": None,
    "max_stall_open_ms": 50.0,
    "max_stall_scroll_ms": 50.0,
    "max_stall_live_ms": 50.0,
    "max_stall_writes_ms": 50.0,
    "reads_per_foreign_write": None,
    "reads_per_own_write": None,
    "rows_after_open": None,
    "rows_after_scrolling": None,
    "live_rows_seen": None,
}


def report(label: str, runs: list[dict[str, float]]) -> None:
    """Print median and worst of each figure against its target."""
    print(f"== {label} ({len(runs)} runs)")
    for name, target in FIGURES.items():
        values = [run.get(name, float("nan")) for run in runs]
        median, worst = statistics.median(values), max(values)
        verdict = ""
        if target is not None:
            verdict = f"target <= {target:g}: {'meets' if worst <= target else 'MISSES'}"
        print(f"  {name:26s} median {median:9.1f}  worst {worst:9.1f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--writer", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if args.build:
        build_database(Path(args.build[0]), int(args.build[1]))
        return
    if args.writer:
        writer(args.writer[0], int(args.writer[1]), float(args.writer[2]))
        return
    checkouts = [("this checkout", ROOT)]
    if args.baseline:
        checkouts.insert(0, ("baseline " + str(args.baseline), args.baseline.resolve()))
    for entries in args.entries:
        print(f"-- {entries} entries")
        for label, checkout in checkouts:
            with tempfile.TemporaryDirectory() as folder:
                # Built by the checkout measured: each writes its own schema revision.
                template = Path(folder) / "template.db"
                subprocess.run(
                    [sys.executable, __file__, "--build", str(template), str(entries)],
                    env=dict(os.environ, PYTHONPATH=str(checkout)),
                    cwd=checkout,
                    check=True,
                )
                results = []
                for _ in range(args.runs):  # a fresh copy each run: the live phase writes
                    copy = Path(folder) / "run.db"
                    copy.write_bytes(template.read_bytes())
                    results += measure(checkout, copy, 1)
                    copy.unlink()
                report(label, results)


if __name__ == "__main__":
    main()
