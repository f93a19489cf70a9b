"""Opening the database, applying migrations and running portable raw SQL."""

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as apply_migrations
from tortoise.transactions import in_transaction

from models.config import tortoise_config
from models.failures import WriteRefusal, check_sqlite_folder, write_refusal

# A write that touches no row: the database still checks it may write.
WRITE_PROBE = "DELETE FROM tortoise_migrations WHERE 1 = 0"


@asynccontextmanager
async def open_database(url: str) -> AsyncIterator[TortoiseContext]:
    """An isolated Tortoise context on one database, closed on exit."""
    check_sqlite_folder(url)
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(url))
        await connect_now()
        yield context


async def migrate(url: str) -> None:
    """Apply every pending migration; an up-to-date database is left as it is."""
    check_sqlite_folder(url)
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


async def fetch_rows(
    sql: str, values: Sequence[Any] = ()
) -> Sequence[Mapping[str, Any]]:
    """Run one read-only statement and return its rows as the driver gives them,
    read by column name: for many rows, without a dictionary copied per row."""
    _, rows = await connections.get("default").execute_query(sql, list(values))
    return rows  # type: ignore[no-any-return]


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


class _ProbeDoneError(Exception):
    """Ends the write probe's transaction without committing."""


async def write_refusal_now() -> WriteRefusal | None:
    """Why the database would refuse a write right now, or None if it would take one.

    One statement that writes no row, in a transaction rolled back: SQLite and
    PostgreSQL both check writability and privilege before looking for rows. It
    detects a read-only database (SQLite `query_only`, a read-only file or mount;
    PostgreSQL `default_transaction_read_only`, a standby in recovery) and a
    missing write privilege. It cannot detect a full disk, which only a real write
    shows (such a write is refused with SERVICE_UNAVAILABLE).
    """
    try:
        async with in_transaction() as connection:
            await connection.execute_query(WRITE_PROBE)
            raise _ProbeDoneError
    except _ProbeDoneError:
        return None
    except Exception as error:
        refusal = write_refusal(error)
        if refusal is None:
            raise
        return refusal


@dataclass(frozen=True)
class PoolUsage:
    """The default connection's pool right now."""

    in_use: int
    idle: int
    waiting: int


def pool_usage() -> PoolUsage | None:
    """How many connections are lent out, idle, and waited for; None before the
    pool exists.

    Neither driver publishes its waiters, so they are counted from the queue
    (asyncpg) or the lock (Tortoise's SQLite client, whose one connection is
    lent to one statement or transaction at a time) they wait on.
    """
    client = connections.get("default")
    pool = getattr(client, "_pool", None)
    if pool is not None:
        idle = pool.get_idle_size()
        getters = getattr(getattr(pool, "_queue", None), "_getters", ())
        waiting = sum(1 for waiter in getters if not waiter.done())
        return PoolUsage(pool.get_size() - idle, idle, waiting)
    lock = getattr(client, "_lock", None)
    if getattr(client, "_connection", None) is None or lock is None:
        return None
    waiters = getattr(lock, "_waiters", None) or ()
    in_use = int(lock.locked())
    return PoolUsage(in_use, 1 - in_use, sum(1 for w in waiters if not w.done()))
