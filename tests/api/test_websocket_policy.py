"""One policy on WebSocket as on HTTP: revocation, the budget, on a real server."""

import json
import time

from tortoise.context import TortoiseContext

from models.status_update import StatusUpdate
from models.tokens import revoke_token
from tests.api.feed import POST, SUBSCRIBE, Live, post_update, running
from tests.api.graphql import JSON
from tests.conftest import Tokens
from tests.live import GraphQLSocket, graphql_socket
from tests.snapshots import snapshot

VIEWER = "{ viewer { name role } }"
REVOKE = """
mutation Revoke($name: String!) {
  tokenRevoke(input: {name: $name}) { __typename }
}
"""


def refusal(operation: str, code: str, message: str) -> JSON:
    """The `error` message that ends one operation before it runs."""
    return {
        "id": operation,
        "type": "error",
        "payload": [{"message": message, "extensions": {"code": code}}],
    }


async def revoke_over_http(live: Live, admin: str, name: str) -> None:
    """Revoke a token with the tokenRevoke mutation."""
    response = await live.http.post(
        "/graphql",
        json={"query": REVOKE, "variables": {"name": name}},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert response.json() == {
        "data": {"tokenRevoke": {"__typename": "TokenRevokeSuccess"}}
    }


async def still_open(ws: GraphQLSocket) -> None:
    """The connection answers a ping: only operations were refused."""
    await ws.send({"type": "ping"})
    assert json.loads(await ws.connection.recv()) == {"type": "pong"}


def post_message(live: Live, note: str) -> JSON:
    given = {
        "issueId": live.issue_id,
        "status": "STALLED",
        "occurredOn": "2026-01-15",
        "note": note,
    }
    return {"query": POST, "variables": {"input": given}}


async def test_a_revoked_token_is_refused_on_a_connection_it_opened(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        auth = {"authorization": f"Bearer {tokens.editor}"}
        async with graphql_socket(live.base, payload=auth) as ws:
            # given an editor's connection that has read once
            await ws.subscribe("before", VIEWER)
            assert await ws.data() == {"viewer": {"name": "editor", "role": "EDITOR"}}
            await ws.receive()  # complete

            # when the token is revoked elsewhere, then it reads and writes again
            await revoke_token("editor")
            before = await snapshot()
            await ws.subscribe("read", VIEWER)
            read = await ws.receive()
            await ws.send(
                {"id": "write", "type": "subscribe", "payload": post_message(live, "x")}
            )
            write = await ws.receive()

            # then both are refused as for an unknown token, nothing is written,
            # and the connection stays open
            message = (
                "The token 'editor' has been revoked; connect again with an active one."
            )
            assert read == refusal("read", "UNAUTHENTICATED", message)
            assert write == refusal("write", "UNAUTHENTICATED", message)
            assert await snapshot() == before
            await still_open(ws)


async def test_a_token_revoked_through_the_api_ends_its_subscriptions_at_once(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    # given a reader's subscription, with the periodic token check out of the way
    async with running(seeded_url, token_check_seconds=3600.0) as live:
        auth = {"authorization": f"Bearer {tokens.reader}"}
        async with graphql_socket(live.base, payload=auth) as ws:
            await ws.subscribe("1", SUBSCRIBE)
            await live.subscribed()

            # when an admin revokes the token, and an editor posts straight after
            started = time.monotonic()
            await revoke_over_http(live, tokens.admin, "reader")
            await post_update(live.http, tokens.editor, live.issue_id, "After.")
            ended = await ws.receive(seconds=2.0)
            elapsed = time.monotonic() - started

    # then the subscription ends before that update is sent, well within 2 s
    assert ended["type"] == "next"
    assert ended["payload"]["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert elapsed < 2.0


async def test_websocket_operations_spend_the_same_budget_as_http(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with running(seeded_url, rate_limit=5) as live:
        # given an anonymous client that spent 3 of its 5 points over HTTP
        for _ in range(3):
            assert (await live.http.post("/graphql", json={"query": VIEWER})).is_success
        async with graphql_socket(live.base) as ws:
            # when it sends a query and a subscription, then a third operation
            await ws.subscribe("q", VIEWER)
            assert await ws.data() == {"viewer": {"name": None, "role": "ANONYMOUS"}}
            await ws.receive()  # complete
            await ws.subscribe("s", SUBSCRIBE)
            await live.subscribed()
            await ws.subscribe("over", VIEWER)
            over = await ws.receive()

            # then the third is refused, the connection stays open, and HTTP is
            # refused too: one budget
            assert over["type"] == "error"
            (error,) = over["payload"]
            assert error["extensions"]["code"] == "RATE_LIMITED"
            assert error["message"].startswith(
                "Too many requests: this operation costs 1 point and 0 of the 5 "
                "points a minute are left."
            )
            await still_open(ws)
            http = await live.http.post("/graphql", json={"query": VIEWER})
            assert http.status_code == 429


async def test_a_mutation_over_websocket_past_the_budget_writes_nothing(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url, rate_limit=12) as live:
        auth = {"authorization": f"Bearer {tokens.editor}"}
        async with graphql_socket(live.base, payload=auth) as ws:
            # given an editor with 12 points, one mutation (10) already spent
            await ws.send(
                {"id": "1", "type": "subscribe", "payload": post_message(live, "a")}
            )
            assert (await ws.data())["issueUpdateStatus"]["__typename"] == (
                "IssueUpdateStatusSuccess"
            )
            await ws.receive()  # complete
            before = await snapshot()
            rows = await StatusUpdate.all().count()

            # when it posts another
            await ws.send(
                {"id": "2", "type": "subscribe", "payload": post_message(live, "b")}
            )
            refused = await ws.receive()

        # then it is refused and nothing is written
        assert refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert await snapshot() == before
        assert await StatusUpdate.all().count() == rows
