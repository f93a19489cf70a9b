"""statusUpdateRetract: withdrawing a status update over HTTP.

A retracted update stays in the record, marked with when, why and by whom; it no
longer counts for the current status, `latestUpdate`, `statusAsOf` or the default
history. Refusals are typed errors that write and publish nothing.
"""

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.enums import EventKind, FeedKind, IssueStatus
from models.events import Event
from models.feed import announced_on_commit
from models.issue import Issue
from models.status_update import StatusUpdate
from tests.api.graphql import (
    JSON,
    gql,
    gql_data,
    mutate,
    only_error,
    row_id,
    validation_error,
)
from tests.conftest import EventRecorder, Tokens
from tests.factories import feed_position, make_issue
from tests.snapshots import snapshot

RETRACT = """
mutation Retract($input: StatusUpdateRetractInput!) {
  statusUpdateRetract(input: $input) {
    __typename
    ... on StatusUpdateRetractSuccess {
      issue { id status version }
      update {
        id
        status
        occurredOn { text }
        recordedBy
        retractedAt
        retractionReason
        retractedBy
        issue { id status version }
      }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field id }
    ... on VersionConflictError { code message expectedVersion currentVersion }
  }
}
"""

HISTORY = """
query History($id: ID!) {
  node(id: $id) {
    ... on Issue {
      status
      version
      latestUpdate { id status }
      spring: statusAsOf(date: "2025-05-31")
      june: statusAsOf(date: "2025-06-01")
      later: statusAsOf(date: "2026-01-01")
      live: updates {
        totalCount
        nodes { id status previousStatus retractedAt }
      }
      all: updates(includeRetracted: true) {
        totalCount
        nodes { id status previousStatus retractedAt }
      }
      newestFirst: updates(order: DESC, includeRetracted: true) {
        nodes { id }
      }
    }
  }
}
"""

FEED = """
query Feed($issue: ID!, $includeRetracted: Boolean!) {
  statusUpdates(filter: { issue: $issue, includeRetracted: $includeRetracted }) {
    totalCount
    nodes { id }
  }
}
"""

UPDATE_NODE = """
query Update($id: ID!) {
  node(id: $id) {
    ... on StatusUpdate { id status retractedAt retractionReason retractedBy }
  }
}
"""

REASON = "The report was denied by both foreign ministries."
HISTORY_DAYS = [
    (date(2024, 3, 1), IssueStatus.PROPOSED),
    (date(2025, 1, 15), IssueStatus.UNDER_DISCUSSION),
    (date(2025, 6, 1), IssueStatus.AGREED_IN_PRINCIPLE),
]


@pytest.fixture
async def issue(seeded_db: TortoiseContext) -> Issue:
    """Proposed 2024-03-01, under discussion 2025-01-15, agreed 2025-06-01 (v4)."""
    return await make_issue(history=HISTORY_DAYS)


async def updates_of(issue: Issue) -> list[str]:
    """The global ids of an issue's updates, in recorded order."""
    rows = await StatusUpdate.filter(issue_id=issue.pk).order_by("id")
    return [global_id("StatusUpdate", row.pk) for row in rows]


def retract_input(update_id: str, **overrides: Any) -> JSON:
    """A valid input retracting the update; overrides replace fields."""
    return {"updateId": update_id, "reason": REASON, **overrides}


def entry(update_id: str, status: str, previous: str | None, retracted: Any) -> JSON:
    """One update as the history query reads it."""
    return {
        "id": update_id,
        "status": status,
        "previousStatus": previous,
        "retractedAt": retracted,
    }


async def retracted(issue: Issue, update_id: str, version: int) -> Event:
    """The event a successful retraction publishes."""
    return Event(
        EventKind.UPDATE_RETRACTED,
        issue_id=issue.pk,
        update_id=row_id(update_id),
        version=version,
        position=await feed_position(row_id(update_id), FeedKind.RETRACTED),
        announced=announced_on_commit(),
    )


async def history(client: httpx.AsyncClient, token: str, issue: Issue) -> JSON:
    """The issue's status, version, latest update, past statuses and history."""
    data = await gql_data(client, HISTORY, {"id": global_id("Issue", issue.pk)}, token)
    node: JSON = data["node"]
    return node


# Success


