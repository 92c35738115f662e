"""Text search and audit reads by entity, actor and time: the word index of tasks, the audit indexes.

- Audit: ``(workspace_id, entity_id, created_at)`` replaces ``(workspace_id, entity_id)``, and
  ``(workspace_id, actor_id, created_at)`` is new: "what happened to T-3 this week", "what did bob do today"
  read one index range, newest first.
- SQLite: ``task_search``, a contentless FTS5 index (unicode61 words, case-folded, accents kept) of each
  task's title, description and tags, keyed by ``task_search_keys`` (an INTEGER PRIMARY KEY survives VACUUM,
  which may renumber the tasks table's own rowids); ``task_search_terms`` (fts5vocab) lists its words.
  Triggers on ``tasks`` keep it in step, inside the writing transaction.
- PostgreSQL: a GIN index on the words of each task (``task_search_words``: the ``simple`` text search
  configuration, no stemming), and ``task_search_terms``, the words seen per workspace, added by triggers.
  Search matches the query against a workspace's words (typos included) and then asks the index for the tasks
  holding them. Only built-in features: no extension to install.

Revision ID: 0002
Revises: 0001
Create Date: 2030-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_SQLITE_KEY = (
    "(SELECT key FROM task_search_keys WHERE workspace_id = {row}.workspace_id AND task_id = {row}.id)"
)

SQLITE_UP = [
    """CREATE TABLE task_search_keys (
        key INTEGER PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        UNIQUE (workspace_id, task_id)
    )""",
    """CREATE VIRTUAL TABLE task_search USING fts5(
        title, description, tags, content='', tokenize='unicode61 remove_diacritics 0'
    )""",
    "CREATE VIRTUAL TABLE task_search_terms USING fts5vocab(task_search, 'row')",
    f"""CREATE TRIGGER task_search_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO task_search_keys (workspace_id, task_id) VALUES (new.workspace_id, new.id);
        INSERT INTO task_search (rowid, title, description, tags)
            VALUES ({_SQLITE_KEY.format(row="new")}, new.title, new.description, new.tags);
    END""",
    # A contentless index forgets a row by being told its old values: the trigger has them.
    f"""CREATE TRIGGER task_search_update AFTER UPDATE OF title, description, tags ON tasks BEGIN
        INSERT INTO task_search (task_search, rowid, title, description, tags)
            VALUES ('delete', {_SQLITE_KEY.format(row="old")}, old.title, old.description, old.tags);
        INSERT INTO task_search (rowid, title, description, tags)
            VALUES ({_SQLITE_KEY.format(row="new")}, new.title, new.description, new.tags);
    END""",
    f"""CREATE TRIGGER task_search_delete AFTER DELETE ON tasks BEGIN
        INSERT INTO task_search (task_search, rowid, title, description, tags)
            VALUES ('delete', {_SQLITE_KEY.format(row="old")}, old.title, old.description, old.tags);
        DELETE FROM task_search_keys WHERE workspace_id = old.workspace_id AND task_id = old.id;
    END""",
    # Tasks already there (an upgraded database).
    "INSERT INTO task_search_keys (workspace_id, task_id) SELECT workspace_id, id FROM tasks",
    """INSERT INTO task_search (rowid, title, description, tags)
        SELECT k.key, t.title, t.description, t.tags
        FROM tasks AS t JOIN task_search_keys AS k ON k.workspace_id = t.workspace_id AND k.task_id = t.id""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS task_search_delete",
    "DROP TRIGGER IF EXISTS task_search_update",
    "DROP TRIGGER IF EXISTS task_search_insert",
    "DROP TABLE IF EXISTS task_search_terms",
    "DROP TABLE IF EXISTS task_search",
    "DROP TABLE IF EXISTS task_search_keys",
]

POSTGRES_UP = [
    # Immutable (only pg_catalog objects, an explicit configuration), so it can be indexed.
    """CREATE FUNCTION task_search_words(title text, description text, tags json) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.simple'::regconfig,
                coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(tags::text, '')))
        $$""",
    "CREATE INDEX ix_tasks_search_words ON tasks USING gin (task_search_words(title, description, tags))",
    """CREATE TABLE task_search_terms (
        workspace_id text NOT NULL,
        term text NOT NULL,
        PRIMARY KEY (workspace_id, term)
    )""",
    # Words are added in one sorted order by every writer, so two writers adding the same new words queue
    # rather than deadlock; words no task holds any more stay (they only cost a look at the index).
    """CREATE FUNCTION task_search_added() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            INSERT INTO task_search_terms (workspace_id, term)
                SELECT DISTINCT n.workspace_id, w
                FROM added AS n, unnest(task_search_words(n.title, n.description, n.tags)) AS w
                ORDER BY 1, 2
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
    $$""",
    """CREATE FUNCTION task_search_changed() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
        BEGIN
            INSERT INTO task_search_terms (workspace_id, term)
                SELECT DISTINCT NEW.workspace_id, w
                FROM unnest(task_search_words(NEW.title, NEW.description, NEW.tags)) AS w
                ORDER BY 1, 2
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
    $$""",
    """CREATE TRIGGER task_search_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION task_search_added()""",
    """CREATE TRIGGER task_search_update AFTER UPDATE OF title, description, tags ON tasks
        FOR EACH ROW EXECUTE FUNCTION task_search_changed()""",
    """INSERT INTO task_search_terms (workspace_id, term)
        SELECT DISTINCT workspace_id, w FROM tasks, unnest(task_search_words(title, description, tags)) AS w
        ON CONFLICT DO NOTHING""",
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS task_search_update ON tasks",
    "DROP TRIGGER IF EXISTS task_search_insert ON tasks",
    "DROP FUNCTION IF EXISTS task_search_changed()",
    "DROP FUNCTION IF EXISTS task_search_added()",
    "DROP TABLE IF EXISTS task_search_terms",
    "DROP INDEX IF EXISTS ix_tasks_search_words",
    "DROP FUNCTION IF EXISTS task_search_words(text, text, json)",
]


def upgrade() -> None:
    op.drop_index("ix_audit_events_workspace_entity", "audit_events")
    op.create_index(
        "ix_audit_events_workspace_entity_created",
        "audit_events",
        ["workspace_id", "entity_id", "created_at"],
    )
    op.create_index(
        "ix_audit_events_workspace_actor_created", "audit_events", ["workspace_id", "actor_id", "created_at"]
    )
    for statement in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(sa.text(statement))


def downgrade() -> None:
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN:
        op.execute(sa.text(statement))
    op.drop_index("ix_audit_events_workspace_actor_created", "audit_events")
    op.drop_index("ix_audit_events_workspace_entity_created", "audit_events")
    op.create_index("ix_audit_events_workspace_entity", "audit_events", ["workspace_id", "entity_id"])
