"""A write the database refuses (read-only, full, no privilege) says so: 503 and
SERVICE_UNAVAILABLE, not a masked internal error, and nothing is written.

The database really refuses, also for the root user the tests run as: SQLite is
opened with `PRAGMA query_only` (read-only) or a `max_page_count` at its current
size (full); PostgreSQL gets `default_transaction_read_only` on the database, or a
role that may only read. A full PostgreSQL disk cannot be made here, so a driver
error with its SQLSTATE stands in for it.
"""

import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from typing import Any

import asyncpg
import httpx
import pytest

from api.app import create_app
from api.core.relay import global_id
from api.settings import Settings
from models import status_operations
from models.database import open_database
from models.enums import TokenRole
from models.issue import Issue
from models.tokens import create_token
from tests.databases import DatabaseFactory, _asyncpg_dsn, _with_database
from tests.snapshots import snapshot

GRAPHQL_RESPONSE = "application/graphql-response+json"
POST = """
mutation Post($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename }
}
"""
READ_ONLY = (
    "The service cannot write right now: the database is read-only. Nothing was "
    "written; retry later."
)
DISK_FULL = (
    "The service cannot write right now: the database is out of space. Nothing was "
    "written; retry later."
)
NO_PRIVILEGE = (
    "The service cannot write right now: the service may not write to the "
    "database. Nothing was written; retry later."
)


async def _admin(databases: DatabaseFactory, statement: str, database: str) -> None:
    assert databases.server_url is not None
    url = _with_database(databases.server_url, database)
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _editor_and_issue(url: str) -> tuple[str, str]:
    async with open_database(url):
        editor = await create_token("editor", TokenRole.EDITOR, actor="test")
        issue = await Issue.get(slug="border-peace-normalisation")
    return editor.secret, global_id("Issue", issue.pk)


@asynccontextmanager
async def read_only(databases: DatabaseFactory, url: str) -> AsyncIterator[str]:
    """The URL of the same database, opened so that it refuses every write."""
    if databases.backend == "sqlite":
        yield f"{url}?query_only=1"
        return
    name = databases.name_of(url)
    await _admin(
        databases,
        f'ALTER DATABASE "{name}" SET default_transaction_read_only = on',
        "postgres",
    )
    yield url


@asynccontextmanager
async def read_only_role(databases: DatabaseFactory, url: str) -> AsyncIterator[str]:
    """The URL of the same PostgreSQL database for a role that may only read."""
    name, role = databases.name_of(url), f"reader_{uuid.uuid4().hex[:8]}"
    grants = [
        f'CREATE ROLE "{role}" LOGIN',
        f'GRANT CONNECT ON DATABASE "{name}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"',
    ]
    for statement in grants:
        await _admin(databases, statement, name)
    try:
        yield url.replace("://postgres@", f"://{role}@", 1)
    finally:
        await _admin(databases, f'DROP OWNED BY "{role}"', name)
        await _admin(databases, f'DROP ROLE "{role}"', "postgres")


