"""Channel secrets, team-database passwords and private signing keys in the OS keychain.

The only module that imports keyring.

Secrets never touch the database. A machine without a keychain service gets one clear
line telling the person what to do; keyring's null backend, which silently forgets
everything, counts as no keychain at all.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

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


def _account(channel_name: str) -> str:
    return f"channel:{channel_name}"


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
    ``PYTHON_KEYRING_BACKEND``) is used, looked up on first use.
    """

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend

    @classmethod
    def in_memory(cls) -> SecretStore:
        """Return a store that keeps secrets in this process only (never on disk)."""
        return cls(_MemoryKeychain())

    def _keyring(self) -> Any:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = self._backend if self._backend is not None else keyring.get_keyring()
        if isinstance(backend, (fail.Keyring, null.Keyring)):
            raise SecretStoreUnavailable(NO_KEYCHAIN)
        if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
            raise SecretStoreUnavailable(NO_KEYCHAIN)
        return backend

    def get(self, channel_name: str) -> str:
        """Return the channel's secret, or '' when none is stored."""
        from keyring.errors import KeyringError, NoKeyringError

        backend = self._keyring()
        try:
            value = backend.get_password(SERVICE, _account(channel_name))
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to give the secret of channel {channel_name!r} "
                f"({type(error).__name__}); unlock the keychain and try again"
            ) from None
        return value or ""

    def set(self, channel_name: str, secret: str) -> None:
        """Store the channel's secret; an empty secret removes any stored one."""
        from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

        backend = self._keyring()
        try:
            if secret:
                backend.set_password(SERVICE, _account(channel_name), secret)
            else:
                with contextlib.suppress(PasswordDeleteError):
                    backend.delete_password(SERVICE, _account(channel_name))
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to store the secret of channel {channel_name!r} "
                f"({type(error).__name__}); unlock the keychain and try again"
            ) from None
        log.info("stored the secret of channel %s in the keychain", channel_name)

    def check(self) -> None:
        """Raise SecretStoreUnavailable when there is no usable keychain."""
        self._keyring()

    def get_database_password(self, server: str) -> str:
        """Return the stored password for a team database (``user@host:port/db``), or ''."""
        from keyring.errors import KeyringError, NoKeyringError

        backend = self._keyring()
        try:
            value = backend.get_password(SERVICE, f"database:{server}")
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to give the password of {server} "
                f"({type(error).__name__}); unlock the keychain and try again"
            ) from None
        return value or ""

    def set_database_password(self, server: str, password: str) -> None:
        """Store the password of a team database; an empty one removes it."""
        from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

        backend = self._keyring()
        try:
            if password:
                backend.set_password(SERVICE, f"database:{server}", password)
            else:
                with contextlib.suppress(PasswordDeleteError):
                    backend.delete_password(SERVICE, f"database:{server}")
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to store the password of {server} "
                f"({type(error).__name__}); unlock the keychain and try again"
            ) from None
        log.info(
            "%s the password of %s in the keychain", "stored" if password else "removed", server
        )

    def get_signing_key(self, person_key: str) -> str:
        """Return the private signing key (hex) kept here for a person (by name key), or ''."""
        from keyring.errors import KeyringError, NoKeyringError

        backend = self._keyring()
        try:
            value = backend.get_password(SERVICE, f"signing-key:{person_key}")
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to give the signing key of {person_key} "
                f"({type(error).__name__}); unlock the keychain and try again"
            ) from None
        return value or ""

    def set_signing_key(self, person_key: str, private_key: str) -> None:
        """Keep a person's private signing key (hex) in this machine's keychain."""
        from keyring.errors import KeyringError, NoKeyringError

        backend = self._keyring()
        try:
            backend.set_password(SERVICE, f"signing-key:{person_key}", private_key)
        except NoKeyringError:
            raise SecretStoreUnavailable(NO_KEYCHAIN) from None
        except KeyringError as error:
            raise StorageError(
                f"the keychain refused to store the signing key of {person_key} "
                f"({type(error).__name__}); unlock the keychain and try again"
            ) from None
        log.info("stored a new signing key of %s in the keychain", person_key)
