"""The positions subscription: new and retracted positions pushed live, resumable."""

import httpx
import pytest
from tortoise.context import TortoiseContext

from tests.api.feed import SUBSCRIBE, _mutation, post_update, running
from tests.api.graphql import JSON
from tests.conftest import Tokens
from tests.live import GraphQLSocket, graphql_socket

WATCH = """
subscription Watch($relationship: String, $issue: ID, $after: ID) {
  positions(relationship: $relationship, issue: $issue, after: $after) {
    id country speaker retractedAt retractionReason issue { slug version }
  }
}
"""

RECORD = """
mutation Record($input: PositionRecordInput!) {
  positionRecord(input: $input) {
    __typename
    ... on PositionRecordSuccess { position { id } }
    ... on UserError { message }
  }
}
"""

RETRACT = """
mutation Retract($input: PositionRetractInput!) {
  positionRetract(input: $input) {
    __typename
    ... on PositionRetractSuccess { position { id } }
    ... on UserError { message }
  }
}
"""

QUIET_SECONDS = 0.3


async def record(
    http: httpx.AsyncClient, token: str, issue_id: str, speaker: str
) -> str:
    """Record one position through the API; its id."""
    given = {
        "issueId": issue_id,
        "country": "CN",
        "statedOn": "2026-01-15",
        "speaker": speaker,
        "statement": "China wants the relationship to move forward.",
        "quote": "Dragon and elephant should dance together.",
        "source": {"url": "https://example.org/dance"},
    }
    payload = await _mutation(http, token, RECORD, given)
    assert payload["__typename"] == "PositionRecordSuccess", payload
    position_id: str = payload["position"]["id"]
    return position_id


async def nothing_more(ws: GraphQLSocket) -> None:
    """Assert that no further message arrives for a while."""
    with pytest.raises(TimeoutError):
        await ws.receive(QUIET_SECONDS)


def event(position_id: str, speaker: str, version: int, **more: object) -> JSON:
    """A positions event as the WATCH document selects it."""
    return {
        "positions": {
            "id": position_id,
            "country": "CN",
            "speaker": speaker,
            "retractedAt": more.get("retractedAt"),
            "retractionReason": more.get("retractionReason"),
            "issue": {"slug": "border-peace-normalisation", "version": version},
        }
    }


async def test_a_recorded_and_a_retracted_position_arrive_in_order(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        await ws.subscribe("p", WATCH, {"relationship": "india-china"})
        await live.subscribed()
        version = live.issue.version

        position_id = await record(live.http, tokens.editor, live.issue_id, "Wang Yi")
        recorded = await ws.data()
        given = {"positionId": position_id, "reason": "Misquoted."}
        await _mutation(live.http, tokens.editor, RETRACT, given)
        retracted = await ws.data()

        assert recorded == event(position_id, "Wang Yi", version + 1)
        assert retracted["positions"]["retractionReason"] == "Misquoted."
        assert retracted["positions"]["retractedAt"] is not None
        assert retracted["positions"]["id"] == position_id


async def test_status_updates_and_positions_stay_in_their_own_streams(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with (
        running(seeded_url) as live,
        graphql_socket(live.base) as positions,
        graphql_socket(live.base) as updates,
    ):
        await positions.subscribe("p", WATCH)
        await updates.subscribe("u", SUBSCRIBE)
        await live.subscribed(2)

        update_id = await post_update(live.http, tokens.editor, live.issue_id, "One.")
        position_id = await record(
            live.http, tokens.editor, live.issue_id, "Xu Feihong"
        )

        assert (await updates.data())["statusUpdates"]["id"] == update_id
        assert (await positions.data())["positions"]["id"] == position_id
        await nothing_more(updates)
        await nothing_more(positions)


async def test_after_replays_what_was_recorded_since_then_go_live(
    seeded_db: TortoiseContext, seeded_url: str, tokens: Tokens
) -> None:
    async with running(seeded_url) as live:
        seen = await record(live.http, tokens.editor, live.issue_id, "First")
        missed = await record(live.http, tokens.editor, live.issue_id, "Second")

        async with graphql_socket(live.base) as ws:
            await ws.subscribe("p", WATCH, {"after": seen, "issue": live.issue_id})
            replayed = await ws.data()
            await live.subscribed()
            fresh = await record(live.http, tokens.editor, live.issue_id, "Third")
            pushed = await ws.data()

        assert replayed["positions"]["id"] == missed
        assert pushed["positions"]["id"] == fresh


async def test_an_unknown_after_is_refused(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    from api.core.relay import global_id

    async with running(seeded_url) as live, graphql_socket(live.base) as ws:
        missing = global_id("Position", 999_999)
        await ws.subscribe("p", WATCH, {"after": missing})
        message = await ws.receive()

    assert message["type"] == "error"
    assert message["payload"][0]["message"] == f"No position has the id '{missing}'."
    assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
