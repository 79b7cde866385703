"""Persistence: SQLAlchemy models, sessions, migrations and keychain secrets.

ORM classes never leave this package: repositories hand out domain objects.
"""
