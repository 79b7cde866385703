"""Cold start of ``warroom incident list`` against the one import it cannot avoid.

Target (issue 2): at most 0.10 s above ``python -c "import sqlalchemy.orm"``. The two
commands are timed alternately in one run (the machine is noisy: compare within a run).

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
        baseline_cmd = [sys.executable, "-c", "import sqlalchemy.orm"]
        warroom_cmd = [sys.executable, "-m", "warroom", "incident", "list"]
        timed(baseline_cmd, env), timed(warroom_cmd, env)  # warm the OS file cache
        baseline, warroom = [], []
        for _ in range(args.runs):
            baseline.append(timed(baseline_cmd, env))
            warroom.append(timed(warroom_cmd, env))
    b, w = statistics.median(baseline), statistics.median(warroom)
    print(f"import sqlalchemy.orm : median {b * 1000:6.1f} ms  (min {min(baseline) * 1000:.1f})")
    print(f"warroom incident list: median {w * 1000:6.1f} ms  (min {min(warroom) * 1000:.1f})")
    verdict = "meets" if w - b <= 0.100 else "MISSES"
    print(f"overhead             : {(w - b) * 1000:6.1f} ms  ({verdict} the 100 ms target)")


if __name__ == "__main__":
    main()
