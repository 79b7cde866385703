"""Fixtures for listening tests: a fake that speaks Mastodon and Bluesky, sources on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.inbound.fake_listening import FakeListening
from tests.integration.sync.conftest import BLUESKY_PASSWORD, MASTODON_TOKEN


@pytest.fixture
def listening() -> Iterator[FakeListening]:
    """A running fake Mastodon + Bluesky server with content to read."""
    with FakeListening(token=MASTODON_TOKEN, app_password=BLUESKY_PASSWORD) as server:
        yield server


def add_mastodon_source(
    services: Any, server: FakeListening, name: str = "masto", **settings: Any
) -> Any:
    from warroom.domain.inbox import SourceKind

    return services.sources.configure(
        name,
        SourceKind.MASTODON,
        {"url": server.url, "read_timeout": 2, **settings},
        MASTODON_TOKEN,
    )


def add_bluesky_source(
    services: Any, server: FakeListening, name: str = "bsky", **settings: Any
) -> Any:
    from warroom.domain.inbox import SourceKind

    return services.sources.configure(
        name,
        SourceKind.BLUESKY,
        {"url": server.url, "handle": server.handle, "read_timeout": 2, **settings},
        BLUESKY_PASSWORD,
    )