async def test_retracting_the_latest_update_re_derives_the_status(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    proposed, discussed, agreed = await updates_of(issue)
    issue_id = global_id("Issue", issue.pk)
    before = datetime.now(UTC)

    # when
    payload = await mutate(client, tokens.editor, RETRACT, retract_input(agreed))

    # then the update is kept, marked retracted, and the status falls back
    after = datetime.now(UTC)
    retracted_at = payload["update"]["retractedAt"]
    assert before <= datetime.fromisoformat(retracted_at) <= after
    assert payload == {
        "__typename": "StatusUpdateRetractSuccess",
        "issue": {"id": issue_id, "status": "UNDER_DISCUSSION", "version": 5},
        "update": {
            "id": agreed,
            "status": "AGREED_IN_PRINCIPLE",
            "occurredOn": {"text": "2025-06-01"},
            "recordedBy": "test",
            "retractedAt": retracted_at,
            "retractionReason": REASON,
            "retractedBy": "editor",
            "issue": {"id": issue_id, "status": "UNDER_DISCUSSION", "version": 5},
        },
    }
    row = await StatusUpdate.get(id=row_id(agreed))
    assert (row.retracted_at, row.retraction_reason, row.retracted_by) == (
        datetime.fromisoformat(retracted_at),
        REASON,
        "editor",
    )
    assert (row.status, row.occurred_on) == (
        IssueStatus.AGREED_IN_PRINCIPLE,
        date(2025, 6, 1),
    )
    stored = await Issue.get(id=issue.pk)
    assert (stored.status, stored.version) == (IssueStatus.UNDER_DISCUSSION, 5)
    assert await StatusUpdate.filter(issue_id=issue.pk).count() == 3
    assert events.events == [await retracted(issue, agreed, 5)]
    # and reads ignore it unless asked for retracted updates
    assert await history(client, tokens.editor, issue) == {
        "status": "UNDER_DISCUSSION",
        "version": 5,
        "latestUpdate": {"id": discussed, "status": "UNDER_DISCUSSION"},
        "spring": "UNDER_DISCUSSION",
        "june": "UNDER_DISCUSSION",
        "later": "UNDER_DISCUSSION",
        "live": {
            "totalCount": 2,
            "nodes": [
                entry(proposed, "PROPOSED", None, None),
                entry(discussed, "UNDER_DISCUSSION", "PROPOSED", None),
            ],
        },
        "all": {
            "totalCount": 3,
            "nodes": [
                entry(proposed, "PROPOSED", None, None),
                entry(discussed, "UNDER_DISCUSSION", "PROPOSED", None),
                entry(agreed, "AGREED_IN_PRINCIPLE", "UNDER_DISCUSSION", retracted_at),
            ],
        },
        "newestFirst": {"nodes": [{"id": agreed}, {"id": discussed}, {"id": proposed}]},
    }


async def test_retracting_an_older_update_keeps_the_status(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    proposed, discussed, agreed = await updates_of(issue)

    # when the middle update is retracted
    payload = await mutate(client, tokens.editor, RETRACT, retract_input(discussed))

    # then the status stands, the version moves, and history skips the retracted one
    retracted_at = payload["update"]["retractedAt"]
    assert payload["issue"] == {
        "id": global_id("Issue", issue.pk),
        "status": "AGREED_IN_PRINCIPLE",
        "version": 5,
    }
    assert events.events == [await retracted(issue, discussed, 5)]
    assert await history(client, tokens.editor, issue) == {
        "status": "AGREED_IN_PRINCIPLE",
        "version": 5,
        "latestUpdate": {"id": agreed, "status": "AGREED_IN_PRINCIPLE"},
        "spring": "PROPOSED",
        "june": "AGREED_IN_PRINCIPLE",
        "later": "AGREED_IN_PRINCIPLE",
        "live": {
            "totalCount": 2,
            "nodes": [
                entry(proposed, "PROPOSED", None, None),
                entry(agreed, "AGREED_IN_PRINCIPLE", "PROPOSED", None),
            ],
        },
        "all": {
            "totalCount": 3,
            "nodes": [
                entry(proposed, "PROPOSED", None, None),
                entry(discussed, "UNDER_DISCUSSION", "PROPOSED", retracted_at),
                entry(agreed, "AGREED_IN_PRINCIPLE", "PROPOSED", None),
            ],
        },
        "newestFirst": {"nodes": [{"id": agreed}, {"id": discussed}, {"id": proposed}]},
    }


async def test_retracting_the_only_update_leaves_no_status(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    issue = await make_issue(history=[(date(2025, 6, 1), IssueStatus.SUSPENDED)])
    (only,) = await updates_of(issue)

    # when
    payload = await mutate(client, tokens.editor, RETRACT, retract_input(only))

    # then
    assert payload["issue"]["status"] is None
    assert payload["issue"]["version"] == 3
    read = await history(client, tokens.editor, issue)
    assert (read["status"], read["latestUpdate"], read["june"], read["later"]) == (
        None,
        None,
        None,
        None,
    )
    assert read["live"] == {"totalCount": 0, "nodes": []}
    assert read["all"]["totalCount"] == 1
    assert (await Issue.get(id=issue.pk)).status is None
    assert events.events == [await retracted(issue, only, 3)]


async def test_a_retracted_update_leaves_the_feed_but_stays_readable(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given
    proposed, discussed, agreed = await updates_of(issue)
    issue_id = global_id("Issue", issue.pk)

    # when
    payload = await mutate(client, tokens.editor, RETRACT, retract_input(agreed))

    # then
    live = await gql_data(client, FEED, {"issue": issue_id, "includeRetracted": False})
    every = await gql_data(client, FEED, {"issue": issue_id, "includeRetracted": True})
    node = await gql_data(client, UPDATE_NODE, {"id": agreed})
    assert live["statusUpdates"] == {
        "totalCount": 2,
        "nodes": [{"id": discussed}, {"id": proposed}],
    }
    assert every["statusUpdates"] == {
        "totalCount": 3,
        "nodes": [{"id": agreed}, {"id": discussed}, {"id": proposed}],
    }
    assert node["node"] == {
        "id": agreed,
        "status": "AGREED_IN_PRINCIPLE",
        "retractedAt": payload["update"]["retractedAt"],
        "retractionReason": REASON,
        "retractedBy": "editor",
    }


async def test_the_reason_is_trimmed_and_an_admin_may_retract(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given
    *_, agreed = await updates_of(issue)

    # when
    given = retract_input(agreed, reason=f"  {REASON}\n", expectedVersion=4)
    payload = await mutate(client, tokens.admin, RETRACT, given)

    # then
    assert payload["update"]["retractionReason"] == REASON
    assert payload["update"]["retractedBy"] == "admin"
    assert payload["issue"]["version"] == 5


async def test_a_reason_of_2000_characters_is_accepted(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given
    *_, agreed = await updates_of(issue)

    # when
    given = retract_input(agreed, reason="r" * 2_000)
    payload = await mutate(client, tokens.editor, RETRACT, given)

    # then
    assert payload["update"]["retractionReason"] == "r" * 2_000


# Refusals


UNKNOWN_UPDATE = global_id("StatusUpdate", 999_999)
AN_ISSUE = global_id("Issue", 1)
REFUSED_INPUTS = [
    pytest.param(
        {"reason": "  \n "},
        validation_error("reason", "The reason must not be blank.", "REQUIRED"),
        id="reason-blank",
    ),
    pytest.param(
        {"reason": "r" * 2_001},
        validation_error(
            "reason",
            "The reason is limited to 2,000 characters; 2,001 given.",
            "TOO_LONG",
        ),
        id="reason-too-long",
    ),
    pytest.param(
        {"updateId": "not-an-id"},
        validation_error("updateId", "'not-an-id' is not a valid id."),
        id="update-id-malformed",
    ),
    pytest.param(
        {"updateId": AN_ISSUE},
        validation_error(
            "updateId",
            f"`updateId` must be the id of a StatusUpdate; '{AN_ISSUE}' is not.",
        ),
        id="update-id-of-an-issue",
    ),
    pytest.param(
        {"updateId": UNKNOWN_UPDATE},
        {
            "__typename": "NotFoundError",
            "code": "NOT_FOUND",
            "message": "No status update has this id.",
            "field": "updateId",
            "id": UNKNOWN_UPDATE,
        },
        id="update-id-unknown",
    ),
    pytest.param(
        {"expectedVersion": 3},
        {
            "__typename": "VersionConflictError",
            "code": "VERSION_CONFLICT",
            "message": "The issue is at version 4, not 3: it changed since you read "
            "it. Read it again and retry with the new version.",
            "expectedVersion": 3,
            "currentVersion": 4,
        },
        id="expected-version-stale",
    ),
]


@pytest.mark.parametrize(("overrides", "error"), REFUSED_INPUTS)
async def test_a_refused_retraction_writes_and_publishes_nothing(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    overrides: JSON,
    error: JSON,
) -> None:
    # given
    *_, agreed = await updates_of(issue)
    before = await snapshot()

    # when
    payload = await mutate(
        client, tokens.editor, RETRACT, retract_input(agreed, **overrides)
    )

    # then
    assert payload == error
    assert await snapshot() == before
    assert events.events == []


async def test_an_update_cannot_be_retracted_twice(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given an update already retracted
    *_, agreed = await updates_of(issue)
    first = await mutate(client, tokens.editor, RETRACT, retract_input(agreed))
    before = await snapshot()
    published = list(events.events)

    # when it is retracted again, even for another reason by another token
    again = retract_input(agreed, reason="Another reason.")
    payload = await mutate(client, tokens.admin, RETRACT, again)

    # then the first retraction stands
    assert first["__typename"] == "StatusUpdateRetractSuccess"
    assert payload == validation_error(
        "updateId", "This update is already retracted.", "ALREADY_RETRACTED"
    )
    assert await snapshot() == before
    assert events.events == published


async def test_an_update_of_an_archived_issue_cannot_be_retracted(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    archived = await make_issue(
        slug="archived-issue",
        archived_at=datetime(2025, 7, 1, tzinfo=UTC),
        history=HISTORY_DAYS,
    )
    *_, agreed = await updates_of(archived)
    before = await snapshot()

    # when
    payload = await mutate(client, tokens.editor, RETRACT, retract_input(agreed))

    # then the error names the field of this input that holds the id
    assert payload == validation_error(
        "updateId",
        "The issue 'archived-issue' is archived; unarchive it before changing it.",
        "ARCHIVED",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_a_reader_may_not_retract(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    *_, agreed = await updates_of(issue)
    before = await snapshot()

    # when
    body = await gql(client, RETRACT, {"input": retract_input(agreed)}, tokens.reader)

    # then
    error = only_error(body)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == (
        "The token 'reader' has the role READER; this needs an editor or admin token."
    )
    assert body["data"] is None
    assert await snapshot() == before
    assert events.events == []
