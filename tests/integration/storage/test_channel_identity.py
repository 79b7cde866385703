"""Channel names are unique as people read them; each secret belongs to one channel only.

Names compare after NFKC and case folding ("Email", "EMAIL" and its full-width
form are one channel), enforced by a unique ``name_key`` column whatever program writes. The
keychain entry is keyed by the channel's immutable ``uid``, so two channels never share or
overwrite a secret and removing one never deletes another's; secrets stored by an older
version under the channel's name keep working after the upgrade.
"""

from __future__ import annotations

from typing import Any

import keyring
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.support.channels import channel_named
from warroom.domain.channels import ChannelKind
from warroom.domain.errors import ValidationError
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.secrets import SERVICE, SecretStore, channel_account

pytestmark = pytest.mark.both_databases

HOOK = {"url": "https://hooks.example/a"}


def test_names_differing_only_in_case_or_width_are_one_channel(services: Any) -> None:
    setup = services.channel_setup
    first = setup.configure("Alerts", ChannelKind.WEBHOOK, HOOK, "s1")
    again = setup.configure("ALERTS", ChannelKind.WEBHOOK, {"url": "https://hooks.example/b"}, None)
    wide = setup.configure("\uff41\uff4c\uff45\uff52\uff54\uff53", ChannelKind.WEBHOOK, {}, None)
    assert first.id == again.id == wide.id and wide.name == "Alerts"
    assert wide.settings["url"] == "https://hooks.example/b"
    assert [c.name for c in services.channels.all()].count("Alerts") == 1
    assert channel_named(services, "alerts").id == first.id
    assert len(services.channels.all()) == 5


def test_the_database_itself_refuses_a_second_name_that_compares_equal(db_url: str) -> None:
    open_database(db_url).dispose()
    engine = create_engine(db_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO channels (name, name_key, uid, kind, settings, configured, "
                    "last_error) VALUES ('EMAIL', 'email', :uid, 'email', '{}', false, '')"
                ),
                {"uid": "f" * 32},
            )
    finally:
        engine.dispose()


def test_each_channel_has_its_own_secret_and_removing_one_keeps_the_others(
    services: Any,
) -> None:
    setup = services.channel_setup
    setup.configure("status-a", ChannelKind.WEBHOOK, HOOK, "secret-a")
    setup.configure("status-b", ChannelKind.WEBHOOK, HOOK, "secret-b")
    a, b = channel_named(services, "status-a"), channel_named(services, "status-b")
    assert a.uid and b.uid and a.uid != b.uid
    store = SecretStore()
    assert (store.get(a), store.get(b)) == ("secret-a", "secret-b")

    setup.remove("status-a")
    assert store.get(b) == "secret-b"
    assert keyring.get_password(SERVICE, channel_account(a.uid)) is None
    # A channel made later under the old name starts without a secret.
    setup.configure("status-a", ChannelKind.WEBHOOK, HOOK, None)
    reborn = channel_named(services, "status-a")
    assert reborn.uid != a.uid and store.get(reborn) == ""


@pytest.mark.parametrize("name", ["ops\u202eevil", "ops\x1b[31m", "ops\u200bhidden"])
def test_channel_names_with_control_or_bidi_characters_are_refused(
    services: Any, name: str
) -> None:
    with pytest.raises(ValidationError, match="a channel name contains"):
        services.channel_setup.configure(name, ChannelKind.WEBHOOK, HOOK, None)


def test_upgrade_from_0005_keeps_channels_alike_and_their_old_secrets(db_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    upgrade_to(engine, "0005_regulator_notification")
    with engine.begin() as connection:
        connection.execute(text("UPDATE channels SET configured = true WHERE name = 'mastodon'"))
        connection.execute(
            text(
                "INSERT INTO channels (name, kind, settings, configured, last_error) VALUES "
                "('Mastodon', 'mastodon', '{\"url\": \"https://b.example\"}', true, ''), "
                "('ops', 'webhook', '{}', false, '')"
            )
        )
    engine.dispose()
    # What the old version kept in the keychain, by channel name.
    keyring.set_password(SERVICE, "channel:mastodon", "token-of-mastodon")
    keyring.set_password(SERVICE, "channel:Mastodon", "token-of-Mastodon")

    db = open_database(db_url)
    try:
        services = build_services(db)
        channels = {c.name: c for c in services.channels.all()}
        assert set(channels) == {"bluesky", "email", "mastodon", "Mastodon-5", "ops", "webhook"}
        original, renamed = channels["mastodon"], channels["Mastodon-5"]
        assert renamed.settings["url"] == "https://b.example"
        assert len({c.uid for c in channels.values()}) == 6
        assert channels["ops"].legacy_secret_name is None  # never configured: no old secret
        store = SecretStore()
        assert store.get(original) == "token-of-mastodon"
        assert store.get(renamed) == "token-of-Mastodon"
        # Removing one channel never takes another's secret with it.
        services.channel_setup.remove("Mastodon-5")
        assert store.get(channel_named(services, "mastodon")) == "token-of-mastodon"
        assert channel_named(services, "MASTODON").id == original.id
    finally:
        db.dispose()
