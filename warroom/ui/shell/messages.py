"""Qt's own messages go to our log (and warnings never vanish into a terminal)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_to_log(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Log one Qt message at the matching level, with its category."""
    category = context.category or "default"
    log.log(_LEVELS.get(kind, logging.WARNING), "[%s] %s", category, message)


def route_qt_messages() -> None:
    """Install the handler (the composition root calls this once, before widgets exist)."""
    qInstallMessageHandler(qt_message_to_log)
