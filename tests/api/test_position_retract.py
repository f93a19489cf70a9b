"""positionRetract: withdrawing a position; it stays in the record."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.enums import EventKind, FeedKind
from models.events import Event
from models.feed import announced_on_commit
from models.feed_entry import FeedEntry
from models.issue import Issue
from models.position import Position
from models.position_operations import Statement, record_position
from models.validation import Source
from tests.api.graphql import JSON, gql_data, mutate, validation_error
from tests.conftest import EventRecorder, Tokens
from tests.factories import make_issue

RETRACT = """
mutation Retract($input: PositionRetractInput!) {
  positionRetract(input: $input) {
    __typename
    ... on PositionRetractSuccess {
      issue { id version }
      position { id retractedAt retractionReason retractedBy }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field id }
    ... on VersionConflictError { code expectedVersion currentVersion }
  }
}
"""

POSITIONS = """
query Positions($id: ID!) {
  node(id: $id) {
    ... on Issue {
      live: positions { totalCount nodes { id } }
      all: positions(includeRetracted: true) { totalCount nodes { id retractedAt } }
    }
  }
}
"""

REASON = "The quote was misattributed."


@pytest.fixture
async def stated(seeded_db: TortoiseContext) -> Position:
    """A position recorded by an editor on a fresh issue (now at version 2)."""
    issue = await make_issue(slug="retract-positions")
    said = Statement(
        country="CN",
        stated_on="2025-09-01",
        speaker="MFA spokesperson",
        statement="China wants the border question kept in its proper place.",
        quote="The boundary question should be placed appropriately.",
        source=Source("https://example.org/mfa", None, None),
    )
    written = await record_position(issue.pk, said, actor="editor")
    return written.stated


def retract_input(position: Position, **overrides: Any) -> JSON:
    """A valid input retracting the position."""
    return {
        "positionId": global_id("Position", position.pk),
        "reason": REASON,
        **overrides,
    }


async def test_retracting_keeps_the_position_marked_and_bumps_the_version(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, stated: Position
) -> None:
    before = datetime.now(UTC)

    payload = await mutate(client, tokens.editor, RETRACT, retract_input(stated))

    retracted_at = payload["position"]["retractedAt"]
    assert before <= datetime.fromisoformat(retracted_at) <= datetime.now(UTC)
    assert payload == {
        "__typename": "PositionRetractSuccess",
        "issue": {"id": global_id("Issue", stated.issue_id), "version": 3},
        "position": {
            "id": global_id("Position", stated.pk),
            "retractedAt": retracted_at,
            "retractionReason": REASON,
            "retractedBy": "editor",
        },
    }
    row = await Position.get(id=stated.pk)
    assert (row.retraction_reason, row.retracted_by) == (REASON, "editor")
    entry = await FeedEntry.get(position_id=stated.pk, kind=FeedKind.POSITION_RETRACTED)
    assert events.events == [
        Event(
            EventKind.POSITION_RETRACTED,
            issue_id=stated.issue_id,
            position_id=stated.pk,
            version=3,
            position=entry.pk,
            announced=announced_on_commit(),
        )
    ]
    # and reads leave it out unless asked for retracted positions
    read = await gql_data(
        client, POSITIONS, {"id": global_id("Issue", stated.issue_id)}, tokens.reader
    )
    assert read["node"] == {
        "live": {"totalCount": 0, "nodes": []},
        "all": {
            "totalCount": 1,
            "nodes": [
                {"id": global_id("Position", stated.pk), "retractedAt": retracted_at}
            ],
        },
    }


async def refused_without_a_write(
    stated: Position, events: EventRecorder, version: int = 2
) -> None:
    """The position still stands and nothing moved."""
    row = await Position.get(id=stated.pk)
    assert row.retracted_at is None
    assert (await Issue.get(id=stated.issue_id)).version == version
    assert not await FeedEntry.exists(
        position_id=stated.pk, kind=FeedKind.POSITION_RETRACTED
    )
    assert events.events == []


async def test_a_blank_reason_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, stated: Position
) -> None:
    payload = await mutate(
        client, tokens.editor, RETRACT, retract_input(stated, reason="  ")
    )

    assert payload == validation_error(
        "reason", "The reason must not be blank.", "REQUIRED"
    )
    await refused_without_a_write(stated, events)


async def test_retracting_twice_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, stated: Position
) -> None:
    await mutate(client, tokens.editor, RETRACT, retract_input(stated))
    events.events.clear()
    version = (await Issue.get(id=stated.issue_id)).version

    payload = await mutate(client, tokens.editor, RETRACT, retract_input(stated))

    assert payload == validation_error(
        "positionId", "This position is already retracted.", "ALREADY_RETRACTED"
    )
    assert (await Issue.get(id=stated.issue_id)).version == version
    assert events.events == []


async def test_a_stale_version_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, stated: Position
) -> None:
    payload = await mutate(
        client, tokens.editor, RETRACT, retract_input(stated, expectedVersion=1)
    )

    assert payload == {
        "__typename": "VersionConflictError",
        "code": "VERSION_CONFLICT",
        "expectedVersion": 1,
        "currentVersion": 2,
    }
    await refused_without_a_write(stated, events)


async def test_an_unknown_position_is_not_found(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, stated: Position
) -> None:
    missing = global_id("Position", 999_999)

    payload = await mutate(
        client, tokens.editor, RETRACT, retract_input(stated, positionId=missing)
    )

    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No position has this id.",
        "field": "positionId",
        "id": missing,
    }
    await refused_without_a_write(stated, events)
