"""The acceptance scenario: an editor's script builds an issue's history over HTTP.

It creates an issue, posts three updates (the third back-filled before the other
two), retracts one, and after every step reads the issue back: its history with
and without retracted updates, current status, version, latest update and the
status in effect on a few days.
"""

from typing import Any

import httpx

from tests.api.graphql import JSON, gql_data, mutate
from tests.conftest import EventRecorder, Tokens

RELATIONSHIP = """
query Relationship { relationship(slug: "india-china") { id } }
"""

CREATE = """
mutation Create($input: IssueCreateInput!) {
  issueCreate(input: $input) {
    __typename
    ... on IssueCreateSuccess { replayed issue { id slug status version } }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field }
  }
}
"""

UPDATE_STATUS = """
mutation UpdateStatus($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on IssueUpdateStatusSuccess {
      replayed
      issue { status version }
      update { id status occurredOn { text precision } previousStatus }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field }
    ... on VersionConflictError { code message expectedVersion currentVersion }
  }
}
"""

RETRACT = """
mutation Retract($input: StatusUpdateRetractInput!) {
  statusUpdateRetract(input: $input) {
    __typename
    ... on StatusUpdateRetractSuccess {
      issue { status version }
      update { id retractedAt retractionReason retractedBy }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field }
    ... on VersionConflictError { code message expectedVersion currentVersion }
  }
}
"""

STATE = """
query State($id: ID!) {
  node(id: $id) {
    ... on Issue {
      slug
      status
      version
      latestUpdate { id status occurredOn { text } }
      endOf2023: statusAsOf(date: "2023-12-31")
      startOf2024: statusAsOf(date: "2024-01-01")
      jan26: statusAsOf(date: "2025-01-26")
      jan27: statusAsOf(date: "2025-01-27")
      sep30: statusAsOf(date: "2025-09-30")
      oct01: statusAsOf(date: "2025-10-01")
      live: updates {
        totalCount
        nodes { ...Entry }
      }
      all: updates(includeRetracted: true) {
        totalCount
        nodes { ...Entry }
      }
    }
  }
}

fragment Entry on StatusUpdate {
  id
  status
  occurredOn { text precision }
  previousStatus
  retractedAt
}
"""

AS_OF_DAYS = ("endOf2023", "startOf2024", "jan26", "jan27", "sep30", "oct01")
SOURCE = {"url": "https://example.org/direct-flights", "publisher": "Example News"}


def entry(update: JSON, previous: str | None, retracted_at: str | None = None) -> JSON:
    """One history entry as STATE reads it, from the update a mutation returned."""
    return {
        "id": update["id"],
        "status": update["status"],
        "occurredOn": update["occurredOn"],
        "previousStatus": previous,
        "retractedAt": retracted_at,
    }


def state(
    *,
    status: str | None,
    version: int,
    latest: JSON | None,
    as_of: tuple[str | None, ...],
    live: list[JSON],
    retracted: list[JSON] | None = None,
) -> JSON:
    """The issue as STATE should read it; `retracted` lists every entry when given."""
    every = live if retracted is None else retracted
    return {
        "slug": "script-flights",
        "status": status,
        "version": version,
        "latestUpdate": None
        if latest is None
        else {
            "id": latest["id"],
            "status": latest["status"],
            "occurredOn": {"text": latest["occurredOn"]["text"]},
        },
        **dict(zip(AS_OF_DAYS, as_of, strict=True)),
        "live": {"totalCount": len(live), "nodes": live},
        "all": {"totalCount": len(every), "nodes": every},
    }


async def read_state(client: httpx.AsyncClient, token: str, issue_id: str) -> JSON:
    """The issue as the script reads it back after each step."""
    data = await gql_data(client, STATE, {"id": issue_id}, token)
    node: JSON = data["node"]
    return node


async def post(
    client: httpx.AsyncClient, token: str, issue_id: str, **given: Any
) -> JSON:
    """Post a sourced update that must succeed; its success payload."""
    payload = await mutate(
        client,
        token,
        UPDATE_STATUS,
        {"issueId": issue_id, "source": SOURCE, **given},
    )
    assert payload["__typename"] == "IssueUpdateStatusSuccess", payload
    return payload


