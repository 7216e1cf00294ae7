"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Column, Engine, MetaData, String, inspect

from db.database import create_db_engine
from db.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    metadata,
    require_current_schema,
    schema_differences,
    upgrade,
)
from engine.errors import KinerjaError


def test_empty_database_upgrades_to_head_and_matches_the_models(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        assert current_revision(engine) is None
        with pytest.raises(KinerjaError, match="kinerja db upgrade"):
            require_current_schema(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
        require_current_schema(engine)
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        assert schema_differences(engine) == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_harmless_and_downgrade_round_trips(engine: Engine) -> None:
    upgrade(engine)
    assert schema_differences(engine) == []
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert not set(metadata.tables) & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert schema_differences(engine) == []


def test_a_model_change_without_a_migration_is_detected(engine: Engine) -> None:
    """The guard itself must be able to fail: add a column to the models only."""
    changed = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["holiday"].append_column(Column("note_not_migrated", String(10)))
    differences = schema_differences(engine, changed)
    assert [diff[0] for diff in differences] == ["add_column"]
    assert differences[0][3].name == "note_not_migrated"


def test_change_counters_are_added_to_a_database_with_rows(engine: Engine) -> None:
    """0006 adds `changes` in place: the rows (referenced by foreign keys) stay, counted 0."""
    upgrade(engine, "0005")
    tables = metadata.tables
    with engine.begin() as connection:
        connection.execute(
            tables["regency"].insert().values(id=1, code="r", name="Kab. R", head_title="Bupati")
        )
        connection.execute(
            tables["agency"]
            .insert()
            .values(id=1, regency_id=1, code="a", name="Dinas A", short_name="A", place="R")
        )
        connection.execute(
            tables["position"]
            .insert()
            .values(
                id=1,
                agency_id=1,
                code="kepala",
                title="Kepala",
                unit_name="A",
                level="head",
                sort_order=0,
            )
        )
        connection.execute(
            tables["indicator"]
            .insert()
            .values(
                id=1,
                agency_id=1,
                position_id=1,
                year=2021,
                code="i1",
                kind="iku",
                kinerja="k",
                name="n",
                unit="%",
                expression="x",
                data_source="d",
                polarity="positive",
                rollup="last",
                target_mode="annual",
                decimals=2,
                sort_order=0,
            )
        )
    upgrade(engine)
    assert schema_differences(engine) == []
    with engine.connect() as connection:
        rows = connection.execute(tables["indicator"].select()).mappings().all()
    assert [(row["code"], row["changes"]) for row in rows] == [("i1", 0)]
