"""The switcher marks incidents whose clocks are late; a clock turning late is announced
once (not every second); an idle window does not blink a busy indicator."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from warroom.ui.clocks.late_watch import LateMarks, install_late_marks
from warroom.ui.clocks.lateness import CADENCE, REGULATOR
from warroom.ui.shell.incident_bar import LATE_MARK
from warroom.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")
Make = Callable[..., MainWindow]
WAIT_MS = 10_000


def marks_for(window: MainWindow, services: Any, qtbot: Any) -> LateMarks:
    marks = install_late_marks(window, services.views, services.incidents)
    qtbot.waitUntil(lambda: marks.watch.reads > 0 and window.runner.is_idle(), timeout=WAIT_MS)
    return marks


def item_text(window: MainWindow, incident_id: int) -> str:
    switcher = window.incident_switcher
    return str(switcher.itemText(switcher.findData(incident_id)))


def test_late_incidents_are_marked_and_announced_once(
    make_window: Make, services: Any, clock: Any, qtbot: Any
) -> None:
    quiet = services.incidents.open("Slow search", 4, "alice")  # SEV4: no cadence
    loud = services.incidents.open("Checkout down", 2, "alice")  # an update every 60 min
    window = make_window(incident_id=loud.id)
    marks = marks_for(window, services, qtbot)
    watch = marks.watch
    assert watch.late == {}
    assert not window.top_bar.late_label.isVisible()

    clock.advance(minutes=61)
    for _ in range(5):  # every second, as the timer does: said once only
        watch.tick()
    assert watch.late == {loud.id: (CADENCE,)}
    assert marks.announcements == [f"Incident #{loud.id} Checkout down: {CADENCE}"]
    assert item_text(window, loud.id).startswith(LATE_MARK)
    assert not item_text(window, quiet.id).startswith(LATE_MARK)
    label = window.top_bar.late_label
    assert label.isVisible() and label.text() == f"{LATE_MARK}: 1"
    assert label.accessibleDescription() == marks.announcements[0]
    assert CADENCE in window.incident_switcher.accessibleDescription()
    assert marks.announcements[0] in window.status.currentMessage()

    # A new read (someone wrote a draft) does not say it again either.
    services.statements.draft(loud.id, ["mastodon"], "Still investigating.", "bob")
    window.look_for_changes()
    qtbot.waitUntil(lambda: watch.reads >= 2 and window.runner.is_idle(), timeout=WAIT_MS)
    watch.tick()
    assert len(marks.announcements) == 1

    # On time again (the clock is moved back), then late again: said again, once.
    clock.advance(minutes=-30)
    watch.tick()
    assert watch.late == {} and not label.isVisible()
    assert not item_text(window, loud.id).startswith(LATE_MARK)
    clock.advance(minutes=30)
    watch.tick()
    watch.tick()
    assert len(marks.announcements) == 2


def test_the_regulator_deadline_and_closing(
    make_window: Make, services: Any, clock: Any, qtbot: Any
) -> None:
    breach = services.incidents.open("Leak", 3, "alice", playbook_key="data-breach")
    window = make_window(incident_id=breach.id)
    marks = marks_for(window, services, qtbot)
    clock.advance(hours=73)
    marks.watch.tick()
    assert REGULATOR in marks.watch.late[breach.id]
    services.incidents.close(breach.id, "alice", anyway="the test ends the breach")
    window.look_for_changes()
    qtbot.waitUntil(lambda: marks.watch.late == {}, timeout=WAIT_MS)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)


def test_an_idle_window_does_not_blink_busy(make_window: Make, incident: Any, qtbot: Any) -> None:
    window = make_window(poll_ms=100)  # ten looks at the feed a second
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    qtbot.wait(2500)
    assert window.status.busy_shown == 0
    assert window.status.busy_label.text() == ""

    window.runner.run(lambda: time.sleep(1.5))  # real work that takes a while is shown
    qtbot.waitUntil(lambda: window.status.busy_label.text() == "working…", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.status.busy_label.text() == "", timeout=WAIT_MS)
    assert window.status.busy_shown == 1


def test_lateness_follows_the_clock_readings(services: Any, clock: Any) -> None:
    from warroom.ui.clocks.lateness import late_clocks, newly_late

    incident = services.incidents.open("Checkout down", 1, "alice")  # every 30 min
    view = services.views.incident(incident.id, "alice")
    assert late_clocks(view, clock()) == ()
    assert late_clocks(view, clock() + timedelta(minutes=31)) == (CADENCE,)
    assert newly_late({1: (CADENCE,)}, {1: (CADENCE,), 2: (REGULATOR,)}) == [(2, REGULATOR)]