@asynccontextmanager
async def client_over(url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client driving the app in-process over `url`, opened here."""
    app = create_app(Settings(database_url=url, **settings), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with (
        open_database(url),
        httpx.AsyncClient(transport=transport, base_url="http://test") as http,
    ):
        yield http


def _post(issue_id: str, note: str) -> dict[str, Any]:
    given = {
        "issueId": issue_id,
        "status": "STALLED",
        "occurredOn": "2026-01-01",
        "note": note,
    }
    return {"query": POST, "variables": {"input": given}}


async def _refused_post(
    http: httpx.AsyncClient,
    editor: str,
    issue_id: str,
    accept: str,
    note: str = "Talks paused.",
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {editor}", "Accept": accept}
    return await http.post("/graphql", json=_post(issue_id, note), headers=headers)


def _unavailable(message: str, reason: str) -> dict[str, Any]:
    return {
        "data": None,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 3, "column": 3}],
                "path": ["issueUpdateStatus"],
                "extensions": {"code": "SERVICE_UNAVAILABLE", "reason": reason},
            }
        ],
    }


async def test_a_write_to_a_read_only_database_is_503_and_writes_nothing(
    databases: DatabaseFactory, seeded_url: str
) -> None:
    # given a seeded database, then made read-only
    editor, issue_id = await _editor_and_issue(seeded_url)
    async with (
        read_only(databases, seeded_url) as url,
        client_over(url, rate_limit=0) as http,
    ):
        before = await snapshot()

        # when an editor posts a status update
        response = await _refused_post(http, editor, issue_id, GRAPHQL_RESPONSE)

        # then the client is told the database is read-only, and nothing changed
        assert response.status_code == 503
        assert response.headers["retry-after"] == "30"
        assert response.json() == _unavailable(READ_ONLY, "read-only")
        assert await snapshot() == before


async def test_a_refusal_before_execution_is_503_too(
    databases: DatabaseFactory, seeded_url: str
) -> None:
    # given a read-only database and the default rate limit, which on PostgreSQL
    # writes its window before the request runs
    editor, issue_id = await _editor_and_issue(seeded_url)
    async with read_only(databases, seeded_url) as url, client_over(url) as http:
        before = await snapshot()

        # when an editor posts a status update, asking for plain JSON
        response = await _refused_post(http, editor, issue_id, "application/json")

        # then wherever the write was refused, the answer says so
        (error,) = response.json()["errors"]
        assert response.status_code == (503 if databases.backend == "postgres" else 200)
        assert (error["message"], error["extensions"]["code"]) == (
            READ_ONLY,
            "SERVICE_UNAVAILABLE",
        )
        assert await snapshot() == before


async def test_under_application_json_a_refused_write_keeps_200(
    databases: DatabaseFactory, seeded_url: str
) -> None:
    editor, issue_id = await _editor_and_issue(seeded_url)
    async with (
        read_only(databases, seeded_url) as url,
        client_over(url, rate_limit=0) as http,
    ):
        response = await _refused_post(http, editor, issue_id, "application/json")

    assert response.status_code == 200
    assert "retry-after" not in response.headers
    assert response.json() == _unavailable(READ_ONLY, "read-only")


async def test_readyz_reports_a_read_only_database(
    databases: DatabaseFactory, seeded_url: str
) -> None:
    async with read_only(databases, seeded_url) as url, client_over(url) as http:
        response = await http.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "read-only"}


async def test_readyz_reports_a_writable_database_as_ready(seeded_url: str) -> None:
    async with client_over(seeded_url) as http:
        response = await http.get("/readyz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok"},
    )


@pytest.mark.sqlite_only  # a full PostgreSQL disk cannot be made here: see below
async def test_a_write_to_a_full_sqlite_database_is_503_and_writes_nothing(
    databases: DatabaseFactory, seeded_url: str
) -> None:
    # given a SQLite database with no free page that may not grow by one page
    editor, issue_id = await _editor_and_issue(seeded_url)
    path = seeded_url.removeprefix("sqlite://")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("VACUUM")
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
    async with client_over(f"{seeded_url}?max_page_count={pages}") as http:
        before = await snapshot()

        # when an editor posts an update too long to fit in the pages there are
        # (2,000 characters of 3 bytes each, more than a 4 KiB page)
        response = await _refused_post(
            http, editor, issue_id, GRAPHQL_RESPONSE, note="क" * 2_000
        )

        # then the client is told the database is full, and nothing changed
        assert response.status_code == 503
        assert response.json() == _unavailable(DISK_FULL, "disk-full")
        assert await snapshot() == before


class DiskFullError(Exception):
    """What asyncpg raises when PostgreSQL runs out of disk (SQLSTATE 53100)."""

    sqlstate = "53100"


async def disk_full(*args: Any, **kwargs: Any) -> Any:
    """Stand in for a write PostgreSQL refused for lack of space."""
    raise DiskFullError("could not extend file: No space left on device")


async def test_a_full_postgresql_disk_is_reported_by_its_sqlstate(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor, issue_id = await _editor_and_issue(seeded_url)
    monkeypatch.setattr(status_operations, "finish_with_entry", disk_full)
    async with client_over(seeded_url) as http:
        before = await snapshot()
        response = await _refused_post(http, editor, issue_id, GRAPHQL_RESPONSE)

        assert response.status_code == 503
        assert response.json() == _unavailable(DISK_FULL, "disk-full")
        assert await snapshot() == before


@pytest.mark.postgres_only  # roles and privileges are PostgreSQL's
async def test_a_role_that_may_only_read_is_told_so(
    databases: DatabaseFactory, seeded_url: str
) -> None:
    # given a role that may read every table and write none
    editor, issue_id = await _editor_and_issue(seeded_url)
    async with read_only_role(databases, seeded_url) as url:
        async with client_over(url, rate_limit=0) as http:
            before = await snapshot()

            # when an editor posts through a service connected as that role
            response = await _refused_post(http, editor, issue_id, GRAPHQL_RESPONSE)
            ready = await http.get("/readyz")

            # then the write is refused as unavailable, and readiness says why
            assert response.status_code == 503
            assert response.json() == _unavailable(NO_PRIVILEGE, "permission-denied")
            assert await snapshot() == before
        assert (ready.status_code, ready.json()) == (
            503,
            {"status": "unavailable", "database": "permission-denied"},
        )
