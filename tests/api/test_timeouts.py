"""A request that runs too long is cancelled; PostgreSQL statements time out too."""

import asyncio
from typing import Any

import httpx
import pytest
from tortoise import connections
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from api.schema import query as schema_module
from api.settings import Settings
from models import status_operations
from models.config import tortoise_config
from models.issue import Issue
from tests.api.feed import POST
from tests.conftest import Tokens
from tests.snapshots import snapshot

FAST = Settings(request_timeout_seconds=0.2)
TIMED_OUT = (
    "The request ran longer than 0.2 s and was cancelled. A write either committed "
    "whole or not at all: retry it with its idempotency key."
)


async def stall(*args: Any, **kwargs: Any) -> Any:
    """Stand in for a slow step."""
    await asyncio.sleep(30)


@pytest.mark.parametrize("settings", [FAST])
async def test_a_slow_query_is_cancelled_with_a_clear_error(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a query whose resolver would take 30 s
    monkeypatch.setattr(schema_module, "status_counts", stall)

    # when it is asked for
    async with asyncio.timeout(10):
        response = await client.post(
            "/graphql", json={"query": "{ statusCounts { status count } }"}
        )

    # then it is cancelled after the configured time, with TIMEOUT
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [{"message": TIMED_OUT, "extensions": {"code": "TIMEOUT"}}],
    }


@pytest.mark.parametrize("settings", [FAST])
async def test_a_cancelled_mutation_writes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a status update whose transaction would stall after its first writes
    issue = await Issue.get(slug="border-peace-normalisation")
    before = await snapshot()
    monkeypatch.setattr(status_operations, "finish_with_entry", stall)

    # when it is posted
    given = {
        "issueId": global_id("Issue", issue.pk),
        "status": "STALLED",
        "occurredOn": "2026-01-01",
        "note": "Too slow.",
    }
    async with asyncio.timeout(10):
        response = await client.post(
            "/graphql",
            json={"query": POST, "variables": {"input": given}},
            headers={"Authorization": f"Bearer {tokens.editor}"},
        )

    # then it is cancelled and its transaction rolled back
    assert response.json()["errors"][0]["extensions"] == {"code": "TIMEOUT"}
    assert await snapshot() == before


@pytest.mark.postgres_only  # statement timeouts are a PostgreSQL setting
async def test_postgresql_statements_carry_a_timeout(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    # given a database opened with a 100 ms statement timeout
    config = tortoise_config(seeded_url, pool_size=2, statement_timeout_ms=100)
    async with TortoiseContext() as context:
        await context.init(config=config)

        # when a statement runs longer
        with pytest.raises(Exception, match="statement timeout") as cancelled:
            await connections.get("default").execute_query("SELECT pg_sleep(2)")

        # then the server cancelled it; short statements still run
        rows = await connections.get("default").execute_query_dict("SELECT 1 AS one")
    assert getattr(cancelled.value, "sqlstate", None) == "57014"
    assert rows == [{"one": 1}]


class StatementCancelledError(Exception):
    """What the PostgreSQL driver raises for a statement over the timeout."""

    sqlstate = "57014"


async def cancelled_statement(*args: Any, **kwargs: Any) -> Any:
    """Stand in for a read PostgreSQL cancelled."""
    raise StatementCancelledError("canceling statement due to statement timeout")


async def test_a_cancelled_statement_reads_as_a_timeout_not_a_bug(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a read that PostgreSQL cancels for running too long
    monkeypatch.setattr(schema_module, "status_counts", cancelled_statement)

    # when it is asked for
    response = await client.post(
        "/graphql", json={"query": "{ statusCounts { status count } }"}
    )

    # then the client is told it timed out (not an internal error)
    (error,) = response.json()["errors"]
    assert (error["message"], error["extensions"]) == (
        "A database statement ran longer than the limit and was cancelled. Ask for "
        "less, or retry later.",
        {"code": "TIMEOUT"},
    )
