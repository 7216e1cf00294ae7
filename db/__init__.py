"""Persistence: the tables, the session factory and unit of work (db/uow.py), the repositories
implementing engine.ports grouped by capability, and the Alembic migrations. Rules are the
engine's; these modules only read and write rows."""
