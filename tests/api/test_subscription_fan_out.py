"""Many subscribers on one process each receive every update of a burst."""

import asyncio
import time
from contextlib import AsyncExitStack

import httpx
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.live.hub import Hub
from api.settings import Settings
from models.issue import Issue
from tests.api.feed import SUBSCRIBE, event_ids, post_update
from tests.conftest import QueryCounter, Tokens
from tests.live import GraphQLSocket, eventually, graphql_socket, serving

SUBSCRIBERS = 200
BURST = 50


async def receive_all(ws: GraphQLSocket) -> list[str]:
    """The ids of the next BURST events on one connection."""
    return event_ids([await ws.data(seconds=60) for _ in range(BURST)])


async def test_200_subscribers_each_receive_a_burst_of_50_updates(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    app = create_app(Settings(database_url=seeded_url), manage_database=False)
    hub: Hub = app.state.services.hub
    issue = await Issue.get(slug="border-peace-normalisation")
    async with serving(app) as base, AsyncExitStack() as stack:
        # given 200 clients, each on its own connection, subscribed to everything
        sockets = [
            await stack.enter_async_context(graphql_socket(base))
            for _ in range(SUBSCRIBERS)
        ]
        for ws in sockets:
            await ws.subscribe("all", SUBSCRIBE)
        await eventually(lambda: len(hub.subscribers) == SUBSCRIBERS, seconds=30)

        # when an editor posts 50 updates in a row
        started = time.perf_counter()
        receiving = [asyncio.create_task(receive_all(ws)) for ws in sockets]
        async with httpx.AsyncClient(base_url=base) as http:
            posted = [
                await post_update(
                    http, tokens.editor, global_id("Issue", issue.pk), f"Burst {n}."
                )
                for n in range(BURST)
            ]
        received = await asyncio.gather(*receiving)
        elapsed = time.perf_counter() - started

    # then every subscriber received all 50, in the order they were posted
    assert all(ids == posted for ids in received)
    print(
        f"\n{SUBSCRIBERS} subscribers x {BURST} updates: "
        f"{SUBSCRIBERS * BURST} deliveries in {elapsed:.2f}s"
    )


async def statements_to_deliver_one_update(
    seeded_url: str, editor: str, subscribers: int, sql_queries: QueryCounter
) -> int:
    """SQL statements run between posting one update and its delivery to all."""
    app = create_app(Settings(database_url=seeded_url), manage_database=False)
    hub: Hub = app.state.services.hub
    issue = await Issue.get(slug="border-peace-normalisation")
    async with (
        serving(app) as base,
        AsyncExitStack() as stack,
        httpx.AsyncClient(base_url=base) as http,
    ):
        sockets = [
            await stack.enter_async_context(graphql_socket(base))
            for _ in range(subscribers)
        ]
        for ws in sockets:
            await ws.subscribe("all", SUBSCRIBE)
        await eventually(lambda: len(hub.subscribers) == subscribers)
        counts = []
        for note in ("Warm-up: every stream now waits on its queue.", "Counted."):
            sql_queries.statements.clear()
            await post_update(http, editor, global_id("Issue", issue.pk), note)
            for ws in sockets:
                await ws.data()
            counts.append(sql_queries.count)
        return counts[-1]


async def test_delivering_an_update_costs_the_same_sql_for_1_or_25_subscribers(
    seeded_db: TortoiseContext,
    seeded_url: str,
    tokens: Tokens,
    sql_queries: QueryCounter,
) -> None:
    # when one update is delivered to 1 subscriber, then to 25
    one = await statements_to_deliver_one_update(
        seeded_url, tokens.editor, 1, sql_queries
    )
    many = await statements_to_deliver_one_update(
        seeded_url, tokens.editor, 25, sql_queries
    )

    # then the hub read the feed once for all of them, and each subscriber's
    # `issue` and `previousStatus` came from that read
    assert one == many