async def test_an_editor_script_builds_and_corrects_a_history(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    editor = tokens.editor
    relationship = await gql_data(client, RELATIONSHIP, token=editor)

    # given a new issue
    created = await mutate(
        client,
        editor,
        CREATE,
        {
            "relationshipId": relationship["relationship"]["id"],
            "slug": "script-flights",
            "title": "Direct flights (script)",
            "category": "CONNECTIVITY",
            "raisedBy": ["IN"],
            "idempotencyKey": "script-create",
        },
    )
    assert created["__typename"] == "IssueCreateSuccess"
    issue_id = created["issue"]["id"]
    assert created == {
        "__typename": "IssueCreateSuccess",
        "replayed": False,
        "issue": {
            "id": issue_id,
            "slug": "script-flights",
            "status": None,
            "version": 1,
        },
    }
    assert await read_state(client, editor, issue_id) == state(
        status=None, version=1, latest=None, as_of=(None,) * 6, live=[]
    )

    # when the first update is posted: under discussion from 27 January 2025
    first = await post(
        client,
        editor,
        issue_id,
        status="UNDER_DISCUSSION",
        occurredOn="2025-01-27",
        note="Talks on resuming direct flights begin.",
        expectedVersion=1,
        idempotencyKey="script-1",
    )

    # then
    discussed = first["update"]
    assert first["issue"] == {"status": "UNDER_DISCUSSION", "version": 2}
    assert discussed["occurredOn"] == {"text": "2025-01-27", "precision": "DAY"}
    assert discussed["previousStatus"] is None
    assert await read_state(client, editor, issue_id) == state(
        status="UNDER_DISCUSSION",
        version=2,
        latest=discussed,
        as_of=(
            None,
            None,
            None,
            "UNDER_DISCUSSION",
            "UNDER_DISCUSSION",
            "UNDER_DISCUSSION",
        ),
        live=[entry(discussed, None)],
    )

    # when the second is posted: agreed in principle in October 2025
    second = await post(
        client,
        editor,
        issue_id,
        status="AGREED_IN_PRINCIPLE",
        occurredOn="2025-10",
        note="Both sides agree to resume flights by the end of the month.",
        expectedVersion=2,
        idempotencyKey="script-2",
    )

    # then
    agreed = second["update"]
    assert second["issue"] == {"status": "AGREED_IN_PRINCIPLE", "version": 3}
    assert agreed["occurredOn"] == {"text": "2025-10", "precision": "MONTH"}
    assert agreed["previousStatus"] == "UNDER_DISCUSSION"
    assert await read_state(client, editor, issue_id) == state(
        status="AGREED_IN_PRINCIPLE",
        version=3,
        latest=agreed,
        as_of=(
            None,
            None,
            None,
            "UNDER_DISCUSSION",
            "UNDER_DISCUSSION",
            "AGREED_IN_PRINCIPLE",
        ),
        live=[entry(discussed, None), entry(agreed, "UNDER_DISCUSSION")],
    )

    # when the third is back-filled before both: proposed in 2024
    third = await post(
        client,
        editor,
        issue_id,
        status="PROPOSED",
        occurredOn="2024",
        note="India proposes resuming direct flights.",
        expectedVersion=3,
        idempotencyKey="script-3",
    )

    # then the current status stands, the version moves, history reorders
    proposed = third["update"]
    assert third["issue"] == {"status": "AGREED_IN_PRINCIPLE", "version": 4}
    assert proposed["occurredOn"] == {"text": "2024", "precision": "YEAR"}
    assert proposed["previousStatus"] is None
    assert await read_state(client, editor, issue_id) == state(
        status="AGREED_IN_PRINCIPLE",
        version=4,
        latest=agreed,
        as_of=(
            None,
            "PROPOSED",
            "PROPOSED",
            "UNDER_DISCUSSION",
            "UNDER_DISCUSSION",
            "AGREED_IN_PRINCIPLE",
        ),
        live=[
            entry(proposed, None),
            entry(discussed, "PROPOSED"),
            entry(agreed, "UNDER_DISCUSSION"),
        ],
    )

    # when the script retries its third call (say, after a timeout)
    retried = await post(
        client,
        editor,
        issue_id,
        status="PROPOSED",
        occurredOn="2024",
        note="India proposes resuming direct flights.",
        expectedVersion=3,
        idempotencyKey="script-3",
    )

    # then it is replayed and nothing changes
    assert retried == {**third, "replayed": True}
    assert (await read_state(client, editor, issue_id))["version"] == 4

    # when the agreement turns out to be misreported and is retracted
    retraction = await mutate(
        client,
        editor,
        RETRACT,
        {
            "updateId": agreed["id"],
            "reason": "The agreement was misreported.",
            "expectedVersion": 4,
        },
    )

    # then the status falls back to the latest remaining update
    assert retraction["__typename"] == "StatusUpdateRetractSuccess"
    retracted_at = retraction["update"]["retractedAt"]
    assert retraction == {
        "__typename": "StatusUpdateRetractSuccess",
        "issue": {"status": "UNDER_DISCUSSION", "version": 5},
        "update": {
            "id": agreed["id"],
            "retractedAt": retracted_at,
            "retractionReason": "The agreement was misreported.",
            "retractedBy": "editor",
        },
    }
    assert retracted_at is not None
    assert await read_state(client, editor, issue_id) == state(
        status="UNDER_DISCUSSION",
        version=5,
        latest=discussed,
        as_of=(
            None,
            "PROPOSED",
            "PROPOSED",
            "UNDER_DISCUSSION",
            "UNDER_DISCUSSION",
            "UNDER_DISCUSSION",
        ),
        live=[entry(proposed, None), entry(discussed, "PROPOSED")],
        retracted=[
            entry(proposed, None),
            entry(discussed, "PROPOSED"),
            entry(agreed, "UNDER_DISCUSSION", retracted_at),
        ],
    )
    assert [(event.kind.value, event.version) for event in events.events] == [
        ("ISSUE_CREATED", 1),
        ("STATUS_UPDATED", 2),
        ("STATUS_UPDATED", 3),
        ("STATUS_UPDATED", 4),
        ("UPDATE_RETRACTED", 5),
    ]
