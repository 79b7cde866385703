"""Why the window cannot start on this machine, in one line a person can act on.

On a machine without a display, or without the X libraries Qt's "xcb" platform plugin
needs (libxcb-cursor0 and friends on a fresh Debian/Ubuntu), Qt prints a few log lines and
aborts the process (SIGABRT, no text on the terminal). The window's Qt message handler calls
:func:`explain` when Qt reports that fatal error and exits 1 with its line instead. This
module does not import Qt: it looks at the environment and tries to load the plugin with
the system's dynamic loader, which names the first library that is missing.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import sys
from pathlib import Path

#: What the window needs on Debian/Ubuntu (the README lists the same), by library file.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11-xcb.so.1": "libx11-xcb1",
}
WINDOW_PACKAGES = (
    "libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 "
    "libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 "
    "libxcb-shape0 libxcb-xkb1 libx11-xcb1"
)
_MISSING = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")
_PLUGIN = re.compile(r'platform plugin "([\w-]+)"')
SELF_TEST = "'warroom --self-test' checks this installation"


def platform_name(qt_messages: list[str]) -> str:
    """Return the platform plugin Qt tried: named in its messages, else the default."""
    for message in qt_messages:
        found = _PLUGIN.search(message)
        if found:
            return found.group(1)
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0]
    if chosen:
        return chosen
    if sys.platform.startswith("linux") and os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb" if sys.platform.startswith("linux") else "the default"


def plugin_file(platform: str) -> Path | None:
    """Return the shared library of Qt's platform plugin ``platform``, if it can be found."""
    folders = [os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "")]
    folders += [str(Path(p) / "platforms") for p in os.environ.get("QT_PLUGIN_PATH", "").split(":")]
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folders.append(str(Path(location) / "Qt" / "plugins" / "platforms"))
    for folder in filter(None, folders):
        candidate = Path(folder) / f"libq{platform}.so"
        if candidate.is_file():
            return candidate
    return None


def missing_library(plugin: Path) -> str | None:
    """Return the first library the plugin needs that the system cannot load, or None."""
    try:
        ctypes.CDLL(str(plugin))
    except OSError as error:
        found = _MISSING.search(str(error))
        return found.group(1) if found else None
    return None


def explain(qt_messages: list[str]) -> str:
    """Return the one line (without ``error:``) saying why the window cannot start."""
    platform = platform_name(qt_messages)
    plugin = plugin_file(platform) if sys.platform.startswith("linux") else None
    missing = missing_library(plugin) if plugin is not None else None
    if missing is not None:
        package = DEBIAN_PACKAGES.get(missing, missing)
        return (
            f'the window cannot start: Qt\'s "{platform}" platform plugin needs {missing}, '
            f"which is not installed; on Debian/Ubuntu: sudo apt install {package} (the "
            f"window needs {WINDOW_PACKAGES}); {SELF_TEST}"
        )
    if platform == "xcb" and not os.environ.get("DISPLAY"):
        return (
            "the window cannot start: there is no display to show it on (DISPLAY is not set; "
            'Qt platform "xcb"); run it in a desktop session, or use the commands (see '
            f"'warroom --help'); {SELF_TEST}"
        )
    if platform == "wayland" and not os.environ.get("WAYLAND_DISPLAY"):
        return (
            "the window cannot start: there is no Wayland display (WAYLAND_DISPLAY is not "
            f"set); run it in a desktop session, or use the commands; {SELF_TEST}"
        )
    return (
        f'the window cannot start: Qt could not load its "{platform}" platform plugin '
        f"(check QT_QPA_PLATFORM and the display); on Debian/Ubuntu the window needs "
        f"{WINDOW_PACKAGES}; {SELF_TEST}"
    )
