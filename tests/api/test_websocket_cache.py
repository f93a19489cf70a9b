"""Queries over WebSocket share the response cache with HTTP, under its rules: the
same key (document, variables, viewer), the same generation read, the same charge."""

from tortoise.context import TortoiseContext

from tests.api.feed import post_update, running
from tests.api.test_response_cache import endpoint_of
from tests.conftest import Tokens
from tests.live import graphql_socket

LATEST = """query Latest {
  issues(first: 3, orderBy: {field: UPDATED_AT, direction: DESC}) {
    nodes { slug latestUpdate { note } }
  }
}"""
VIEWER = "query Me { viewer { name role } }"


async def test_a_websocket_query_is_answered_from_the_cache_until_a_write(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        cache = endpoint_of(live.app).cache
        # given a query answered over HTTP
        first = (await live.http.post("/graphql", json={"query": LATEST})).json()
        async with graphql_socket(live.base) as ws:
            # when the same query comes over WebSocket
            await ws.subscribe("again", LATEST)
            again = await ws.data()
            assert (await ws.receive())["type"] == "complete"

            # then it is the kept answer
            assert again == first["data"]
            assert cache.hits == 1

            # and after a write it is read afresh, and kept again
            await post_update(
                live.http, tokens.editor, live.issue_id, "Talks resumed at last."
            )
            await ws.subscribe("after", LATEST)
            after = await ws.data()
            await ws.receive()
            await ws.subscribe("kept", LATEST)
            kept = await ws.data()

        notes = [issue["latestUpdate"]["note"] for issue in after["issues"]["nodes"]]
        assert "Talks resumed at last." in notes
        assert kept == after
        assert cache.hits == 2


async def test_websocket_viewers_never_share_a_kept_answer(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        cache = endpoint_of(live.app).cache
        # given the viewer query kept for an editor's connection
        editor = {"authorization": f"Bearer {tokens.editor}"}
        async with graphql_socket(live.base, payload=editor) as ws:
            for name in ("first", "second"):
                await ws.subscribe(name, VIEWER)
                assert await ws.data() == {
                    "viewer": {"name": "editor", "role": "EDITOR"}
                }
                await ws.receive()
        assert cache.hits == 1

        # when an anonymous connection and a reader's ask the same
        async with graphql_socket(live.base) as ws:
            await ws.subscribe("anonymous", VIEWER)
            anonymous = await ws.data()
        reader = {"authorization": f"Bearer {tokens.reader}"}
        async with graphql_socket(live.base, payload=reader) as ws:
            await ws.subscribe("reader", VIEWER)
            read = await ws.data()

    # then each got its own answer
    assert anonymous == {"viewer": {"name": None, "role": "ANONYMOUS"}}
    assert read == {"viewer": {"name": "reader", "role": "READER"}}
    assert cache.hits == 1


async def test_a_kept_websocket_answer_is_charged_as_one_that_runs(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with running(seeded_url, rate_limit=3) as live:
        cache = endpoint_of(live.app).cache
        async with graphql_socket(live.base) as ws:
            # given a budget of three points and a query that costs one
            answers = []
            for name in ("one", "two", "three", "four"):
                await ws.subscribe(name, VIEWER)
                answers.append(await ws.receive())
                if answers[-1]["type"] == "next":
                    await ws.receive()  # complete

    # then the kept answers were charged, and the fourth is refused
    assert [answer["type"] for answer in answers] == ["next", "next", "next", "error"]
    assert answers[3]["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert cache.hits == 3  # found for the second, third and fourth
