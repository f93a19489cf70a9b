"""The committed migrations match the models and apply cleanly on each backend."""

from pathlib import Path
from typing import Any

from tortoise.context import TortoiseContext
from tortoise.indexes import Index
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.models import Model

from models.api_token import ApiToken
from models.config import tortoise_config
from models.database import fetch_all, migrate, open_database
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.relationship import Relationship
from models.status_update import StatusUpdate
from tests.databases import DatabaseFactory

MIGRATIONS_DIRECTORY = Path(__file__).parent.parent / "models" / "migrations"
TABLES = {
    "relationship",
    "issue",
    "status_update",
    "meeting",
    "meeting_issue",
    "api_token",
    "idempotency_key",
}
MODELS: tuple[type[Model], ...] = (
    Relationship,
    Issue,
    StatusUpdate,
    Meeting,
    MeetingIssue,
    ApiToken,
    IdempotencyKey,
)


def declared_indexes() -> set[tuple[str, str]]:
    """(table, index name) for every named index in the models' Meta.indexes."""
    return {
        (model._meta.db_table, index.name)
        for model in MODELS
        for index in model._meta.indexes
        if isinstance(index, Index) and index.name
    }


def migration_files() -> list[str]:
    """The migrations committed in models/migrations, as Tortoise's loader sees them."""
    return sorted(
        path.stem
        for path in MIGRATIONS_DIRECTORY.glob("*.py")
        if not path.name.startswith(("_", "~"))
    )


async def existing_tables(backend: str) -> set[str]:
    """The tables of the open database, without the engine's own."""
    if backend == "sqlite":
        rows = await fetch_all(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return {row["name"] for row in rows}
    rows = await fetch_all(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    return {row["table_name"] for row in rows}


async def existing_indexes(backend: str) -> set[tuple[str, str]]:
    """(table, index name) for every index of the open database."""
    if backend == "sqlite":
        rows = await fetch_all(
            "SELECT tbl_name AS table_name, name AS index_name FROM sqlite_master"
            " WHERE type = 'index'"
        )
    else:
        rows = await fetch_all(
            "SELECT tablename AS table_name, indexname AS index_name FROM pg_indexes"
            " WHERE schemaname = 'public'"
        )
    return {(row["table_name"], row["index_name"]) for row in rows}


async def applied_migrations() -> list[dict[str, Any]]:
    """The rows Tortoise recorded for the migrations it applied."""
    return await fetch_all(
        "SELECT app, name, applied_at FROM tortoise_migrations ORDER BY id"
    )


async def test_migrations_match_the_models() -> None:
    # given the models and the committed migrations
    config = tortoise_config("sqlite://:memory:")

    # when makemigrations compares them (the writers are inspected, never written)
    async with TortoiseContext() as context:
        await context.init(config=config)
        assert context.apps is not None
        autodetector = MigrationAutodetector(context.apps, config["apps"])
        changes = await autodetector.changes()

    # then it finds nothing to write
    pending = "\n\n".join(writer.as_string() for writer in changes)
    assert changes == [], f"run `tortoise makemigrations`; it would write:\n{pending}"


async def test_migrate_creates_every_table_and_index(
    database_url: str, databases: DatabaseFactory
) -> None:
    # given a blank database

    # when every migration is applied
    await migrate(database_url)

    # then the tables, the named indexes and the migration records are there
    async with open_database(database_url):
        tables = await existing_tables(databases.backend)
        indexes = await existing_indexes(databases.backend)
        applied = await applied_migrations()
    assert tables == TABLES | {"tortoise_migrations"}
    assert declared_indexes() <= indexes, declared_indexes() - indexes
    assert [(row["app"], row["name"]) for row in applied] == [
        ("models", name) for name in migration_files()
    ]


async def test_migrate_twice_changes_nothing(
    database_url: str, databases: DatabaseFactory
) -> None:
    # given a database already migrated
    await migrate(database_url)
    async with open_database(database_url):
        applied_before = await applied_migrations()
        tables_before = await existing_tables(databases.backend)
        indexes_before = await existing_indexes(databases.backend)

    # when migrate runs again
    await migrate(database_url)

    # then it applied nothing new and the schema is as it was
    async with open_database(database_url):
        assert await applied_migrations() == applied_before
        assert await existing_tables(databases.backend) == tables_before
        assert await existing_indexes(databases.backend) == indexes_before
