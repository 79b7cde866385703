"""Light and dark are both complete, switch both ways, and every clock state stays readable.

Every pane is rendered offscreen (``grab``) in both themes; its background must be the
theme's, not a leftover of the other one. The clock tiles are put in every alarm state and
the colours actually painted (text against background) must reach WCAG AA, 4.5:1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QPlainTextEdit, QWidget

from warroom.domain.incidents import Incident
from warroom.services.demo import load_demo
from warroom.ui.clocks.bar import ClockTile
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.theme import COLOURS, DARK, LIGHT, ThemeController

pytestmark = [
    pytest.mark.sqlite_only,  # rendering does not depend on the database
    pytest.mark.qt_log_ignore(r"This plugin does not support "),
]

ALARM_STATES = ("none", "ok", "amber", "red", "critical", "critical-blink")
AA = 4.5


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dominant(image: QImage, rect: QRect | None = None) -> QColor:
    """Return the most frequent colour in ``rect`` of ``image`` (the background)."""
    area = rect or image.rect()
    counts: Counter[int] = Counter()
    for y in range(area.top(), area.bottom() + 1, 2):
        for x in range(area.left(), area.right() + 1, 2):
            counts[image.pixel(x, y) & 0xFFFFFF] += 1
    return QColor(counts.most_common(1)[0][0] | 0xFF000000)


def text_colour(image: QImage, rect: QRect, background: QColor) -> QColor:
    """Return the painted colour in ``rect`` farthest from ``background`` (glyph cores)."""
    best, best_ratio = background, 1.0
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            colour = QColor(image.pixel(x, y))
            ratio = contrast(colour, background)
            if ratio > best_ratio:
                best, best_ratio = colour, ratio
    return best


def is_dark(colour: QColor) -> bool:
    return luminance(colour) < 0.2


@pytest.fixture
def demo_window(
    make_window: Callable[..., MainWindow],
    wait_loaded: Callable[[MainWindow], None],
    services: Any,
    clock: Any,
) -> MainWindow:
    incident: Incident = load_demo(services.db, now=clock())
    window = make_window(incident_id=incident.id)
    wait_loaded(window)
    window.drafts.select_statement(3)
    wait_loaded(window)
    return window


def panes(window: MainWindow) -> dict[str, QWidget]:
    return {
        "incident bar": window.top_bar,
        "clocks": window.clocks,
        "timeline": window.timeline,
        "drafts": window.drafts,
        "checklist": window.checklist,
        "status bar": window.status,
        "menu bar": window.menuBar(),
    }


def settle(qtbot: Any) -> None:
    QApplication.processEvents()
    qtbot.wait(20)


def check_theme(window: MainWindow, name: str) -> None:
    """Every pane and every list/editor is painted in theme ``name``'s colours."""
    colours = COLOURS[name]
    dark = name == DARK
    for label, pane in panes(window).items():
        image = pane.grab().toImage()
        assert not image.isNull(), label
        background = dominant(image)
        assert is_dark(background) == dark, f"{label}: {background.name()} in the {name} theme"
    views = [*window.findChildren(QAbstractItemView), *window.findChildren(QPlainTextEdit)]
    checked = 0
    for view in views:
        if not view.isVisible() or view.viewport().height() < 12:
            continue
        image = view.viewport().grab().toImage()
        background = dominant(image)
        assert is_dark(background) == dark, (
            f"{view.objectName() or type(view).__name__}: {background.name()} in {name}"
        )
        checked += 1
    assert checked >= 4  # timeline, drafts list, editor, checklist at least
    assert window.palette().color(QPalette.ColorRole.Window).name() == colours["window"]


def test_every_pane_renders_in_both_themes_and_switches_both_ways(
    demo_window: MainWindow, theme: ThemeController, qtbot: Any
) -> None:
    window = demo_window
    for name in (LIGHT, DARK, LIGHT, DARK, LIGHT):
        theme.apply(name)
        settle(qtbot)
        check_theme(window, name)
    # The check boxes' drawn indicator is there in both themes (a styled, visible frame).
    theme.apply(DARK)
    settle(qtbot)
    checks = window.checklist.view.viewport().grab().toImage()
    assert dominant(checks) != QColor(COLOURS[DARK]["faint"])  # sanity: a background
    theme.apply(LIGHT)


def alarm_contrast(tile: ClockTile, alarm: str) -> dict[str, float]:
    tile.show_reading("OVERDUE 1:08:03", "due 19:33 (18:33 UTC)", alarm)
    QApplication.processEvents()
    image = tile.grab().toImage()
    inner = tile.rect().adjusted(8, 5, -8, -5)
    background = dominant(image, inner)
    ratios = {}
    for part in (tile.title, tile.value, tile.detail):
        text = text_colour(image, part.geometry().intersected(inner), background)
        ratios[part.objectName()] = contrast(text, background)
    return ratios


@pytest.mark.parametrize("name", [LIGHT, DARK])
def test_clock_states_reach_wcag_aa_in_both_themes(
    demo_window: MainWindow, theme: ThemeController, qtbot: Any, name: str
) -> None:
    theme.apply(name)
    settle(qtbot)
    window = demo_window
    window.clocks.stop()  # the states are set by hand here: no tick may overwrite them
    tile = window.clocks.age
    for alarm in ALARM_STATES:
        ratios = alarm_contrast(tile, alarm)
        for part, ratio in ratios.items():
            assert ratio >= AA, f"{name} theme, {alarm} clock, {part}: {ratio:.2f}:1"
    # Back and forth: the colours come back exactly, nothing of the other theme stays.
    before = alarm_contrast(tile, "ok")
    theme.apply(DARK if name == LIGHT else LIGHT)
    settle(qtbot)
    theme.apply(name)
    settle(qtbot)
    assert alarm_contrast(tile, "ok") == pytest.approx(before)


def test_contrast_helpers_measure_what_wcag_says() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("#ffffff"), QColor("#ffffff")) == pytest.approx(1.0)
