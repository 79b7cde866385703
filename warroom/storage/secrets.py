"""Channel secrets, team-database passwords, database keys, source secrets and private signing
keys in the OS keychain: the only module that imports keyring.

Secrets never touch the database. A machine without a keychain service gets one clear
line telling the person what to do; keyring's null backend, which silently forgets
everything, counts as no keychain at all.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.errors import StorageError

log = logging.getLogger(__name__)

SERVICE = "warroom"

NO_KEYCHAIN = (
    "no keychain is available on this machine, so channel secrets and signing keys cannot be "
    "stored or read; "
    "start or unlock the desktop keychain (Secret Service, KWallet, macOS Keychain, Windows "
    "Credential Manager), or on a headless machine choose a keyring backend with "
    "PYTHON_KEYRING_BACKEND"
)


class SecretStoreUnavailable(StorageError):
    """There is no usable keychain on this machine."""


def channel_account(uid: str) -> str:
    """Return the keychain account of a channel's secret: keyed by its immutable id."""
    return f"channel-id:{uid}"


def legacy_channel_account(name: str) -> str:
    """Return the account older versions used (the channel's name: shared by two channels
    named alike, in one database or in several on this machine)."""
    return f"channel:{name}"


class _MemoryKeychain:
    """A keychain that forgets everything when the process ends (the self-test's own)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, account: str) -> str | None:
        return self._items.get((service, account))

    def set_password(self, service: str, account: str, value: str) -> None:
        self._items[(service, account)] = value

    def delete_password(self, service: str, account: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self._items.pop((service, account), None) is None:
            raise PasswordDeleteError("no such secret")


class SecretStore:
    """Read and write one secret per channel in the keychain.

    ``backend`` is a keyring backend; by default keyring's own choice (which honours
    ``PYTHON_KEYRING_BACKEND``) is used, looked up on first use. Every failure of the
    keychain, whatever the backend raises, is one :class:`StorageError` line.
    """

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend

    @classmethod
    def in_memory(cls) -> SecretStore:
        """Return a store that keeps secrets in this process only (never on disk)."""
        return cls(_MemoryKeychain())

    def _keyring(self) -> Any:
        try:
            import keyring
            from keyring.backends import chainer, fail, null

            backend = self._backend if self._backend is not None else keyring.get_keyring()
        except Exception as error:  # a broken backend module or its configuration
            raise StorageError(_broken("cannot be opened", error)) from None
        if isinstance(backend, (fail.Keyring, null.Keyring)):
            raise SecretStoreUnavailable(NO_KEYCHAIN)
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            raise SecretStoreUnavailable(NO_KEYCHAIN)
        return backend

    def _get(self, account: str, what: str) -> str:
        from keyring.errors import KeyringError, NoKeyringError

        backend = self._keyring()
        try:
            value = backend.get_password(SERVICE, account)
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to give {what} ({type(error).__name__}); unlock the "
                "keychain and try again"
            ) from None
        except Exception as error:  # e.g. a D-Bus or OS error the backend let through
            raise StorageError(_broken(f"failed to give {what}", error)) from None
        return value or ""

    def _set(self, account: str, secret: str, what: str) -> None:
        from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

        backend = self._keyring()
        try:
            if secret:
                backend.set_password(SERVICE, account, secret)
            else:
                with contextlib.suppress(PasswordDeleteError):
                    backend.delete_password(SERVICE, account)
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to store {what} ({type(error).__name__}); unlock the "
                "keychain and try again"
            ) from None
        except Exception as error:
            raise StorageError(_broken(f"failed to store {what}", error)) from None

    def get(self, channel: Channel) -> str:
        """Return the channel's secret, or '' when none is stored.

        A channel made by an older version may still have its secret under its name: it is
        read from there and copied under the channel's id (the old entry stays for other
        workstations and databases that may still need it).
        """
        what = f"the secret of channel {channel.name!r}"
        secret = self._get(channel_account(channel.uid), what)
        if secret or not channel.legacy_secret_name:
            return secret
        secret = self._get(legacy_channel_account(channel.legacy_secret_name), what)
        if secret:
            self._set(channel_account(channel.uid), secret, what)
            log.info("copied the secret of channel %s to its id-keyed entry", channel.name)
        return secret

    def set(self, channel: Channel, secret: str) -> None:
        """Store the channel's secret; an empty secret removes any stored one.

        The entry an older version made under the channel's name is removed as well, so it
        can never come back as this channel's secret.
        """
        what = f"the secret of channel {channel.name!r}"
        self._set(channel_account(channel.uid), secret, what)
        if channel.legacy_secret_name:
            self._set(legacy_channel_account(channel.legacy_secret_name), "", what)
        log.info(
            "%s the secret of channel %s in the keychain",
            "stored" if secret else "removed",
            channel.name,
        )

    def check(self) -> None:
        """Raise SecretStoreUnavailable when there is no usable keychain."""
        self._keyring()

    def get_database_password(self, server: str) -> str:
        """Return the stored password for a team database (``user@host:port/db``), or ''."""
        return self._get(f"database:{server}", f"the password of {server}")

    def set_database_password(self, server: str, password: str) -> None:
        """Store the password of a team database; an empty one removes it."""
        self._set(f"database:{server}", password, f"the password of {server}")
        log.info(
            "%s the password of %s in the keychain", "stored" if password else "removed", server
        )

    # -- database encryption keys (SQLCipher) -------------------------------------------------

    def get_database_key(self, account: str) -> str:
        """Return the encryption key kept under ``account`` (``database-key:<salt>``), or ''."""
        return self._get(account, f"the database key {account}")

    def set_database_key(self, account: str, key: str) -> None:
        """Keep a database encryption key under ``account``; an empty key removes it."""
        self._set(account, key, f"the database key {account}")
        log.info("%s the database key %s in the keychain", "stored" if key else "removed", account)

    # -- private signing keys (Ed25519) --------------------------------------------------------

    def get_signing_key(self, person_key: str) -> str:
        """Return the private signing key (hex) kept here for a person (by name key), or ''."""
        return self._get(f"signing-key:{person_key}", f"the signing key of {person_key}")

    def set_signing_key(self, person_key: str, private_key: str) -> None:
        """Keep a person's private signing key (hex) in this machine's keychain."""
        self._set(f"signing-key:{person_key}", private_key, f"the signing key of {person_key}")
        log.info("stored a new signing key of %s in the keychain", person_key)

    # -- listening sources ---------------------------------------------------------------------

    def get_source_secret(self, source_name: str) -> str:
        """Return a listening source's own secret (``source:NAME``), or ''."""
        return self._get(f"source:{source_name}", f"the secret of source {source_name!r}")

    def set_source_secret(self, source_name: str, secret: str) -> None:
        """Store a source's secret; an empty secret removes any stored one."""
        self._set(f"source:{source_name}", secret, f"the secret of source {source_name!r}")
        log.info("%s the secret of source %s", "stored" if secret else "removed", source_name)


class SourceSecrets:
    """The secrets of listening sources, kept apart from channels' (``source:NAME``).

    A source that reuses a channel's credentials (``--from-channel``) stores nothing of its
    own: the worker reads the channel's secret through :class:`SecretStore`.
    """

    def __init__(self, store: SecretStore) -> None:
        self._store = store

    def get(self, source_name: str) -> str:
        """Return the source's secret, or '' when none is stored."""
        return self._store.get_source_secret(source_name)

    def set(self, source_name: str, secret: str) -> None:
        """Store the source's secret; an empty secret removes any stored one."""
        self._store.set_source_secret(source_name, secret)


def _broken(what: str, error: Exception) -> str:
    detail = " ".join(str(error).split())[:200]
    return (
        f"the keychain {what} ({type(error).__name__}"
        + (f": {detail}" if detail else "")
        + "); check the desktop keychain service or PYTHON_KEYRING_BACKEND"
    )
