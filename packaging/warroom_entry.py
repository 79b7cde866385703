"""Entry point of the frozen bundle: the same ``main`` as the ``warroom`` command."""

from warroom.cli import main

raise SystemExit(main())
