"""The keychain wrapper: a clear refusal where there is no keychain, nothing silently lost."""

from __future__ import annotations

import pytest

from warroom.storage.secrets import SecretStore, SecretStoreUnavailable


def test_secrets_round_trip_and_an_empty_secret_removes_it() -> None:
    store = SecretStore()  # the test FileKeyring chosen by PYTHON_KEYRING_BACKEND
    store.set("mastodon", "tok-1")
    assert store.get("mastodon") == "tok-1"
    store.set("mastodon", "")
    assert store.get("mastodon") == ""
    store.set("mastodon", "")  # removing twice is fine


@pytest.mark.parametrize("backend", ["fail", "null"])
def test_no_keychain_is_one_clear_error(backend: str) -> None:
    from keyring.backends import fail, null

    store = SecretStore(fail.Keyring() if backend == "fail" else null.Keyring())
    for action in (lambda: store.get("x"), lambda: store.set("x", "s"), store.check):
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
        SecretStore(Locked()).get("x")
