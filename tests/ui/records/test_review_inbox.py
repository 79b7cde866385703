"""The review window shows the inbox figures (issue 15) and follows new inbound items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.bulk_inbox import seed_inbox
from warroom.domain.incidents import Incident
from warroom.export.inbox_figures import inbox_rows, review_figure_rows
from warroom.services.demo import load_demo
from warroom.ui.records.review_actions import install_review_action
from warroom.ui.records.review_model import ReviewModel
from warroom.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support ")
WAIT_MS = 10_000


def _labels(model: ReviewModel) -> list[str]:
    return [label for label, _value in model.rows()]


def test_the_review_window_shows_the_inbox_figures(
    qtbot: Any, make_window: Callable[..., MainWindow], services: Any, clock: Any
) -> None:
    demo: Incident = load_demo(services.db, now=clock())
    seed_inbox(services.db, services, 90, incident_id=demo.id, attached_every=2)
    window = make_window(poll_ms=200)
    qtbot.waitUntil(window.runner.is_idle, timeout=WAIT_MS)
    actions = install_review_action(window, services.review, services.incidents)
    actions.review_action.trigger()
    view = actions.windows[demo.id]
    qtbot.waitUntil(lambda: view.model.review() is not None, timeout=WAIT_MS)

    review = view.model.review()
    assert review is not None and review.inbox is not None
    stats = services.inbox.stats(incident_id=demo.id)
    assert review.inbox.total == stats.total == 45
    assert view.model.rows() == review_figure_rows(review)
    assert view.model.rows()[-len(inbox_rows(stats)) :] == inbox_rows(review.inbox)
    labels = _labels(view.model)
    assert labels.index("Inbound items") > labels.index("Began")
    assert {"Negative share", "Still waiting"} <= set(labels)
    assert any(label.startswith("First response, priority") for label in labels)
    rows = dict(view.model.rows())
    assert rows["Inbound items"].startswith("45 from bsky, mail, masto")
    assert rows["Still waiting"].startswith(f"{stats.waiting} waiting; the oldest for")

    # A newly attached item reaches the window through the change feed, read off the GUI thread.
    loose = next(item for item in services.inbox.items(limit=None) if item.incident_id is None)
    services.inbox.attach(loose.id, demo.id, "dana")
    qtbot.waitUntil(
        lambda: dict(view.model.rows())["Inbound items"].startswith("46 from"), timeout=WAIT_MS
    )
    view.close()
