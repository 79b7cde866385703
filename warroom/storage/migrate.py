"""Run Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
Progress = Callable[[str, int, int], None]


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic config that migrates through ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine, progress: Progress | None = None) -> None:
    """Apply every migration the database has not seen.

    ``progress(what, done, total)`` hears about long steps (indexing a large timeline).
    """
    config = alembic_config(engine)
    config.attributes["progress"] = progress
    command.upgrade(config, "head")


def upgrade_to(engine: Engine, revision: str) -> None:
    """Apply migrations up to ``revision`` (tests use it to build an older database)."""
    command.upgrade(alembic_config(engine), revision)
