"""The schema revisions this version of War Room knows, for a cheap check on every open.

Importing Alembic costs tens of milliseconds, so a command on an up-to-date database only
compares the stored revision with :data:`HEAD`; Alembic is loaded only to migrate. A test
checks that this list matches the migration scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_core",
    "0002_lessons_learned",
    "0003_sync",
    "0004_people",
    "0005_regulator_notification",
    "0006_hardening",
    "0007_trust",
    "0008_change_feed",
    "0009_inbox",
    "0011_search",
    "0014_lifecycle",
    "0015_verify_checkpoint",
    "0013_variants",
    "0012_channels",
)
HEAD = KNOWN_REVISIONS[-1]
