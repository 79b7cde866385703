"""Signing and checking must not be felt (issue 12). Not part of the pass/fail suite.

Targets, each against "today" measured in the same run from the commit before signed
approvals (a detached git worktree of ``--base``, used read-only and removed afterwards):

- approve (in-process, one transaction each, SQLite file): at most 20 ms above today's;
- ``verify`` of a 10,000-entry JSON export with 200 approvals: at most 1.5x today's.

Both versions use the test suite's file-backed keyring (tests/support/keyring_backend.py),
so the private key is read from a keychain on every approval, as in real use.

Run: python tests/perf/bench_trust.py [--base d6cef60] [--approvals 60] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
BASE = "d6cef60"


def _worker(approvals: int, rounds: int, entries: int, statements: int) -> dict[str, float]:
    """Measure this tree's warroom (whatever version PYTHONPATH points at)."""
    sys.path.insert(0, os.getcwd())
    from tests.support.bulk_timeline import seed_entries
    from warroom.export.formats import ExportFormat
    from warroom.export.json_reader import verify_export_file
    from warroom.services import build_services
    from warroom.storage.database import open_database

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.keyring_backend.FileKeyring"
        os.environ["WARROOM_TEST_KEYRING"] = str(root / "keyring.json")
        db = open_database(f"sqlite:///{root / 'approve.db'}")
        services = build_services(db)
        incident = services.incidents.open("Bench", 3, "lead", approvals_required=1)
        ids = []
        for n in range(approvals + 1):
            draft = services.statements.draft(
                incident.id, ["email", "webhook"], f"#{n}", "carl", subject="Update"
            )
            ids.append(services.statements.submit(draft.id, "carl").id)
        services.statements.approve(ids[0], "bob")  # warm-up: today's first use, our key
        times = []
        for statement_id in ids[1:]:
            start = time.perf_counter()
            services.statements.approve(statement_id, "bob")
            times.append(time.perf_counter() - start)
        results["approve_ms"] = statistics.fmean(times) * 1000
        results["approve_median_ms"] = statistics.median(times) * 1000
        results["approve_p90_ms"] = statistics.quantiles(times, n=10)[-1] * 1000
        db.dispose()

        db = open_database(f"sqlite:///{root / 'verify.db'}")
        services = build_services(db)
        incident = services.incidents.open("Bench", 3, "lead", approvals_required=1)
        approvers = [f"approver{n}" for n in range(5)]
        for n in range(statements):
            draft = services.statements.draft(
                incident.id, ["email", "webhook"], f"#{n}", "carl", subject="Update"
            )
            services.statements.submit(draft.id, "carl")
            services.statements.approve(draft.id, approvers[n % len(approvers)])
        seed_entries(
            db,
            incident.id,
            entries - services.incidents.get(incident.id).entry_count - 1,
            start=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        )
        path = root / "log.json"
        services.export.export(incident.id, path, ExportFormat.JSON, "auditor")
        document = json.loads(path.read_text(encoding="utf-8"))
        results["entries"] = len(document["timeline"])
        results["approvals"] = sum(len(s["approvals"]) for s in document["statements"])
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            check = verify_export_file(path)
            times.append(time.perf_counter() - start)
            assert check.ok, check.describe()
        results["verify_s"] = min(times)
        results["verify_median_s"] = statistics.median(times)
        db.dispose()
    return results


def _run(tree: Path, options: argparse.Namespace) -> dict[str, float]:
    command = [
        sys.executable,
        str(HERE),
        "--worker",
        "--approvals",
        str(options.approvals),
        "--rounds",
        str(options.rounds),
        "--entries",
        str(options.entries),
        "--statements",
        str(options.statements),
    ]
    env = {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("WARROOM_DB", None)
    env["WARROOM_DATA_DIR"] = tempfile.mkdtemp(prefix="warroom-bench-")
    done = subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, check=False, timeout=1800
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark worker failed in {tree}:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default=BASE, help="the commit that is 'today'")
    parser.add_argument("--approvals", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        measured = _worker(options.approvals, options.rounds, options.entries, options.statements)
        print(json.dumps(measured))
        return
    base = Path(tempfile.mkdtemp(prefix="warroom-base-")) / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), options.base],
        check=True,
        capture_output=True,
    )
    try:
        # Alternate the two versions, so that a busy machine slows both alike.
        runs = [(name, tree) for _ in range(2) for name, tree in (("today", base), ("now", ROOT))]
        found: dict[str, list[dict[str, float]]] = {"today": [], "now": []}
        for name, tree in runs:
            found[name].append(_run(tree, options))
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
            check=False,
            capture_output=True,
        )
    today = {k: min(r[k] for r in found["today"]) for k in found["today"][0]}
    now = {k: min(r[k] for r in found["now"]) for k in found["now"][0]}
    print(f"today = {options.base}, now = working tree; best of 2 runs each, alternating")
    print(f"export: {int(now['entries'])} entries, {int(now['approvals'])} approvals")
    extra = now["approve_ms"] - today["approve_ms"]
    print(
        f"approve (mean):   today {today['approve_ms']:.2f} ms, now {now['approve_ms']:.2f} ms, "
        f"{extra:+.2f} ms (target <= +20 ms) {'OK' if extra <= 20 else 'OVER'}"
    )
    for label, key in (("median", "approve_median_ms"), ("p90", "approve_p90_ms")):
        print(f"approve ({label}): today {today[key]:.2f} ms, now {now[key]:.2f} ms")
    ratio = now["verify_s"] / today["verify_s"]
    print(
        f"verify (best of {options.rounds}): today {today['verify_s'] * 1000:.0f} ms, "
        f"now {now['verify_s'] * 1000:.0f} ms, x{ratio:.2f} (target <= 1.5x) "
        f"{'OK' if ratio <= 1.5 else 'OVER'}"
    )


if __name__ == "__main__":
    main()
