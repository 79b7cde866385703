"""Entry point of the frozen bundle: the same ``run`` as the ``warroom`` command."""

from warroom.cli import run

raise SystemExit(run())
