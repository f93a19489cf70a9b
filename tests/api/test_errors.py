"""Unexpected errors are masked and logged with the request id; probes are honest."""

import logging

import httpx
import pytest

from api.app import create_app
from api.settings import Settings

STATUS_COUNTS = "{ statusCounts { status count } }"


async def test_an_unexpected_error_is_masked_and_logged_with_the_request_id(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError('relation "secret_table" does not exist')

    monkeypatch.setattr("api.schema.query.status_counts", broken)

    with caplog.at_level(logging.ERROR, logger="bilateral.api"):
        response = await client.post(
            "/graphql",
            json={"query": STATUS_COUNTS},
            headers={"X-Request-ID": "req-42"},
        )

    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": "An unexpected error occurred. Quote the request id when "
            "reporting it.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["statusCounts"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
        }
    ]
    assert "secret_table" not in response.text
    assert "req-42" in caplog.text
    assert "secret_table" in caplog.text  # the log keeps what the client may not see


async def test_readyz_is_503_when_the_database_is_unreachable(
    settings: Settings,
) -> None:
    app = create_app(settings, manage_database=False)  # no database opened at all
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        ready = await http.get("/readyz")
        alive = await http.get("/healthz")

    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "unreachable"}
    assert alive.status_code == 200


async def test_a_foreign_request_id_header_is_replaced(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "bad id; drop"})

    assert response.headers["x-request-id"] != "bad id; drop"
    assert len(response.headers["x-request-id"]) == 32


async def test_client_errors_are_not_logged_as_errors(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await client.post(
            "/graphql", json={"query": "{ issues(first: 500) { totalCount } }"}
        )

    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
