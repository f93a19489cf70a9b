"""What one more subscriber costs: delivering updates to 1 and to N; prints ratios.

Run: .venv/bin/python -m bench.fan_out [--subscribers 200] [--updates 50]
     [--database postgres://postgres@127.0.0.1:5432/bench]

Serves the app with uvicorn on a free port over a throw-away SQLite database (or the
given PostgreSQL database, migrated and seeded if empty), opens N graphql-transport-ws
connections each subscribed to every update, posts a burst of updates and times
until every subscriber holds every update. The same is done with one subscriber, in
the same run, and the ratio of time per delivery is printed: far below N means the
feed is read once per process, not once per subscriber.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import websockets

from api.app import create_app
from api.cli.main import prepare_database
from api.core.relay import global_id
from api.settings import Settings
from models.database import open_database
from models.enums import TokenRole
from models.issue import Issue
from models.tokens import create_token
from tests.live import serving

WATCH = "subscription { statusUpdates { id status previousStatus issue { slug } } }"
POST = """mutation($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename } }"""


async def _subscribe(stack: AsyncExitStack, url: str) -> websockets.ClientConnection:
    ws = await stack.enter_async_context(
        websockets.connect(
            url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        )
    )
    await ws.send(json.dumps({"type": "connection_init"}))
    await ws.recv()
    payload = {"query": WATCH}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return ws


async def _drain(ws: websockets.ClientConnection, count: int) -> None:
    for _ in range(count):
        await ws.recv()


async def _burst(
    base: str, token: str, issue: str, subscribers: int, updates: int
) -> float:
    """Seconds from the first post until every subscriber holds every update."""
    async with AsyncExitStack() as stack, httpx.AsyncClient(base_url=base) as http:
        url = base.replace("http://", "ws://") + "/graphql"
        sockets = [await _subscribe(stack, url) for _ in range(subscribers)]
        await asyncio.sleep(0.5)  # let every subscription reach the hub
        started = time.perf_counter()
        draining = [asyncio.create_task(_drain(ws, updates)) for ws in sockets]
        for n in range(updates):
            given = {
                "issueId": issue,
                "status": "IN_PROGRESS",
                "occurredOn": "2026-01-01",
                "note": f"Bench {n}.",
            }
            await http.post(
                "/graphql",
                json={"query": POST, "variables": {"input": given}},
                headers={"Authorization": f"Bearer {token}"},
            )
        await asyncio.gather(*draining)
        return time.perf_counter() - started


async def run(
    database: str | None, subscribers: int, updates: int, rounds: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = database or f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await prepare_database(url)
        async with open_database(url):
            name = f"bench-{time.time_ns()}"
            token = (await create_token(name, TokenRole.EDITOR, actor="bench")).secret
            row = await Issue.get(slug="border-peace-normalisation")
            issue = global_id("Issue", row.pk)
            app = create_app(
                Settings(database_url=url, rate_limit=0), manage_database=False
            )
            async with serving(app) as base:
                one = [
                    await _burst(base, token, issue, 1, updates) for _ in range(rounds)
                ]
                many = [
                    await _burst(base, token, issue, subscribers, updates)
                    for _ in range(rounds)
                ]
    per_one = statistics.median(one) / updates
    per_many = statistics.median(many) / (updates * subscribers)
    print(f"{updates} updates; median of {rounds} rounds; {url.split(':')[0]}")
    print(f"1 subscriber: {statistics.median(one):.2f}s for {updates} deliveries")
    print(
        f"{subscribers} subscribers: {statistics.median(many):.2f}s for "
        f"{updates * subscribers} deliveries"
    )
    print(
        f"time per delivery, {subscribers} subscribers / 1: {per_many / per_one:.2f}x"
    )
    print(
        f"time per update, {subscribers} subscribers / 1: "
        f"{statistics.median(many) / statistics.median(one):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--updates", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    asyncio.run(run(args.database, args.subscribers, args.updates, args.rounds))


if __name__ == "__main__":
    main()
