"""The committed migrations match the models and apply cleanly on each backend."""

from pathlib import Path
from typing import Any

from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.indexes import Index
from tortoise.migrations.api import migrate as apply_migrations
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.models import Model

from models.api_token import ApiToken
from models.config import tortoise_config
from models.data_generation import DataGeneration, current_generation
from models.database import fetch_all, migrate, open_database
from models.enums import FeedKind, IssueStatus
from models.feed_entry import FeedEntry
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.issue_operations import IssueChanges, edit_issue
from models.meeting import Meeting, MeetingIssue
from models.position import Position
from models.rate_window import RateWindow
from models.relationship import Relationship
from models.status_operations import post_status_update
from models.status_update import StatusUpdate
from tests.databases import DatabaseFactory

FIRST = "models.0001_initial"
HISTORY_AT_FIRST_MIGRATION = (
    "INSERT INTO relationship (id, slug, name, countries, created_at) VALUES "
    "(1, 'india-china', 'India-China', '[\"IN\",\"CN\"]', '2025-01-01 00:00:00+00')",
    "INSERT INTO issue (id, relationship_id, slug, title, summary, category, "
    "raised_by, status, version, created_at, updated_at) VALUES (1, 1, "
    "'border-talks', 'Border talks', '', 'BORDER', 'IN', 'UNDER_DISCUSSION', 2, "
    "'2025-01-01 00:00:00+00', '2025-01-01 00:00:00+00')",
    "INSERT INTO status_update (id, issue_id, status, occurred_on, "
    "occurred_precision, note, verified, recorded_at, recorded_by) VALUES (1, 1, "
    "'UNDER_DISCUSSION', '2024-10-21', 'DAY', 'Talks began.', TRUE, "
    "'2025-01-01 00:00:00+00', 'seed')",
    "INSERT INTO status_update (id, issue_id, status, occurred_on, "
    "occurred_precision, note, verified, recorded_at, recorded_by, retracted_at, "
    "retraction_reason) VALUES (2, 1, 'RESOLVED', '2024-12-01', 'MONTH', "
    "'Misreported.', FALSE, '2025-01-02 00:00:00+00', 'seed', "
    "'2025-01-03 00:00:00+00', 'Wrong.')",
)
MIGRATIONS_DIRECTORY = Path(__file__).parent.parent / "models" / "migrations"
TABLES = {
    "relationship",
    "issue",
    "status_update",
    "meeting",
    "meeting_issue",
    "api_token",
    "idempotency_key",
    "feed_entry",
    "position",
    "rate_window",
    "data_generation",
}
MODELS: tuple[type[Model], ...] = (
    Relationship,
    Issue,
    StatusUpdate,
    Meeting,
    MeetingIssue,
    ApiToken,
    IdempotencyKey,
    FeedEntry,
    Position,
    RateWindow,
    DataGeneration,
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


async def test_upgrading_a_database_with_history_keeps_it(database_url: str) -> None:
    # given a database at the first migration, holding an issue with one update
    async with TortoiseContext():
        await apply_migrations(config=tortoise_config(database_url), target=FIRST)
    async with open_database(database_url):
        for statement in HISTORY_AT_FIRST_MIGRATION:
            await connections.get("default").execute_script(statement)

    # when the later migrations are applied
    await migrate(database_url)

    # then the rows are intact, the new column reads as unset and the feed holds
    # the history in the order it was written
    async with open_database(database_url):
        entries = (
            await FeedEntry.all()
            .order_by("id")
            .values_list("id", "kind", "update_id", "issue_id", "relationship_id")
        )
        assert entries == [
            (1, FeedKind.RECORDED, 1, 1, 1),
            (2, FeedKind.RECORDED, 2, 1, 1),
            (3, FeedKind.RETRACTED, 2, 1, 1),
        ]
        update = await StatusUpdate.get(id=1)
        assert (update.note, update.retracted_by) == ("Talks began.", None)
        assert await Issue.filter(slug="border-talks", version=2).exists()
        assert await ApiToken.all().count() == 0
        assert await IdempotencyKey.all().count() == 0

        # and the data generation starts at 0 and moves with the first write
        assert await current_generation() == 0
        await edit_issue(1, IssueChanges(title="Border talks resumed"), actor="cli")
        assert await current_generation() == 1

        # and the rebuilt feed table goes on numbering after its old entries
        written = await post_status_update(
            1,
            status=IssueStatus.RESOLVED,
            occurred_on="2025-01-01",
            note="Done.",
            actor="cli",
        )
        assert written.position == 4
