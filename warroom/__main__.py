"""Allow ``python -m warroom``."""

from warroom.cli import run

raise SystemExit(run())
