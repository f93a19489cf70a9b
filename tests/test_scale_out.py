"""Several server processes over one PostgreSQL: events cross between them.

Each server here is a process of its own, started as a worker is
(`uvicorn api.app:app_from_environment --factory`), on a free port.
"""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack

import asyncpg
import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from api.live.bus import LISTENER_NAME
from models.api_token import ApiToken
from models.config import normalise_url
from models.database import fetch_all, open_database
from models.feed import FEED_CHANNEL
from models.feed_entry import FeedEntry
from models.issue import Issue
from models.status_update import StatusUpdate
from tests.api.feed import SUBSCRIBE, event_ids, post_update
from tests.api.graphql import SEED, gql, seed_issues, seed_updates
from tests.conftest import Tokens
from tests.databases import DatabaseFactory
from tests.live import free_port, graphql_socket, server_process, wait_until_ready

# Several processes share one database: PostgreSQL, with real commits.
pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]

DELIVERY_SECONDS = 1.0
REFUSED_WRITE = """mutation Refused($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename } }"""
UPDATES = 5


@pytest.fixture
def two_servers(
    seeded_db: TortoiseContext, seeded_url: str
) -> Iterator[tuple[str, str]]:
    """Processes A and B on free ports over the test's database."""
    with ExitStack() as stack:
        yield (
            stack.enter_context(server_process(seeded_url)),
            stack.enter_context(server_process(seeded_url)),
        )


@pytest.fixture
async def issue_id(seeded_db: TortoiseContext) -> str:
    """A seeded issue to post to."""
    return global_id("Issue", (await Issue.get(slug="lac-disengagement")).pk)


@pytest.fixture
async def last_seen(seeded_db: TortoiseContext) -> str:
    """The newest seeded update: subscribing after it waits for new ones only."""
    newest = await StatusUpdate.all().order_by("-id").first()
    assert newest is not None
    return global_id("StatusUpdate", newest.pk)


@pytest.fixture
async def http_b(two_servers: tuple[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """A client of process B."""
    async with httpx.AsyncClient(base_url=two_servers[1]) as http:
        yield http


async def listeners() -> list[dict[str, object]]:
    """The event listeners' connections to this database."""
    return await fetch_all(
        "SELECT pid FROM pg_stat_activity "
        "WHERE application_name = $1 AND datname = current_database()",
        [LISTENER_NAME],
    )


async def test_updates_posted_on_one_process_reach_subscribers_on_another(
    two_servers: tuple[str, str],
    http_b: httpx.AsyncClient,
    tokens: Tokens,
    issue_id: str,
    last_seen: str,
) -> None:
    server_a, _ = two_servers
    async with graphql_socket(server_a) as ws:
        # given a client subscribed on process A
        await ws.subscribe("all", SUBSCRIBE, {"after": last_seen})

        # when five updates are posted through process B, one after another
        posted, received, latencies = [], [], []
        for n in range(UPDATES):
            posted.append(await post_update(http_b, tokens.editor, issue_id, f"{n}."))
            answered = time.perf_counter()
            # then each reaches A within a second of B's response, in order
            received.append(await ws.data(seconds=DELIVERY_SECONDS))
            latencies.append(time.perf_counter() - answered)

    assert event_ids(received) == posted
    print(f"\nB's response to A's event: at most {max(latencies) * 1000:.1f} ms")


async def test_resubscribing_with_after_receives_exactly_what_was_missed(
    two_servers: tuple[str, str],
    http_b: httpx.AsyncClient,
    tokens: Tokens,
    issue_id: str,
    last_seen: str,
) -> None:
    server_a, _ = two_servers
    # given a client on A that saw one update, then disconnected
    async with graphql_socket(server_a) as ws:
        await ws.subscribe("all", SUBSCRIBE, {"after": last_seen})
        seen = await post_update(http_b, tokens.editor, issue_id, "Seen.")
        assert event_ids([await ws.data()]) == [seen]
    missed = [
        await post_update(http_b, tokens.editor, issue_id, f"Missed {n}.")
        for n in range(3)
    ]

    async with graphql_socket(server_a) as ws:
        # when it resubscribes after the update it saw, and one more is posted
        await ws.subscribe("again", SUBSCRIBE, {"after": seen})
        replayed = [await ws.data() for _ in missed]
        live = await post_update(http_b, tokens.editor, issue_id, "Live.")

        # then it gets exactly the three it missed, then the live one, no more
        assert event_ids(replayed) == missed
        assert event_ids([await ws.data(seconds=DELIVERY_SECONDS)]) == [live]
        with pytest.raises(TimeoutError):
            await ws.receive(0.3)


async def test_updates_still_arrive_after_the_listener_connections_are_killed(
    two_servers: tuple[str, str],
    http_b: httpx.AsyncClient,
    tokens: Tokens,
    issue_id: str,
    last_seen: str,
) -> None:
    server_a, _ = two_servers
    async with graphql_socket(server_a) as ws:
        # given a subscriber on A, which has received one update
        await ws.subscribe("all", SUBSCRIBE, {"after": last_seen})
        before = await post_update(http_b, tokens.editor, issue_id, "Before.")
        assert event_ids([await ws.data()]) == [before]

        # when every listener connection is terminated by the server
        killed = await fetch_all(
            "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity "
            "WHERE application_name = $1 AND datname = current_database()",
            [LISTENER_NAME],
        )
        # and updates are posted straight away, while the listeners reconnect
        posted = [
            await post_update(http_b, tokens.editor, issue_id, f"After {n}.")
            for n in range(3)
        ]

        # then all of them still arrive, in order, none missing
        received = [await ws.data(seconds=10) for _ in posted]

    assert [row["killed"] for row in killed] == [True, True]
    assert event_ids(received) == posted
    for _ in range(200):  # both processes listen again
        if len(await listeners()) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(await listeners()) == 2


def test_serve_with_workers_prepares_the_database_once_then_starts_them(
    databases: DatabaseFactory, database_url: str
) -> None:
    # given an empty PostgreSQL database
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, "-m", "api.cli", "serve", "--workers", "2"]

    # when `bilateral serve --workers 2` starts
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process)
        counted = asyncio.run(count_rows_and_listeners(database_url))
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)

    # then it seeded once, before two workers each started listening
    issues, updates = len(seed_issues()), len(seed_updates())
    positions, meetings = len(SEED["positions"]), len(SEED["meetings"])
    assert output.splitlines()[0] == (
        f"seeded {issues} issues, {updates} updates, {positions} positions, "
        f"{meetings} meetings"
    )
    assert counted == (issues, updates, 2)


