"""What a delivery attempt can come to, as values and typed errors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """A delivery the remote side accepted: its id and, where it has one, its public URL."""

    remote_id: str
    remote_url: str = ""
    detail: str = ""


class DeliveryError(Exception):
    """Base class: ``str(error)`` is one line for people, with no secret in it."""


class TransientError(DeliveryError):
    """Try again later: server error, rate limit, timeout, network down.

    ``retry_after`` is the server's wish in seconds (429/503 ``Retry-After``), if any;
    ``unreachable`` says that nothing reached the server (the channel is offline).
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.unreachable = unreachable


class PermanentError(DeliveryError):
    """Retrying cannot help until a person changes something (401, 403, 422, bad config)."""


class UncertainError(DeliveryError):
    """The message may or may not have gone out, and the channel cannot deduplicate a retry."""
