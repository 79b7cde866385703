"""Cold start of ``warroom incident list`` against the one import it cannot avoid.

Target (issue 2): at most 0.10 s above ``python -c "import sqlalchemy.orm"``. The commands
are timed alternately in one run (the machine is noisy: compare within a run). The installed
``warroom`` console script is timed too when it sits next to this Python (same ``run()`` entry
point as ``python -m warroom``). For a like-for-like view of War Room's own work, the
baseline is also timed with the collector policy ``warroom`` uses (``warroom/gc_policy.py``):
part of the saving comes from not walking SQLAlchemy's objects in the final collection, which
the plain baseline pays.

Run: python tests/perf/bench_cold_start.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, WARROOM_DATA_DIR=folder, WARROOM_DB=str(Path(folder) / "b.db"))
        subprocess.run(
            [sys.executable, "-m", "warroom", "demo"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = {
            "import sqlalchemy.orm": [sys.executable, "-c", "import sqlalchemy.orm"],
            "same, collector off + freeze": [
                sys.executable,
                "-c",
                "import gc; gc.disable(); import sqlalchemy.orm; gc.freeze()",
            ],
            "python -m warroom incident list": [
                sys.executable,
                "-m",
                "warroom",
                "incident",
                "list",
            ],
        }
        script = Path(sys.executable).parent / "warroom"
        if script.is_file():
            commands["warroom incident list (script)"] = [str(script), "incident", "list"]
        for command in commands.values():
            timed(command, env)  # warm the OS file cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    baseline = statistics.median(times["import sqlalchemy.orm"])
    for name, samples in times.items():
        median = statistics.median(samples)
        line = f"{name:32}: median {median * 1000:6.1f} ms  (min {min(samples) * 1000:.1f})"
        if name.startswith("same, "):
            line += f"  ({(median - baseline) * 1000:+.1f} ms: the collector's share)"
        elif name != "import sqlalchemy.orm":
            verdict = "meets" if median - baseline <= 0.100 else "MISSES"
            line += (
                f"  overhead {(median - baseline) * 1000:+6.1f} ms ({verdict} the 100 ms target)"
            )
        print(line)


if __name__ == "__main__":
    main()
