"""Find bundled resources (playbooks, icons, styles) from a checkout or a frozen bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "WARROOM_RESOURCES"


def resources_dir() -> Path:
    """Return the ``resources`` folder: ``$WARROOM_RESOURCES``, the PyInstaller bundle's, or
    the source checkout's (next to the ``warroom`` package)."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """Return the path of one resource, e.g. ``resource("icons", "warroom.svg")``."""
    return resources_dir().joinpath(*parts)
