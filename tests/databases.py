"""Throw-away test databases on SQLite or, with TEST_DATABASE_URL, PostgreSQL.

Databases are cloned from templates prepared once per session: a file copy on
SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL. On PostgreSQL most tests share
one clone instead, each inside a transaction rolled back at its end.
"""

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise.connection import get_connections
from tortoise.transactions import in_transaction

from models.config import normalise_url

T = TypeVar("T")
END_OTHER_SESSIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def run_aside(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a loop of its own, even from inside a loop."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


class RolledBackError(Exception):
    """Ends the test's transaction the way a failure would: by rolling it back."""


@asynccontextmanager
async def rolled_back(url: str) -> AsyncIterator[None]:
    """Everything inside runs in one transaction of the default connection, rolled
    back at the end; the code under test's own transactions become savepoints.

    If the test left a statement running on the connection (it should have been
    marked `commits`), every other session on the database is ended instead:
    nothing was committed, no lock outlives the test, and the next starts clean.
    """
    transaction = in_transaction()
    await transaction.__aenter__()
    try:
        yield
    finally:
        try:
            await transaction.__aexit__(RolledBackError, RolledBackError(), None)
        except Exception:
            # Tortoise resets its connection only if the release succeeded.
            with suppress(ValueError, RuntimeError):
                get_connections().reset(cast(Any, transaction).token)
            await _admin(url, END_OTHER_SESSIONS)
            raise


def postgres_server_url() -> str | None:
    """The PostgreSQL database the suite may use, if one was given."""
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_url(url) if url else None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def _admin(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


class DatabaseFactory:
    """Creates databases for one backend and drops them all at the end."""

    def __init__(self, workdir: Path, server_url: str | None) -> None:
        self.workdir = workdir
        self.server_url = server_url
        self.created: list[str] = []

    @property
    def backend(self) -> str:
        """ "postgres" or "sqlite"."""
        return "postgres" if self.server_url else "sqlite"

    def new_name(self, prefix: str) -> str:
        """A database name no other test uses."""
        return f"{prefix}_{uuid.uuid4().hex[:10]}"

    async def create(self, prefix: str, template: str | None = None) -> str:
        """A new database (empty, or a copy of a template made here) and its URL."""
        name = self.new_name(prefix)
        if self.server_url is None:
            path = self.workdir / f"{name}.sqlite3"
            if template is not None:
                shutil.copyfile(self.workdir / f"{template}.sqlite3", path)
            self.created.append(name)
            return f"sqlite://{path}"
        clause = f' TEMPLATE "{template}"' if template else ""
        await _admin(self.server_url, f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
        return _with_database(self.server_url, name)

    def name_of(self, url: str) -> str:
        """The database name inside a URL made by this factory."""
        return (
            Path(urlsplit(url).path).stem
            if self.server_url is None
            else urlsplit(url).path[1:]
        )

    async def drop(self, url: str) -> None:
        """Drop one database made here."""
        name = self.name_of(url)
        if self.server_url is None:
            for suffix in ("", "-wal", "-shm"):
                (self.workdir / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
        else:
            await _admin(
                self.server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            )

    def drop_all(self) -> None:
        """Drop every database made here (used at the end of the session)."""
        if self.server_url is None:
            return
        for name in self.created:
            url = _with_database(self.server_url, name)
            asyncio.run(self.drop(url))
