"""Kept answers replayed in one layer (api.transport.replays): the same bytes for
the same request while the data holds, with authentication, the request id, the
rate-limit charge, the generation read, metrics and the log line every time."""

import json
from typing import Any

import httpx
from starlette.applications import Starlette
from tortoise.context import TortoiseContext

from api.app import create_app
from api.guards.auth import ANONYMOUS
from api.settings import Settings
from api.transport.replays import KeptAnswer, Replay, Replays
from tests.api.feed import post_update
from tests.api.graphql import gql_data
from tests.api.test_metrics import requests, scrape
from tests.api.test_response_cache import (
    BOARD,
    TODAY,
    VIEWER,
    app,
    endpoint_of,
    flights,
    http,
    in_process,
)
from tests.conftest import EventRecorder, QueryCounter, Tokens

__all__ = ["app", "flights", "http"]  # fixtures shared with the cache's tests
GENERATION_READ = "SELECT value FROM data_generation WHERE id = 1"


def _post(http: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> Any:
    return http.post(
        "/graphql",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", **headers},
    )


async def test_a_repeated_request_is_replayed_as_first_sent(
    app: Starlette, http: httpx.AsyncClient, sql_queries: QueryCounter
) -> None:
    # given a board asked for once
    body = {"query": BOARD, "variables": {"first": 5}}
    first = await _post(http, body)
    before = sql_queries.count

    # when the same request comes again, with a request id of its own
    again = await _post(http, body, **{"X-Request-ID": "replayed-1"})

    # then the same bytes come back, under its own request id, and only the data
    # generation was read for it
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["X-Request-ID"] == "replayed-1"
    assert first.headers["X-Request-ID"] != "replayed-1"
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert sql_queries.statements[before:] == [GENERATION_READ]
    assert endpoint_of(app).cache.hits == 1
    assert app.state.replays.sent == 1


async def test_a_write_moves_a_replayed_board_on(
    app: Starlette, http: httpx.AsyncClient, tokens: Tokens, flights: str
) -> None:
    # given a board replayed once
    body = {"query": BOARD, "variables": {"first": 50}}
    await _post(http, body)
    await _post(http, body)
    assert app.state.replays.sent == 1

    # when an editor posts an update
    update_id = await post_update(
        http, tokens.editor, flights, "Replays end here.", occurredOn=TODAY
    )

    # then the same request bytes answer with it
    board = (await _post(http, body)).json()["data"]["issues"]["nodes"]
    latest = {issue["slug"]: issue["latestUpdate"] for issue in board}
    assert latest["direct-flights"]["id"] == update_id
    assert latest["direct-flights"]["note"] == "Replays end here."


async def test_a_replay_is_never_sent_to_another_viewer(
    app: Starlette, http: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given the viewer's answer replayed to a reader
    reader = {"Authorization": f"Bearer {tokens.reader}"}
    await _post(http, {"query": VIEWER}, **reader)
    await _post(http, {"query": VIEWER}, **reader)

    # when an editor and an anonymous client send the same body
    editor = await _post(
        http, {"query": VIEWER}, Authorization=f"Bearer {tokens.editor}"
    )
    anonymous = await _post(http, {"query": VIEWER})

    # then each gets its own
    assert editor.json()["data"]["viewer"] == {"name": "editor", "role": "EDITOR"}
    assert anonymous.json()["data"]["viewer"] == {"name": None, "role": "ANONYMOUS"}
    assert endpoint_of(app).cache.hits == 1
    assert app.state.replays.sent == 1


async def test_a_revoked_token_is_refused_where_its_answer_was_replayed(
    http: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given a reader's answer replayed
    reader = {"Authorization": f"Bearer {tokens.reader}"}
    await _post(http, {"query": VIEWER}, **reader)
    assert (await _post(http, {"query": VIEWER}, **reader)).status_code == 200

    # when the token is revoked
    revoke = 'mutation { tokenRevoke(input: {name: "reader"}) { __typename } }'
    await gql_data(http, revoke, token=tokens.admin)

    # then the same request is refused
    refused = await _post(http, {"query": VIEWER}, **reader)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_compressed_replay_decodes_to_the_same_answer(
    app: Starlette, http: httpx.AsyncClient
) -> None:
    # given a board large enough to compress, asked for in gzip twice
    body = {"query": BOARD, "variables": {"first": 20}}
    plain = await _post(http, body, **{"Accept-Encoding": "identity"})
    first = await _post(http, body, **{"Accept-Encoding": "gzip"})
    again = await _post(http, body, **{"Accept-Encoding": "gzip"})

    # then the replay is the gzip body as first sent, and decodes to the answer
    assert again.headers["Content-Encoding"] == "gzip"
    assert again.headers["Vary"] == first.headers["Vary"]
    assert json.loads(again.content) == plain.json()  # httpx decoded the gzip
    assert endpoint_of(app).cache.hits == 2
    assert app.state.replays.sent == 1


async def test_a_replay_is_charged_logged_and_counted(
    seeded_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an app whose budget takes two small queries, not three
    app = create_app(Settings(rate_limit=2), manage_database=False, publish=events)
    async with in_process(app) as http:
        before = await scrape(http)
        answers = [
            await _post(http, {"query": "query Tiny { __typename }"}) for _ in range(3)
        ]
        after = await scrape(http)

    # then the replayed second answer carried the client's budget, the third was
    # refused at arrival, and both were counted as the whole stack counts them
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[1].headers["RateLimit-Remaining"] == "0"
    assert answers[2].headers["Retry-After"]
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (
        requests(after, "Tiny", "query", "ok") - requests(before, "Tiny", "query", "ok")
        == 2
    )


async def test_a_conditional_request_is_answered_by_the_whole_stack(
    app: Starlette, http: httpx.AsyncClient
) -> None:
    # given a GET answer replayed once
    params = {"query": "query Slugs { issues(first: 2) { nodes { slug } } }"}
    first = await http.get("/graphql", params=params)
    again = await http.get("/graphql", params=params)
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    assert app.state.replays.sent == 1

    # when the client revalidates its copy
    revalidated = await http.get(
        "/graphql", params=params, headers={"If-None-Match": first.headers["ETag"]}
    )

    # then it gets 304 Not Modified with the tag
    assert revalidated.status_code == 304
    assert revalidated.headers["ETag"] == first.headers["ETag"]
    assert app.state.replays.sent == 1


async def test_nothing_is_replayed_with_the_cache_off(
    seeded_db: TortoiseContext, sql_queries: QueryCounter
) -> None:
    # given an app without a response cache
    app = create_app(Settings(response_cache_entries=0), manage_database=False)
    async with in_process(app) as http:
        # when the same board is asked twice
        body = {"query": BOARD, "variables": {"first": 3}}
        await _post(http, body)
        before = sql_queries.count
        await _post(http, body)

    # then the second ran again
    assert GENERATION_READ not in sql_queries.statements[before:]
    assert sql_queries.count - before > 1
    assert endpoint_of(app).cache.hits == 0
    assert app.state.replays.sent == 0


def _replay(body: bytes) -> Replay:
    return Replay(KeptAnswer(1, ANONYMOUS, 1, "Board", "query"), 200, [], body)


def test_replays_are_bounded_in_entries_and_bytes() -> None:
    replays = Replays(entries=2, max_bytes=100)
    replays.put((b"a",), _replay(b"x" * 10))
    replays.put((b"b",), _replay(b"x" * 10))
    replays.put((b"c",), _replay(b"x" * 10))
    assert replays.get((b"a",)) is None
    assert len(replays) == 2

    replays.put((b"d",), _replay(b"x" * 90))
    assert len(replays) == 1
    assert replays.bytes == 91

    replays.put((b"e",), _replay(b"x" * 200))  # larger than the bound: not kept
    assert replays.get((b"e",)) is None
    assert replays.bytes == 91
