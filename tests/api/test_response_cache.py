"""The response cache: answers kept per document, variables and viewer, served only
while the data generation they were read at still holds."""

from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.settings import Settings, SettingsError
from api.transport.endpoint import GraphQLEndpoint
from models.issue import Issue
from tests.api.feed import post_update, retract_update
from tests.api.graphql import JSON, gql, gql_data
from tests.conftest import EventRecorder, QueryCounter, Tokens
from tests.live import server_process

BOARD = """
query Board($first: Int) {
  issues(first: $first, orderBy: {field: UPDATED_AT, direction: DESC}) {
    nodes {
      slug
      status
      latestUpdate { id status note }
      updates(first: 3, order: DESC) { nodes { id status occurredOn { text } } }
    }
  }
}
"""
VIEWER = "{ viewer { name role } }"
# Today: an update dated today is the latest of every seeded history.
TODAY = datetime.now(UTC).date().isoformat()
TOKENS = "{ tokens { name revokedAt } }"


def endpoint_of(app: Starlette) -> GraphQLEndpoint:
    """The `/graphql` endpoint of an app, to read its cache's figures."""
    for route in app.routes:
        found = getattr(route, "app", None)
        if isinstance(found, GraphQLEndpoint):
            return found
    raise AssertionError("no /graphql endpoint")


@pytest.fixture
def app(seeded_db: TortoiseContext, events: EventRecorder) -> Starlette:
    """The app with its response cache on (the default)."""
    return create_app(Settings(), manage_database=False, publish=events)


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of `app`."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def flights(seeded_db: TortoiseContext) -> str:
    """The global id of a seeded issue to write to."""
    return global_id("Issue", (await Issue.get(slug="direct-flights")).pk)


