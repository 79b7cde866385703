"""Guard against Qt binding releases that corrupt the interpreter.

PySide6 6.12.0 under Python 3.11 drops one reference to ``None`` on every call returning
nothing; after enough calls the interpreter aborts (``none_dealloc``). The window makes
such calls all day, so a binding with that fault must fail CI, not the crisis lead.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_calls_do_not_leak_references_to_none() -> None:
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) - before > -50  # a leaking binding loses ~200 here
