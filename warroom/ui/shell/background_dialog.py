"""Dialogs whose service calls run in the background and report on one result line."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from warroom.ui.shell.tasks import TaskRunner

T = TypeVar("T")

OK_STYLE = "color:#0f5323; background:#dcf3e2; border:1px solid #9fd3ae"
ERROR_STYLE = "color:#7a0010; background:#fde2e2; border:1px solid #e0a0a0"
INFO_STYLE = "color:#0b3a6b; background:#e6f0fb; border:1px solid #a8c4e6"


def one_line(error: Exception) -> str:
    """Return an error's message folded onto one line (its type name if it has none)."""
    return " ".join(str(error).split()) or type(error).__name__


class BackgroundDialog(QDialog):
    """A dialog that calls services through the task runner.

    Outcomes that arrive after the dialog closed are dropped: the widgets they would touch
    may already be gone. Subclasses create ``result_label`` (a hidden QLabel) in their layout.
    """

    result_label: QLabel

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._closed = False

    def done(self, result: int) -> None:
        """Close; results of background calls still on their way are then ignored."""
        self._closed = True
        super().done(result)

    def _run(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``call`` on the task runner; its outcome is dropped if the dialog closed."""

        def finished(result: T) -> None:
            if not self._closed:
                on_done(result)

        def failed(error: Exception) -> None:
            if not self._closed:
                (on_error or self._failed)(error)

        self._runner.run(call, finished, failed)

    def _failed(self, error: Exception) -> None:
        """Show a failure on the result line (subclasses may do more)."""
        self._show_result(f"✗ {one_line(error)}", ERROR_STYLE)

    def _show_result(self, text: str, style: str) -> None:
        self.result_label.setText(text)
        self.result_label.setAccessibleName(text)
        self.result_label.setStyleSheet(f"QLabel {{ {style}; border-radius:3px; padding:4px }}")
        self.result_label.show()

    def result_text(self) -> str:
        """Return the last result shown (for people and tests)."""
        return self.result_label.text()
