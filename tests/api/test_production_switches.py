"""Production switches: introspection (and its suggestions) off, CORS origins."""

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings
from tests.api.graphql import post_document
from tests.live import graphql_socket, serving

CLOSED = Settings(introspection=False)


def messages(response: httpx.Response) -> list[str]:
    """The messages of a response's errors."""
    return [error["message"] for error in response.json()["errors"]]


@pytest.mark.parametrize("settings", [CLOSED])
async def test_with_introspection_off_the_schema_cannot_be_read(
    client: httpx.AsyncClient,
) -> None:
    # when a client asks for the schema and for a type
    schema = await post_document(client, "{ __schema { types { name } } }")
    one_type = await post_document(client, '{ __type(name: "Issue") { name } }')
    typename = await post_document(client, "{ viewer { __typename } }")

    # then both are refused before running; __typename still answers
    assert (schema.status_code, one_type.status_code) == (400, 400)
    assert messages(schema) == [
        "GraphQL introspection has been disabled, but the requested query contained "
        f"the field '{field}'."
        for field in ("__schema", "types")
    ]
    assert messages(one_type) == [
        "GraphQL introspection has been disabled, but the requested query contained "
        "the field '__type'."
    ]
    assert typename.json() == {"data": {"viewer": {"__typename": "Viewer"}}}


@pytest.mark.parametrize(
    ("query", "variables", "with_suggestion"),
    [
        (
            "{ isues { totalCount } }",
            None,
            "Cannot query field 'isues' on type 'Query'. Did you mean 'issues' or "
            "'nodes'?",
        ),
        (
            "query($s: [IssueStatus!]) { issues(filter: { status: $s }) "
            "{ totalCount } }",
            {"s": ["RESOLVD"]},
            "Variable '$s' has invalid value at [0]: Value 'RESOLVD' does not exist "
            "in 'IssueStatus' enum. Did you mean the enum value 'RESOLVED'?",
        ),
    ],
    ids=["field", "enum-variable"],
)
@pytest.mark.parametrize("settings", [Settings(), CLOSED], ids=["open", "closed"])
async def test_suggestions_are_hidden_only_when_introspection_is_off(
    client: httpx.AsyncClient,
    settings: Settings,
    query: str,
    variables: dict[str, object] | None,
    with_suggestion: str,
) -> None:
    # when a document with a near-miss is posted
    response = await post_document(client, query, variables)

    # then the hint names the schema only while introspection is on
    expected = with_suggestion
    if not settings.introspection:
        expected = with_suggestion[: with_suggestion.index(" Did you mean")]
    assert messages(response) == [expected]


async def test_with_introspection_off_websocket_errors_hide_suggestions_too(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    settings = Settings(database_url=seeded_url, introspection=False)
    async with (
        serving(create_app(settings, manage_database=False)) as base,
        graphql_socket(base) as ws,
    ):
        # when a subscription with a misspelt field is sent
        await ws.subscribe("1", "subscription { statusUpdates { nte } }")
        reply = await ws.receive()

    # then the error names the field but suggests nothing
    assert reply["type"] == "error"
    assert [e["message"] for e in reply["payload"]] == [
        "Cannot query field 'nte' on type 'StatusUpdate'."
    ]


BOARD = "https://board.example"


@pytest.mark.parametrize("settings", [Settings(cors_origins=(BOARD,))])
async def test_listed_origins_pass_the_cors_preflight_and_read(
    client: httpx.AsyncClient,
) -> None:
    # when a page on a listed origin sends a preflight, then a query
    preflight = await client.options(
        "/graphql",
        headers={
            "Origin": BOARD,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    read = await client.post(
        "/graphql", json={"query": "{ viewer { role } }"}, headers={"Origin": BOARD}
    )

    # then both carry the CORS headers for that origin
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == BOARD
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert read.headers["access-control-allow-origin"] == BOARD
    assert "x-request-id" in read.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize(
    "settings",
    [Settings(cors_origins=(BOARD,)), Settings()],
    ids=["other-origin", "no-origins"],
)
async def test_unlisted_origins_get_no_cors_headers(
    client: httpx.AsyncClient,
) -> None:
    # when a page on an unlisted origin sends a preflight, then a query
    preflight = await client.options(
        "/graphql",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
        },
    )
    read = await client.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Origin": "https://evil.example"},
    )

    # then the browser is given no permission to read the answer
    assert preflight.status_code in (400, 405)
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in read.headers


def test_the_switches_come_from_the_environment() -> None:
    settings = Settings.from_environment(
        {
            "BILATERAL_INTROSPECTION": "false",
            "BILATERAL_GRAPHIQL": "false",
            "BILATERAL_CORS_ORIGINS": f"{BOARD}, https://other.example",
            "BILATERAL_RATE_LIMIT": "0",
            "BILATERAL_MAX_NODES": "500",
            "BILATERAL_REQUEST_TIMEOUT_SECONDS": "2.5",
            "BILATERAL_STATEMENT_TIMEOUT_MS": "0",
        }
    )

    assert (settings.introspection, settings.graphiql) == (False, False)
    assert settings.cors_origins == (BOARD, "https://other.example")
    assert (settings.rate_limit, settings.limits.nodes) == (0, 500)
    assert settings.request_timeout_seconds == 2.5
    assert settings.statement_timeout_ms == 0