async def count_rows_and_listeners(url: str) -> tuple[int, int, int]:
    """Issues, updates and listener connections in a database (polled briefly)."""
    async with open_database(url):
        for _ in range(200):
            if len(await listeners()) >= 2:
                break
            await asyncio.sleep(0.05)
        return (
            await Issue.all().count(),
            await StatusUpdate.all().count(),
            len(await listeners()),
        )


async def test_a_token_revoked_on_the_command_line_ends_its_streams_everywhere(
    seeded_db: TortoiseContext,
    seeded_url: str,
    tokens: Tokens,
    issue_id: str,
    last_seen: str,
) -> None:
    # given two processes whose periodic token check is out of the way, so that
    # only the event bus can carry the revocation, and a reader subscribed on each
    quiet = {"BILATERAL_TOKEN_CHECK_SECONDS": "3600"}
    auth = {"authorization": f"Bearer {tokens.reader}"}
    with ExitStack() as stack:
        a, b = (stack.enter_context(server_process(seeded_url, quiet)) for _ in "ab")
        async with (
            graphql_socket(a, payload=auth) as on_a,
            graphql_socket(b, payload=auth) as on_b,
            httpx.AsyncClient(base_url=b) as http,
        ):
            for ws in (on_a, on_b):
                await ws.subscribe("s", SUBSCRIBE, {"after": last_seen})
            seen = await post_update(http, tokens.editor, issue_id, "Seen.")
            for ws in (on_a, on_b):
                assert event_ids([await ws.data()]) == [seen]

            # when `bilateral token revoke reader` runs in a third process
            revoked = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "api.cli", "token", "revoke", "reader"],
                env={**os.environ, "DATABASE_URL": seeded_url},
                capture_output=True,
                text=True,
            )
            ended = [await ws.receive(seconds=2.0) for ws in (on_a, on_b)]
            arrived = time.time()
            completed = [await ws.receive() for ws in (on_a, on_b)]
            await on_a.subscribe("after", "{ viewer { name } }")
            refused = await on_a.receive()

    # then both streams end within 2 s of the revocation, and the connection
    # that is still open is refused its next operation
    assert revoked.returncode == 0, revoked.stderr
    token = await ApiToken.get(name="reader")
    assert token.revoked_at is not None
    elapsed = arrived - token.revoked_at.timestamp()
    codes = [e["payload"]["errors"][0]["extensions"]["code"] for e in ended]
    assert codes == ["UNAUTHENTICATED", "UNAUTHENTICATED"]
    assert completed == [{"id": "s", "type": "complete"}] * 2
    assert elapsed < 2.0
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    print(f"\nrevocation to the end of both streams: {elapsed * 1000:.0f} ms")


async def test_a_write_is_announced_once_as_it_commits_and_a_refusal_never(
    seeded_db: TortoiseContext,
    seeded_url: str,
    tokens: Tokens,
    issue_id: str,
) -> None:
    heard: list[str] = []
    listener = await asyncpg.connect(
        normalise_url(seeded_url).replace("postgres://", "postgresql://")
    )
    await listener.add_listener(FEED_CHANNEL, lambda *args: heard.append(args[-1]))
    try:
        with server_process(seeded_url) as server:
            async with httpx.AsyncClient(base_url=server) as http:
                # when an update is posted, then one with a stale version
                await post_update(http, tokens.editor, issue_id, "Announced.")
                await asyncio.sleep(DELIVERY_SECONDS / 2)
                refused = await gql(
                    http,
                    REFUSED_WRITE,
                    {
                        "input": {
                            "issueId": issue_id,
                            "status": "STALLED",
                            "occurredOn": "2024-01-01",
                            "note": "Stale.",
                            "expectedVersion": 1,
                        }
                    },
                    tokens.editor,
                )
                await asyncio.sleep(DELIVERY_SECONDS / 2)
    finally:
        await listener.close()

    # then the write's own statement announced its feed entry, once, and the
    # refused write nothing
    assert refused["data"]["issueUpdateStatus"]["__typename"] == "VersionConflictError"
    newest = await FeedEntry.all().order_by("-id").first()
    assert newest is not None
    assert heard == [str(newest.id)]
