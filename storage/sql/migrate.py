"""Schema versions: the Alembic revisions shipped in ``migrations/``, and what a database is at.

A store opening an empty database creates the schema by running every migration; one opening a database that
is behind refuses to start and names the command that fixes it (``orchestrator db upgrade``); one opening a
database newer than the code refuses too. All of it happens under the schema lock (see ``Database``), so
replicas starting together migrate once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.errors import ConfigurationError
from storage.sql.tables import metadata

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE_COMMAND = "orchestrator db upgrade"


class SchemaBehindError(ConfigurationError):
    """The database's schema is older than this version of the code needs."""


def alembic_config() -> Config:
    """The Alembic configuration of the shipped migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def revision_number(revision: str | None) -> int:
    """``"0003"`` -> 3; 0 for no revision (or one that is not numbered)."""
    try:
        return int(revision or 0)
    except ValueError:
        return 0


@dataclass(frozen=True)
class SchemaState:
    before: str | None  # the database's revision when we looked
    after: str | None  # its revision when we were done
    head: str  # the newest revision this code knows


def _current(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _upgrade(conn: sa.Connection, config: Config) -> None:
    config.attributes["connection"] = conn
    try:
        command.upgrade(config, "head")
    finally:
        config.attributes.pop("connection", None)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    return any(script.revision == revision for script in scripts.walk_revisions())


def ensure_current(conn: sa.Connection) -> SchemaState:
    """Create the schema in an empty database; refuse one that is behind, ahead, or not ours."""
    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head() or ""
    current = _current(conn)
    if current == head:
        return SchemaState(current, current, head)
    if current is None:
        ours = {t.name for t in metadata.sorted_tables}
        if ours & set(sa.inspect(conn).get_table_names()):
            raise ConfigurationError(
                "The database has this app's tables but no schema version, so I won't touch it.",
                hint="Point ORCHESTRATOR_STORAGE_URL at an empty database, or restore its alembic_version.",
            )
        _upgrade(conn, config)
        return SchemaState(None, _current(conn), head)
    if _known(scripts, current):
        raise SchemaBehindError(
            f"The database schema is at revision {current}, but this version of Tasks Orchestrator needs "
            f"{head}, so it won't start.",
            hint=f"Run `{UPGRADE_COMMAND}` to bring the database up to date.",
        )
    raise ConfigurationError(
        f"The database schema (revision {current}) is newer than this version of Tasks Orchestrator knows "
        f"(up to {head}).",
        hint="Upgrade the app, or point ORCHESTRATOR_STORAGE_URL at another database.",
    )


def upgrade(conn: sa.Connection) -> SchemaState:
    """Apply every migration the database is missing."""
    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head() or ""
    before = _current(conn)
    if before != head:
        _upgrade(conn, config)
    return SchemaState(before, _current(conn), head)
