"""Concurrent issueUpdateStatus calls over HTTP on one issue, on both backends.

Twenty POSTs go out at once on one client over the app. Nothing may be lost or
doubled: distinct keys give twenty updates, one expected version gives one winner,
and one idempotency key gives one update that every response carries.
"""

import asyncio
from datetime import date

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.derived_status import current_status
from models.enums import EventKind, IssueStatus
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.status_update import StatusUpdate
from tests.api.graphql import JSON, mutate, row_id
from tests.conftest import EventRecorder, Tokens
from tests.factories import make_issue

# Several connections write at once: each test needs real commits.
pytestmark = pytest.mark.commits

UPDATE_STATUS = """
mutation UpdateStatus($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on IssueUpdateStatusSuccess {
      replayed
      issue { status version }
      update { id status occurredOn { text } }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field }
    ... on VersionConflictError { code message expectedVersion currentVersion }
  }
}
"""

CALLS = 20
STATUSES = [status.value for status in IssueStatus]


@pytest.fixture
async def issue(seeded_db: TortoiseContext) -> Issue:
    """An issue proposed on 1 June 2024, at version 2."""
    return await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])


def update_input(issue: Issue, index: int, **extra: object) -> JSON:
    """The index-th editor's update; every two calls share a day, to test ties."""
    return {
        "issueId": global_id("Issue", issue.pk),
        "status": STATUSES[index % len(STATUSES)],
        "occurredOn": f"2025-01-{index // 2 + 1:02d}",
        "note": f"Report {index}",
        **extra,
    }


async def post_all(
    client: httpx.AsyncClient, token: str, inputs: list[JSON]
) -> list[JSON]:
    """POST every input at once; the payloads in input order."""
    return list(
        await asyncio.gather(
            *(mutate(client, token, UPDATE_STATUS, given) for given in inputs)
        )
    )


async def test_concurrent_updates_with_distinct_keys_are_all_kept(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given an issue at version 2 with one update
    inputs = [
        update_input(issue, index, idempotencyKey=f"key-{index}")
        for index in range(CALLS)
    ]

    # when 20 calls arrive at once
    payloads = await post_all(client, tokens.editor, inputs)

    # then all succeed, each bumping the version once
    assert [payload["__typename"] for payload in payloads] == [
        "IssueUpdateStatusSuccess"
    ] * CALLS
    assert [payload["replayed"] for payload in payloads] == [False] * CALLS
    assert sorted(payload["issue"]["version"] for payload in payloads) == list(
        range(3, 3 + CALLS)
    )
    # each stored update is what its call sent, once
    new_rows = await StatusUpdate.filter(issue_id=issue.pk).order_by("id").offset(1)
    assert len(new_rows) == CALLS
    assert sorted(row.pk for row in new_rows) == sorted(
        row_id(payload["update"]["id"]) for payload in payloads
    )
    by_id = {row.pk: row for row in new_rows}
    for given, payload in zip(inputs, payloads, strict=True):
        row = by_id[row_id(payload["update"]["id"])]
        assert (row.note, row.status.value, row.occurred_on.isoformat()) == (
            given["note"],
            given["status"],
            given["occurredOn"],
        )
    # the status is the latest update's, by occurredOn and then id
    stored = await Issue.get(id=issue.pk)
    latest = max(new_rows, key=lambda row: (row.occurred_on, row.pk))
    assert latest.occurred_on == date(2025, 1, CALLS // 2)
    assert stored.version == 2 + CALLS
    assert stored.status == latest.status == await current_status(issue.pk)
    # the call that wrote last saw the final status and version
    last = next(p for p in payloads if p["issue"]["version"] == 2 + CALLS)
    assert last["issue"]["status"] == stored.status.value
    assert await IdempotencyKey.filter(actor="editor").count() == CALLS
    assert sorted(
        (event.kind, event.issue_id, event.update_id, event.version)
        for event in events.events
    ) == sorted(
        (
            EventKind.STATUS_UPDATED,
            issue.pk,
            row_id(payload["update"]["id"]),
            payload["issue"]["version"],
        )
        for payload in payloads
    )


async def test_concurrent_updates_on_one_version_have_one_winner(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given an issue at version 2, read by 20 editors
    inputs = [update_input(issue, index, expectedVersion=2) for index in range(CALLS)]

    # when they all post at once
    payloads = await post_all(client, tokens.editor, inputs)

    # then exactly one wins and the 19 others are told the version moved to 3
    winners = [p for p in payloads if p["__typename"] == "IssueUpdateStatusSuccess"]
    losers = [p for p in payloads if p["__typename"] != "IssueUpdateStatusSuccess"]
    assert len(winners) == 1
    (winner,) = winners
    assert losers == [
        {
            "__typename": "VersionConflictError",
            "code": "VERSION_CONFLICT",
            "message": "The issue is at version 3, not 2: it changed since you read "
            "it. Read it again and retry with the new version.",
            "expectedVersion": 2,
            "currentVersion": 3,
        }
    ] * (CALLS - 1)
    assert winner["replayed"] is False
    assert winner["issue"] == {"status": winner["update"]["status"], "version": 3}
    rows = await StatusUpdate.filter(issue_id=issue.pk).order_by("id")
    assert [row.pk for row in rows[1:]] == [row_id(winner["update"]["id"])]
    stored = await Issue.get(id=issue.pk)
    assert (stored.status.value, stored.version) == (winner["update"]["status"], 3)
    assert [
        (event.kind, event.update_id, event.version) for event in events.events
    ] == [(EventKind.STATUS_UPDATED, row_id(winner["update"]["id"]), 3)]


async def test_concurrent_retries_with_one_key_write_once(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given one call that a client sends 20 times at once with the same key
    given = update_input(issue, 7, idempotencyKey="the-only-key")

    # when
    payloads = await post_all(client, tokens.editor, [given] * CALLS)

    # then one update is written and every response carries it
    assert [payload["__typename"] for payload in payloads] == [
        "IssueUpdateStatusSuccess"
    ] * CALLS
    update_ids = {payload["update"]["id"] for payload in payloads}
    assert len(update_ids) == 1
    (update_id,) = update_ids
    assert sorted(payload["replayed"] for payload in payloads) == [False] + [True] * (
        CALLS - 1
    )
    rows = await StatusUpdate.filter(issue_id=issue.pk).order_by("id")
    assert [row.pk for row in rows[1:]] == [row_id(update_id)]
    assert (rows[1].note, rows[1].occurred_on) == ("Report 7", date(2025, 1, 4))
    stored = await Issue.get(id=issue.pk)
    assert stored.version == 3
    assert {payload["issue"]["version"] for payload in payloads} == {3}
    assert await IdempotencyKey.filter(actor="editor").values("key", "result") == [
        {
            "key": "the-only-key",
            "result": {"issue": issue.pk, "update": row_id(update_id)},
        }
    ]
    assert [
        (event.kind, event.update_id, event.version) for event in events.events
    ] == [(EventKind.STATUS_UPDATED, row_id(update_id), 3)]
