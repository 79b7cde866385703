"""Corporate networks: TLS always verified (custom CA bundle), system proxy variables used."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.sync.conftest import MASTODON_TOKEN, open_incident, release
from warroom.domain.channels import ChannelKind
from warroom.domain.outbox import DeliveryState


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    import trustme
    from pytest_httpserver import HTTPServer

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca_path = tmp_path / "corporate-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server = HTTPServer(host="127.0.0.1", ssl_context=context)
    server.start()
    try:
        yield server, ca_path
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def test_a_custom_ca_bundle_is_trusted_and_nothing_else(
    services: Any, tls_server: Any, clock: Any
) -> None:
    server, ca_path = tls_server
    server.expect_request("/hook", method="POST").respond_with_data("ok")
    url = server.url_for("/hook")
    assert url.startswith("https://")
    services.channel_setup.configure("webhook", ChannelKind.WEBHOOK, {"url": url}, "")
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")

    untrusted = services.delivery.run_once()
    services.delivery.close()
    assert untrusted.retrying == [row.id]  # never sent without verification
    waiting = next(r for r in services.channels.outbox() if r.id == row.id)
    assert waiting.state is DeliveryState.QUEUED
    assert "TLS failed" in waiting.last_error and "--ca-bundle" in waiting.last_error
    assert server.log == []

    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"ca_bundle": str(ca_path)}, None
    )  # the URL is kept; the secret too
    clock.advance(seconds=10)
    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()
    assert len(server.log) == 1


def test_the_system_proxy_variables_are_used(
    services: Any, social: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake server doubles as an HTTP proxy: it gets the absolute URL and answers it.
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, social.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": "http://mastodon.invalid"}, MASTODON_TOKEN
    )
    incident = open_incident(services)
    (row,) = release(services, incident, ["mastodon"], "Via the proxy.")

    assert services.delivery.run_once().sent == [row.id]
    services.delivery.close()
    assert social.texts() == ["Via the proxy."]
