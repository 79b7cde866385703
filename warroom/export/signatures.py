"""Ed25519 signatures (the ``cryptography`` package): make keys, sign, check.

Keys and signatures travel as lowercase hex of their raw bytes (32-byte keys, 64-byte
signatures), which is what the database and the export hold.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def new_private_key() -> str:
    """Return a fresh private key (hex of its 32 raw bytes)."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return raw.hex()


def public_key_of(private_key: str) -> str:
    """Return the public key (hex) of a private key (hex)."""
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_key))
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(private_key: str, message: bytes) -> str:
    """Return the signature (hex) of ``message`` by ``private_key`` (hex)."""
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_key)).sign(message).hex()


def is_valid(public_key: str, signature: str, message: bytes) -> bool:
    """Tell whether ``signature`` (hex) of ``message`` was made with ``public_key`` (hex)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), message)
    except (ValueError, InvalidSignature):
        return False
    return True
