"""Full-text search over timeline entries and statement texts.

SQLite: FTS5 tables over the existing rows (external content, no copy of the text) with the
``unicode61 remove_diacritics 2`` tokenizer and prefix indexes; PostgreSQL: tsvector tables
with GIN indexes, documents made by ``warroom_search_document`` (the ``simple``
configuration, so any language works, with accents stripped and punctuation splitting words
as on SQLite). Both are kept by triggers in the same transaction as the write, so the index
can never disagree with the rows, whoever writes them. Existing rows are indexed here, in
batches, with progress reported for a large database.

The search tables are named ``search_*`` and are not mapped by the ORM (the schema
comparison skips them).

Revision ID: 0011_search
Revises: 0009_inbox
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0011_search"
down_revision = "0009_inbox"
branch_labels = None
depends_on = None

BATCH = 50_000
# Keep in step with warroom.domain.search.DIACRITIC_RANGES.
_DIACRITICS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"

_SQLITE = [
    # The incident is indexed too (as its number, in its own column), so that a search of one
    # incident intersects two lists of the index instead of walking every other incident's
    # matches. Words are looked for in the text column only.
    """CREATE VIRTUAL TABLE search_timeline USING fts5(
        text, incident_id, content='timeline_entries', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER search_timeline_insert AFTER INSERT ON timeline_entries BEGIN
        INSERT INTO search_timeline(rowid, text, incident_id)
        VALUES (new.id, new.text, new.incident_id);
    END""",
    # The timeline is append-only; should a row ever be changed by hand, the index follows.
    """CREATE TRIGGER search_timeline_delete AFTER DELETE ON timeline_entries BEGIN
        INSERT INTO search_timeline(search_timeline, rowid, text, incident_id)
        VALUES ('delete', old.id, old.text, old.incident_id);
    END""",
    """CREATE TRIGGER search_timeline_update AFTER UPDATE OF text, incident_id
        ON timeline_entries BEGIN
        INSERT INTO search_timeline(search_timeline, rowid, text, incident_id)
        VALUES ('delete', old.id, old.text, old.incident_id);
        INSERT INTO search_timeline(rowid, text, incident_id)
        VALUES (new.id, new.text, new.incident_id);
    END""",
    """CREATE VIRTUAL TABLE search_statements USING fts5(
        subject, text, content='statements', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER search_statements_insert AFTER INSERT ON statements BEGIN
        INSERT INTO search_statements(rowid, subject, text)
        VALUES (new.id, new.subject, new.text);
    END""",
    """CREATE TRIGGER search_statements_delete AFTER DELETE ON statements BEGIN
        INSERT INTO search_statements(search_statements, rowid, subject, text)
        VALUES ('delete', old.id, old.subject, old.text);
    END""",
    """CREATE TRIGGER search_statements_update AFTER UPDATE OF subject, text ON statements BEGIN
        INSERT INTO search_statements(search_statements, rowid, subject, text)
        VALUES ('delete', old.id, old.subject, old.text);
        INSERT INTO search_statements(rowid, subject, text)
        VALUES (new.id, new.subject, new.text);
    END""",
]

_POSTGRESQL = [
    f"""CREATE FUNCTION warroom_search_document(body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT to_tsvector('simple'::regconfig, regexp_replace(
            regexp_replace(normalize(body, NFKD), '{_DIACRITICS}', '', 'g'),
            '[[:punct:]]+', ' ', 'g'))
    $$""",
    """CREATE TABLE search_timeline (
        entry_id integer PRIMARY KEY REFERENCES timeline_entries (id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    "CREATE INDEX search_timeline_document ON search_timeline USING gin (document)",
    # SECURITY DEFINER: a person's login role needs no privilege on the index itself.
    """CREATE FUNCTION search_timeline_index() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        INSERT INTO search_timeline (entry_id, document)
        VALUES (NEW.id, warroom_search_document(NEW.text))
        ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER search_timeline_index AFTER INSERT OR UPDATE OF text ON timeline_entries
        FOR EACH ROW EXECUTE FUNCTION search_timeline_index()""",
    """CREATE TABLE search_statements (
        statement_id integer PRIMARY KEY REFERENCES statements (id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    "CREATE INDEX search_statements_document ON search_statements USING gin (document)",
    """CREATE FUNCTION search_statements_index() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        INSERT INTO search_statements (statement_id, document)
        VALUES (NEW.id, warroom_search_document(NEW.subject || ' ' || NEW.text))
        ON CONFLICT (statement_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER search_statements_index AFTER INSERT OR UPDATE OF subject, text
        ON statements FOR EACH ROW EXECUTE FUNCTION search_statements_index()""",
]

_BACKFILL = {
    "sqlite": {
        "timeline_entries": "INSERT INTO search_timeline (rowid, text, incident_id) "
        "SELECT id, text, incident_id FROM timeline_entries WHERE id > :low AND id <= :high",
        "statements": "INSERT INTO search_statements (rowid, subject, text) "
        "SELECT id, subject, text FROM statements WHERE id > :low AND id <= :high",
    },
    "postgresql": {
        "timeline_entries": "INSERT INTO search_timeline (entry_id, document) "
        "SELECT id, warroom_search_document(text) FROM timeline_entries "
        "WHERE id > :low AND id <= :high",
        "statements": "INSERT INTO search_statements (statement_id, document) "
        "SELECT id, warroom_search_document(subject || ' ' || text) FROM statements "
        "WHERE id > :low AND id <= :high",
    },
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE if dialect == "sqlite" else _POSTGRESQL:
        op.execute(statement)
    config = op.get_context().config
    report: Callable[[str, int, int], None] | None = (
        config.attributes.get("progress") if config is not None else None
    )
    for table, insert in _BACKFILL[dialect].items():
        _backfill(table, insert, report)


def _backfill(table: str, insert: str, report: Callable[[str, int, int], None] | None) -> None:
    """Index the rows that exist already, a batch of ids at a time, saying how far it got."""
    bind = op.get_bind()
    total = bind.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0
    highest = bind.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar() or 0
    what = "building the search index of " + table.replace("_", " ")
    done = 0
    for low in range(0, highest, BATCH):
        result = bind.execute(sa.text(insert), {"low": low, "high": low + BATCH})
        done += max(result.rowcount, 0)
        if report is not None and total:
            report(what, min(done, total), total)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("timeline", "statements"):
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER search_{name}_{event}")
            op.execute(f"DROP TABLE search_{name}")
        return
    for name, table in (("timeline", "timeline_entries"), ("statements", "statements")):
        op.execute(f"DROP TRIGGER search_{name}_index ON {table}")
        op.execute(f"DROP FUNCTION search_{name}_index()")
        op.execute(f"DROP TABLE search_{name}")
    op.execute("DROP FUNCTION warroom_search_document(text)")