@asynccontextmanager
async def in_process(app: Starlette | Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app in this process (built from settings, if given those)."""
    if isinstance(app, Settings):
        app = create_app(app, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def board_of(data: JSON) -> dict[str, JSON]:
    """The board's issues by slug."""
    return {issue["slug"]: issue for issue in data["issues"]["nodes"]}


async def test_a_repeated_query_is_answered_from_the_cache(
    app: Starlette, http: httpx.AsyncClient, sql_queries: QueryCounter
) -> None:
    # given a board read once
    first = await gql_data(http, BOARD, {"first": 10})
    before = sql_queries.count

    # when it is read again
    again = await gql_data(http, BOARD, {"first": 10})

    # then the answer is the same, and only the data generation was read for it
    assert again == first
    assert sql_queries.statements[before:] == [
        "SELECT value FROM data_generation WHERE id = 1"
    ]
    assert endpoint_of(app).cache.hits == 1


async def test_a_write_through_the_api_is_read_at_once(
    http: httpx.AsyncClient, tokens: Tokens, flights: str
) -> None:
    # given a cached board
    await gql_data(http, BOARD, {"first": 50})

    # when an editor posts an update
    update_id = await post_update(
        http, tokens.editor, flights, "Flights resumed.", occurredOn=TODAY
    )

    # then the next read shows it
    board = board_of(await gql_data(http, BOARD, {"first": 50}))
    assert board["direct-flights"]["latestUpdate"]["id"] == update_id
    assert board["direct-flights"]["updates"]["nodes"][0]["id"] == update_id


async def test_a_retracted_update_leaves_a_cached_board(
    http: httpx.AsyncClient, tokens: Tokens, flights: str
) -> None:
    # given an update, and a cached board showing it
    update_id = await post_update(
        http, tokens.editor, flights, "Misreported.", occurredOn=TODAY
    )
    shown = board_of(await gql_data(http, BOARD, {"first": 50}))
    assert shown["direct-flights"]["latestUpdate"]["id"] == update_id

    # when it is retracted
    await retract_update(http, tokens.editor, update_id)

    # then the board no longer shows it anywhere
    board = board_of(await gql_data(http, BOARD, {"first": 50}))
    flights_now = board["direct-flights"]
    assert flights_now["latestUpdate"]["id"] != update_id
    assert update_id not in [u["id"] for u in flights_now["updates"]["nodes"]]


async def test_variables_roles_and_tokens_never_share_an_answer(
    app: Starlette, http: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given the same documents asked with other variables and by other viewers
    small = await gql_data(http, BOARD, {"first": 1})
    large = await gql_data(http, BOARD, {"first": 2})
    anonymous = await gql_data(http, VIEWER)
    reader = await gql_data(http, VIEWER, token=tokens.reader)
    editor = await gql_data(http, VIEWER, token=tokens.editor)

    # then each got its own answer
    assert len(small["issues"]["nodes"]) == 1
    assert len(large["issues"]["nodes"]) == 2
    assert anonymous == {"viewer": {"name": None, "role": "ANONYMOUS"}}
    assert reader == {"viewer": {"name": "reader", "role": "READER"}}
    assert editor == {"viewer": {"name": "editor", "role": "EDITOR"}}
    assert endpoint_of(app).cache.hits == 0


async def test_a_private_answer_is_never_served_to_another_token(
    app: Starlette, http: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given an admin's token list, cached
    await gql_data(http, TOKENS, token=tokens.admin)

    # when a reader and an anonymous client ask the same
    reader = await gql(http, TOKENS, token=tokens.reader)
    anonymous = await gql(http, TOKENS)

    # then both are refused rather than served the admin's answer
    assert reader["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] in (
        "FORBIDDEN",
        "UNAUTHENTICATED",
    )
    assert endpoint_of(app).cache.hits == 0


async def test_a_revoked_token_is_refused_even_for_a_cached_answer(
    http: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given a reader's cached answer
    await gql_data(http, VIEWER, token=tokens.reader)

    # when an admin revokes the reader's token
    revoke = 'mutation { tokenRevoke(input: {name: "reader"}) { __typename } }'
    await gql_data(http, revoke, token=tokens.admin)

    # then the reader's next request is refused
    response = await http.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {tokens.reader}"},
    )
    assert response.status_code == 401


async def test_a_rate_limit_answer_is_never_kept(
    seeded_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an app with a rate limit
    app = create_app(Settings(rate_limit=100), manage_database=False, publish=events)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        # when the budget is read twice
        document = "{ rateLimit { remaining } issues(first: 1) { totalCount } }"
        first = await gql_data(http, document)
        second = await gql_data(http, document)

    # then each answer is the request's own
    assert first["rateLimit"]["remaining"] > second["rateLimit"]["remaining"]
    assert endpoint_of(app).cache.hits == 0


async def test_a_cached_answer_is_charged_as_one_that_runs(
    seeded_db: TortoiseContext, events: EventRecorder
) -> None:
    # given a query's price, and an app whose budget pays for it twice, not thrice
    selection = "issues(first: 100) { nodes { updates(first: 10) { totalCount } } }"
    async with in_process(Settings()) as http:
        priced = await gql_data(http, f"{{ rateLimit {{ cost }} {selection} }}")
    cost = priced["rateLimit"]["cost"]
    app = create_app(
        Settings(rate_limit=2 * cost + 1), manage_database=False, publish=events
    )
    async with in_process(app) as http:
        # when it is asked three times
        answers = [
            await http.post("/graphql", json={"query": f"{{ {selection} }}"})
            for _ in range(3)
        ]

    # then the second came from the cache, and the third, found there too, is
    # refused: over the budget
    assert cost > 1
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert endpoint_of(app).cache.hits == 2


async def test_the_cache_can_be_switched_off(
    seeded_db: TortoiseContext, events: EventRecorder
) -> None:
    settings = Settings.from_environment({"BILATERAL_RESPONSE_CACHE": "off"})
    app = create_app(settings, manage_database=False, publish=events)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for _ in range(2):
            await gql_data(http, BOARD, {"first": 5})
    assert endpoint_of(app).cache.hits == 0
    assert len(endpoint_of(app).cache) == 0


@pytest.mark.parametrize(
    ("raw", "entries"), [("", 2_000), ("on", 2_000), ("off", 0), ("0", 0), ("50", 50)]
)
def test_the_cache_switch_reads_on_off_or_a_size(raw: str, entries: int) -> None:
    settings = Settings.from_environment({"BILATERAL_RESPONSE_CACHE": raw})
    assert settings.response_cache_entries == entries


@pytest.mark.parametrize("raw", ["maybe", "-1", "1.5"])
def test_the_cache_switch_refuses_what_it_does_not_understand(raw: str) -> None:
    with pytest.raises(SettingsError, match="BILATERAL_RESPONSE_CACHE"):
        Settings.from_environment({"BILATERAL_RESPONSE_CACHE": raw})


def test_the_cache_is_bounded_in_entries_and_bytes() -> None:
    from api.transport.response_cache import ResponseCache

    cache = ResponseCache(entries=2, max_bytes=200)
    for n in range(3):
        cache.put((f"q{n}", None, b"{}", None, None), 1, {"data": {"n": n}})
    assert len(cache) == 2
    assert cache.get(("q0", None, b"{}", None, None), 1) is None
    cache.put(("big", None, b"{}", None, None), 1, {"data": {"x": "y" * 500}})
    assert cache.get(("big", None, b"{}", None, None), 1) is None
    assert cache.bytes <= 200


@pytest.mark.commits  # two processes share the database
def test_a_write_through_one_process_is_read_through_another(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens, flights: str
) -> None:
    with ExitStack() as stack:
        a = stack.enter_context(server_process(seeded_url))
        b = stack.enter_context(server_process(seeded_url))
        with httpx.Client(base_url=a) as http_a, httpx.Client(base_url=b) as http_b:
            # given a board cached by process B (read twice: the second is a hit)
            query = {"query": BOARD, "variables": {"first": 50}}
            for _ in range(2):
                assert http_b.post("/graphql", json=query).status_code == 200

            # when a write is acknowledged by process A
            post = {
                "query": "mutation($input: IssueUpdateStatusInput!) { "
                "issueUpdateStatus(input: $input) { ... on IssueUpdateStatusSuccess "
                "{ update { id } } } }",
                "variables": {
                    "input": {
                        "issueId": flights,
                        "status": "RESOLVED",
                        "occurredOn": TODAY,
                        "note": "Resumed in full.",
                    }
                },
            }
            auth = {"Authorization": f"Bearer {tokens.editor}"}
            written = http_a.post("/graphql", json=post, headers=auth).json()
            update_id = written["data"]["issueUpdateStatus"]["update"]["id"]

            # then the very next read through process B shows it
            board = board_of(http_b.post("/graphql", json=query).json()["data"])
            assert board["direct-flights"]["latestUpdate"]["id"] == update_id
            assert board["direct-flights"]["status"] == "RESOLVED"
