"""Errors the domain and services raise when an action is refused.

Every error carries a one-line, user-facing message: the CLI prints it as
``error: <message>`` and exits 1; the window shows it in a dialog or status line.
"""


class WarRoomError(Exception):
    """Base class of every refusal a person should see as one clear line."""


class NotFoundError(WarRoomError):
    """An incident, statement, channel or item with that id or name does not exist."""


class RuleViolation(WarRoomError):
    """The action breaks a rule (self-approval, closed incident, release before approval...)."""


class ValidationError(WarRoomError):
    """Input is malformed: empty text, over a channel's limit, bad severity, bad playbook."""


class ConflictError(WarRoomError):
    """Someone else changed the object since it was read (optimistic version check)."""


class StorageError(WarRoomError):
    """The database cannot be used: foreign, corrupt, newer schema, unreachable."""


class UsageError(WarRoomError):
    """The command was given something it cannot work with (exit 2, like bad arguments)."""
