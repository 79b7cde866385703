"""What the war-room screen features cost, each against a floor measured in the same run.

- keeping typed text: the GUI-thread work per keystroke (list the pane's unsaved texts and
  stage them) against what the drafts pane already does per keystroke (judge every action);
- writing it: one flush of six 2,000-character drafts (fsync included, on a worker thread
  in the app) against writing the same bytes without fsync;
- late marks: one tick over 20 open incidents (no reads) against one tick of the clocks bar;
- themes: switching light <-> dark on the demo window against one full repaint of it.

Run: python tests/perf/bench_screen.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(function: Callable[[], object], repeat: int) -> float:
    """Return the median seconds of ``function`` over ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(name: str, value: float, floor_name: str, floor: float, unit: str = "us") -> None:
    scale = 1e6 if unit == "us" else 1e3
    print(
        f"{name:44s} {value * scale:9.1f} {unit}   {floor_name:34s} {floor * scale:9.1f} {unit}"
        f"   ratio {value / floor:5.2f}"
    )


def bench_typing(folder: Path) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from warroom.domain.channels import Channel, ChannelKind
    from warroom.domain.clocks import RegulatorDeadline
    from warroom.domain.incident_view import IncidentView
    from warroom.domain.incidents import Incident, IncidentState, Severity
    from warroom.domain.statements import Statement, StatementState
    from warroom.services.unsaved import UnsavedStore
    from warroom.ui.drafts.content import EditorContent, content_of
    from warroom.ui.drafts.kept import PREFIX
    from warroom.ui.drafts.state import DraftsState

    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    channel = Channel(1, "mastodon", ChannelKind.MASTODON)
    incident = Incident(
        1, "Outage", Severity.SEV2, IncidentState.OPEN, None, now, now, now, None, "a"
    )
    text = "We are investigating failed card payments in Europe. " * 37  # ~2,000 characters
    base = Statement(
        1, 1, (channel,), "", text[:400], StatementState.DRAFT, 1, "a", "a", now, now, 1
    )
    statements = [replace(base, id=n) for n in range(1, 8)]
    view = IncidentView.build(
        incident=incident,
        read_at=now,
        actor="a",
        statements=tuple(statements),
        deliveries=(),
        channels=(channel,),
        checklist=(),
        regulator=RegulatorDeadline(None, ""),
        people=(),
    )
    state = DraftsState("a")
    state.set_incident(incident, EditorContent())
    state.view_arrived(view, EditorContent(), 0)
    for statement in statements[1:]:  # six texts set aside, each 2,000 characters
        state.choose(statement, EditorContent())
        state.choose(statements[0], replace(content_of(statement), text=text))
    store = UnsavedStore(folder / "unsaved.json")
    counter = iter(range(10**9))

    def keystroke_kept() -> None:
        content = EditorContent(("mastodon",), "", text + str(next(counter)))
        drafts = state.unsaved_drafts(content)
        store.stage_all(PREFIX, {d.store_key: d.payload() for d in drafts})

    def keystroke_floor() -> None:
        content = EditorContent(("mastodon",), "", text + str(next(counter)))
        state.actions(content)

    kept = timed(keystroke_kept, 400)
    floor = timed(keystroke_floor, 400)
    report("keep typed text, per keystroke (GUI)", kept, "judge actions per keystroke", floor)

    def flush() -> None:
        keystroke_kept()
        store.flush()

    body = store.path.read_text() if store.path.exists() else ""
    flush()
    body = store.path.read_text()

    def plain_write() -> None:
        (folder / "plain.json").write_text(body)

    report(
        "write the kept text (worker, fsync)",
        timed(flush, 60),
        "write the bytes, no fsync",
        timed(plain_write, 60),
        unit="ms",
    )


def bench_window(folder: Path) -> None:
    from datetime import timedelta

    from PySide6.QtWidgets import QApplication

    from warroom.services import build_services
    from warroom.services.demo import load_demo
    from warroom.services.preferences import Identity, PreferencesStore
    from warroom.storage.database import open_database
    from warroom.ui.clocks.late_watch import LateWatch
    from warroom.ui.shell.main_window import MainWindow
    from warroom.ui.shell.tasks import TaskRunner
    from warroom.ui.shell.theme import ThemeController

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    theme = ThemeController(app)
    theme.apply("light")
    db = open_database(f"sqlite:///{folder / 'demo.db'}")
    incident = load_demo(db)
    services = build_services(db)
    for n in range(19):
        services.incidents.open(f"Incident {n}", 1 + n % 4, "alice", playbook_key="data-breach")
    runner = TaskRunner()
    window = MainWindow(
        services, runner, Identity("Dana Reyes", "lead"), PreferencesStore(folder / "p.json"), theme
    )
    window.resize(1366, 768)
    window.show()
    window.start(incident.id)

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end or not runner.is_idle():
            app.processEvents()
            time.sleep(0.005)

    pump(2)
    watch = LateWatch(
        services.views,
        services.incidents,
        runner,
        lambda: "Dana Reyes",
        lambda: services.incidents.now() + timedelta(hours=2),
    )
    watch.refresh()
    pump(1)
    assert len(watch._views) == 20

    def late_tick() -> None:
        watch.late = {}
        watch.tick()

    report(
        "late marks: one tick, 20 open incidents",
        timed(late_tick, 200),
        "clocks bar: one tick, one incident",
        timed(window.clocks.tick, 200),
    )

    names = iter(["dark", "light"] * 100)

    def switch() -> None:
        theme.apply(next(names))
        app.processEvents()

    report(
        "switch theme (light <-> dark)",
        timed(switch, 10),
        "one full repaint (grab)",
        timed(window.grab, 10),
        unit="ms",
    )
    window.stop()
    pump(0.2)
    runner.shutdown()
    window.hide()
    db.dispose()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp())
    os.environ["WARROOM_DATA_DIR"] = str(folder)
    sys.path.insert(0, str(ROOT))
    bench_typing(folder)
    bench_window(folder)


if __name__ == "__main__":
    main()
