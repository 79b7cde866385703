"""Qt's own messages go to our log (and warnings never vanish into a terminal)."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


#: Qt's latest messages about its platform plugin: they name the plugin that failed.
_PLATFORM_MESSAGES: list[str] = []


def qt_message_to_log(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Log one Qt message at the matching level, with its category.

    A fatal message makes Qt abort the process right after this returns (SIGABRT, nothing
    on the terminal): typically no usable platform plugin on a fresh machine. Instead, say
    why in one line and exit 1.
    """
    category = context.category or "default"
    log.log(_LEVELS.get(kind, logging.WARNING), "[%s] %s", category, message)
    if category.startswith("qt.qpa"):
        _PLATFORM_MESSAGES[:] = [*_PLATFORM_MESSAGES[-9:], message]
    if kind == QtMsgType.QtFatalMsg:
        from warroom.domain.terminal_text import terminal_line
        from warroom.window_platform import explain

        reason = explain([*_PLATFORM_MESSAGES, message])
        log.critical("%s", reason)
        logging.shutdown()
        sys.stderr.write(f"error: {terminal_line(reason)}\n")
        sys.stderr.flush()
        os._exit(1)


def route_qt_messages() -> None:
    """Install the handler (the composition root calls this once, before widgets exist)."""
    qInstallMessageHandler(qt_message_to_log)
