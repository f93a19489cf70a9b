"""The metrics of the live machinery: connections, subscriptions, events."""

import asyncio

import httpx
from tortoise.context import TortoiseContext

from tests.api.feed import SUBSCRIBE, post_update, running
from tests.conftest import Tokens
from tests.live import graphql_socket
from tests.metrics import sample

LIVE = (
    "bilateral_websocket_connections",
    "bilateral_subscriptions",
    "bilateral_events_delivered_total",
)


async def figures(http: httpx.AsyncClient) -> dict[str, float]:
    text = (await http.get("/metrics")).text
    found = {name: sample(text, name) for name in LIVE}
    found["watch"] = sample(
        text,
        "bilateral_requests_total",
        operation="Watch",
        type="subscription",
        outcome="ok",
        transport="websocket",
    )
    return found


async def settled(
    http: httpx.AsyncClient, before: dict[str, float]
) -> dict[str, float]:
    """The figures once the closed connection's stream has ended (a few ms)."""
    for _ in range(500):
        found = await figures(http)
        if (
            found["bilateral_websocket_connections"]
            == before["bilateral_websocket_connections"]
            and found["bilateral_subscriptions"] == before["bilateral_subscriptions"]
        ):
            return found
        await asyncio.sleep(0.01)
    return found


async def test_a_subscriber_is_counted_while_it_listens(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        before = await figures(live.http)
        async with graphql_socket(live.base) as ws:
            await ws.subscribe("all", SUBSCRIBE)
            await live.subscribed()
            listening = await figures(live.http)
            await post_update(live.http, tokens.editor, live.issue_id, "One.")
            await ws.data()
            delivered = await figures(live.http)
        after = await settled(live.http, before)

    connections, subscriptions, events = LIVE
    assert listening[connections] - before[connections] == 1
    assert listening[subscriptions] - before[subscriptions] == 1
    assert delivered[events] - before[events] == 1
    assert delivered["watch"] - before["watch"] == 1  # recorded at its first event
    assert after[connections] == before[connections]
    assert after[subscriptions] == before[subscriptions]
