"""Alembic migrations of the SQL store (run through ``storage.sql.migrate``; ``orchestrator db upgrade``)."""
