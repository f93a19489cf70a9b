"""Opening the database, applying migrations and running portable raw SQL."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as apply_migrations

from models.config import tortoise_config


@asynccontextmanager
async def open_database(url: str | None = None) -> AsyncIterator[TortoiseContext]:
    """An isolated Tortoise context on one database, closed on exit."""
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(url))
        await connect_now()
        yield context


async def migrate(url: str | None = None) -> None:
    """Apply every pending migration; an up-to-date database is left as it is."""
    async with TortoiseContext():
        await apply_migrations(config=tortoise_config(url))


def dialect() -> str:
    """The dialect of the default connection: "sqlite" or "postgres"."""
    return str(connections.get("default").capabilities.dialect)


async def fetch_all(sql: str, values: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run one read-only statement and return its rows as dictionaries."""
    rows: list[dict[str, Any]] = await connections.get("default").execute_query_dict(
        sql, list(values)
    )
    return rows


async def connect_now() -> None:
    """Open the connection before any request can be cancelled while opening it.

    Tortoise's SQLite client takes its lock before connecting lazily; a query
    cancelled during that first connect (a sibling field failing, a client going
    away) would keep the lock for good.
    """
    await ping()


async def ping() -> None:
    """Raise unless the database answers a trivial query."""
    await connections.get("default").execute_query("SELECT 1")
