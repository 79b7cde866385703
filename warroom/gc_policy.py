"""How a ``warroom`` process uses Python's cyclic garbage collector.

Most commands are short-lived: ``warroom incident list`` imports SQLAlchemy, reads a few rows
and exits. Every collection during that time walks the hundreds of thousands of objects the
imports created (modules, SQL constructs, mappers), and the interpreter's final collection at
exit walks them all again, only to free memory the operating system reclaims anyway. Measured
on ``incident list``: about 90 ms of a ~130 ms overhead over ``import sqlalchemy.orm``
(``tests/perf/bench_cold_start.py``). So a one-shot command runs with the collector off, and
what it built is frozen (exempted) before the interpreter exits. Reference counting still
frees every acyclic object as usual; only reference cycles wait until the process ends.

Long-running modes (the window, ``sync --watch``, ``--self-test``) switch the collector back
on; what start-up built is frozen first, so later passes skip it.
"""

from __future__ import annotations

import gc


def start_short_lived() -> None:
    """Switch the collector off for a one-shot command (call before the heavy imports)."""
    gc.disable()


def finish_short_lived() -> None:
    """Exempt everything from the interpreter's final collection: the process is ending."""
    gc.freeze()


def become_long_running() -> None:
    """Switch the collector back on for a process that will keep running.

    A no-op when the collector is on already (e.g. ``main()`` called from a test process),
    so a caller that never switched it off keeps its own heap untouched.
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
