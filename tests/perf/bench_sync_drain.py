"""Drain 1,000 queued outbox rows to a local server: messages per second, connection reuse.

Each row costs two committed transactions (the 'sending' claim before the network call and
the outcome after it, with its timeline entry) plus one HTTP request over a kept-alive
connection (one requests.Session per channel). The server is the fake Mastodon/Bluesky of
the integration tests, on 127.0.0.1.

Run: python tests/perf/bench_sync_drain.py [--rows 1000] [--channel mastodon|bluesky]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TOKEN = "bench-token-not-secret"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--channel", choices=("mastodon", "bluesky"), default="mastodon")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(
            WARROOM_DATA_DIR=folder,
            PYTHON_KEYRING_BACKEND="tests.support.keyring_backend.FileKeyring",
            WARROOM_TEST_KEYRING=str(Path(folder) / "keyring.json"),
        )
        from tests.integration.sync.conftest import bulk_release
        from tests.integration.sync.fakes import FakeSocial
        from warroom.domain.channels import ChannelKind
        from warroom.services import build_services
        from warroom.storage.database import open_database

        db = open_database(f"sqlite:///{folder}/bench.db")
        services = build_services(db)
        with FakeSocial(token=TOKEN, app_password=TOKEN) as social:
            kind = ChannelKind(args.channel)
            settings = {"url": social.url}
            if kind is ChannelKind.BLUESKY:
                settings["handle"] = social.handle
            services.channel_setup.configure(args.channel, kind, settings, TOKEN)
            incident = services.incidents.open("Benchmark", 3, "bench").id
            texts = [f"Update {n:04d}" for n in range(args.rows)]
            bulk_release(db, incident, [args.channel], texts, services.incidents.now())

            start = time.perf_counter()
            report = services.delivery.run_once()
            elapsed = time.perf_counter() - start
            services.delivery.close()
            assert len(report.sent) == args.rows, report.summary()
            print(
                f"{args.channel}: {args.rows} messages in {elapsed:.2f} s = "
                f"{args.rows / elapsed:.0f} messages/s over {social.connections} "
                f"connection(s); {elapsed / args.rows * 1000:.2f} ms per message"
            )
        db.dispose()


if __name__ == "__main__":
    main()
