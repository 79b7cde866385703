"""The keychain wrapper: a clear refusal where there is no keychain, nothing silently lost."""

from __future__ import annotations

import pytest

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.errors import StorageError
from warroom.storage.secrets import (
    SERVICE,
    SecretStore,
    SecretStoreUnavailable,
    channel_account,
    legacy_channel_account,
)

MASTODON = Channel(1, "mastodon", ChannelKind.MASTODON, uid="a" * 32)


def test_secrets_round_trip_and_an_empty_secret_removes_it() -> None:
    store = SecretStore()  # the test FileKeyring chosen by PYTHON_KEYRING_BACKEND
    store.set(MASTODON, "tok-1")
    assert store.get(MASTODON) == "tok-1"
    store.set(MASTODON, "")
    assert store.get(MASTODON) == ""
    store.set(MASTODON, "")  # removing twice is fine


def test_secrets_are_keyed_by_the_channel_id_not_its_name() -> None:
    import keyring

    store = SecretStore()
    twin = Channel(7, "mastodon", ChannelKind.MASTODON, uid="b" * 32)  # another database
    store.set(MASTODON, "tok-1")
    store.set(twin, "tok-2")
    assert (store.get(MASTODON), store.get(twin)) == ("tok-1", "tok-2")
    assert keyring.get_password(SERVICE, channel_account("a" * 32)) == "tok-1"
    assert keyring.get_password(SERVICE, legacy_channel_account("mastodon")) is None
    store.set(twin, "")
    assert store.get(MASTODON) == "tok-1"


def test_a_secret_stored_under_the_old_name_key_is_found_and_copied() -> None:
    import keyring

    keyring.set_password(SERVICE, "channel:Mastodon", "old-token")
    upgraded = Channel(
        3, "Mastodon", ChannelKind.MASTODON, uid="c" * 32, legacy_secret_name="Mastodon"
    )
    store = SecretStore()
    assert store.get(upgraded) == "old-token"
    assert keyring.get_password(SERVICE, channel_account("c" * 32)) == "old-token"
    # Reconfiguring (or removing) takes the old entry away too: it can never come back.
    store.set(upgraded, "")
    assert keyring.get_password(SERVICE, "channel:Mastodon") is None
    assert store.get(upgraded) == ""


@pytest.mark.parametrize("backend", ["fail", "null"])
def test_no_keychain_is_one_clear_error(backend: str) -> None:
    from keyring.backends import fail, null

    store = SecretStore(fail.Keyring() if backend == "fail" else null.Keyring())
    for action in (lambda: store.get(MASTODON), lambda: store.set(MASTODON, "s"), store.check):
        with pytest.raises(SecretStoreUnavailable) as caught:
            action()
        message = str(caught.value)
        assert message.startswith("no keychain is available on this machine")
        assert "\n" not in message and "PYTHON_KEYRING_BACKEND" in message


def test_a_backend_raising_no_keyring_error_is_reported_the_same_way() -> None:
    from keyring.backend import KeyringBackend
    from keyring.errors import NoKeyringError

    class Locked(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            raise NoKeyringError("no backend")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NoKeyringError("no backend")

        def delete_password(self, service: str, username: str) -> None:
            raise NoKeyringError("no backend")

    with pytest.raises(SecretStoreUnavailable):
        SecretStore(Locked()).get(MASTODON)


@pytest.mark.parametrize("failure", [RuntimeError("dbus: no reply"), OSError(5, "I/O error")])
def test_a_backend_raising_anything_else_is_one_storage_error(failure: Exception) -> None:
    from keyring.backend import KeyringBackend

    class Broken(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            raise failure

        def set_password(self, service: str, username: str, password: str) -> None:
            raise failure

        def delete_password(self, service: str, username: str) -> None:
            raise failure

    store = SecretStore(Broken())
    for action in (lambda: store.get(MASTODON), lambda: store.set(MASTODON, "s")):
        with pytest.raises(StorageError) as caught:
            action()
        message = str(caught.value)
        assert message.startswith("the keychain failed to ")
        assert type(failure).__name__ in message and "\n" not in message
