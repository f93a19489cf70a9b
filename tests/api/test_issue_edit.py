"""issueEdit: changing an issue's title, summary, category or raisedBy."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.enums import EventKind
from models.events import Event
from models.issue import Issue
from models.transactions import now
from tests.api.graphql import JSON, mutate
from tests.conftest import EventRecorder, Tokens
from tests.snapshots import snapshot

ISSUE_EDIT = """
mutation IssueEdit($input: IssueEditInput!) {
  issueEdit(input: $input) {
    __typename
    ... on IssueEditSuccess {
      changed
      issue {
        id slug title summary category raisedBy status version
        createdAt updatedAt archivedAt
      }
    }
    ... on UserError { code message }
    ... on ValidationError { field }
    ... on NotFoundError { field id }
    ... on VersionConflictError { expectedVersion currentVersion }
  }
}
"""

SLUG = "direct-flights"
UNKNOWN_ISSUE = global_id("Issue", 999_999)
A_MEETING = global_id("Meeting", 1)


@pytest.fixture
async def issue(seeded_db: TortoiseContext) -> Issue:
    """A seeded, active issue with some history."""
    return await Issue.get(slug=SLUG)


def issue_id(issue: Issue) -> str:
    """An issue's global id."""
    return global_id("Issue", issue.pk)


def as_read(issue: Issue, **changes: Any) -> JSON:
    """An issue as issueEdit returns it, from its row (timestamps left out)."""
    return {
        "id": issue_id(issue),
        "slug": issue.slug,
        "title": issue.title,
        "summary": issue.summary,
        "category": issue.category.value,
        "raisedBy": [code for code in issue.raised_by.split(",") if code],
        "status": issue.status.value if issue.status else None,
        "version": issue.version,
        "archivedAt": None,
        **changes,
    }


def without_timestamps(issue: JSON) -> JSON:
    """The issue fields that are not instants."""
    return {k: v for k, v in issue.items() if k not in ("createdAt", "updatedAt")}


async def test_an_edit_changes_the_fields_and_bumps_the_version(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    started = datetime.now(UTC)
    given = {
        "issueId": issue_id(issue),
        "title": "Direct passenger flights",
        "summary": "Resumption of direct air services.",
        "category": "TRADE",
        "raisedBy": ["cn", "IN"],
        "expectedVersion": issue.version,
    }

    # when
    payload = await mutate(client, tokens.editor, ISSUE_EDIT, given)

    # then
    finished = datetime.now(UTC)
    edited = payload["issue"]
    assert payload["__typename"] == "IssueEditSuccess"
    assert payload["changed"] is True
    assert without_timestamps(edited) == as_read(
        issue,
        title="Direct passenger flights",
        summary="Resumption of direct air services.",
        category="TRADE",
        raisedBy=["CN", "IN"],
        version=issue.version + 1,
    )
    assert datetime.fromisoformat(edited["createdAt"]) == issue.created_at
    assert started <= datetime.fromisoformat(edited["updatedAt"]) <= finished
    row = await Issue.get(id=issue.pk)
    assert (row.title, row.summary, row.category, row.raised_by, row.version) == (
        "Direct passenger flights",
        "Resumption of direct air services.",
        "TRADE",
        "CN,IN",
        issue.version + 1,
    )
    assert (row.status, row.created_at) == (issue.status, issue.created_at)
    assert events.events == [
        Event(EventKind.ISSUE_EDITED, issue_id=issue.pk, version=issue.version + 1)
    ]


async def test_an_edit_writes_only_the_issue_row(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given
    before = await snapshot()

    # when
    await mutate(
        client, tokens.editor, ISSUE_EDIT, {"issueId": issue_id(issue), "title": "New"}
    )

    # then
    after = await snapshot()
    changed = [name for name in before if after[name] != before[name]]
    assert changed == ["Issue"]
    different = [
        (old["id"], new["id"])
        for old, new in zip(before["Issue"], after["Issue"], strict=True)
        if old != new
    ]
    assert different == [(issue.pk, issue.pk)]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"title": "  Flights  "}, {"title": "Flights"}, id="title"),
        pytest.param({"summary": ""}, {"summary": ""}, id="summary-cleared"),
        pytest.param({"category": "VISAS"}, {"category": "VISAS"}, id="category"),
        pytest.param({"raisedBy": []}, {"raisedBy": []}, id="raised-by-cleared"),
        pytest.param({"raisedBy": ["in"]}, {"raisedBy": ["IN"]}, id="raised-by"),
    ],
)
async def test_omitted_fields_stay_as_they_are(
    client: httpx.AsyncClient,
    tokens: Tokens,
    issue: Issue,
    changes: JSON,
    expected: JSON,
) -> None:
    # given
    await Issue.filter(id=issue.pk).update(raised_by="CN,IN", summary="Some text")
    await issue.refresh_from_db()

    # when
    payload = await mutate(
        client, tokens.editor, ISSUE_EDIT, {"issueId": issue_id(issue), **changes}
    )

    # then
    assert payload["changed"] is True
    assert without_timestamps(payload["issue"]) == as_read(
        issue, version=issue.version + 1, **expected
    )


async def test_an_edit_to_the_current_values_changes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    before = await snapshot()
    given = {
        "issueId": issue_id(issue),
        "title": f"  {issue.title} ",
        "summary": issue.summary,
        "category": issue.category.value,
        "raisedBy": issue.raised_by.split(","),
        "expectedVersion": issue.version,
    }

    # when
    payload = await mutate(client, tokens.editor, ISSUE_EDIT, given)

    # then
    assert payload["__typename"] == "IssueEditSuccess"
    assert payload["changed"] is False
    assert without_timestamps(payload["issue"]) == as_read(issue)
    assert datetime.fromisoformat(payload["issue"]["updatedAt"]) == issue.updated_at
    assert await snapshot() == before
    assert events.events == []


async def test_an_admin_may_edit(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # when
    payload = await mutate(
        client, tokens.admin, ISSUE_EDIT, {"issueId": issue_id(issue), "title": "X"}
    )

    # then
    assert (payload["__typename"], payload["changed"]) == ("IssueEditSuccess", True)
    assert [event.kind for event in events.events] == [EventKind.ISSUE_EDITED]


async def test_two_edits_bump_the_version_twice(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    first = await mutate(
        client,
        tokens.editor,
        ISSUE_EDIT,
        {"issueId": issue_id(issue), "title": "One", "expectedVersion": issue.version},
    )

    # when
    second = await mutate(
        client,
        tokens.editor,
        ISSUE_EDIT,
        {
            "issueId": issue_id(issue),
            "title": "Two",
            "expectedVersion": first["issue"]["version"],
        },
    )

    # then
    assert second["issue"]["version"] == issue.version + 2
    assert second["issue"]["updatedAt"] >= first["issue"]["updatedAt"]
    assert [event.version for event in events.events] == [
        issue.version + 1,
        issue.version + 2,
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {},
            {
                "code": "REQUIRED",
                "field": "input",
                "message": "Give at least one field to change: title, summary, "
                "category or raised by.",
            },
            id="no-field",
        ),
        pytest.param(
            {"title": None, "summary": None, "expectedVersion": 1},
            {
                "code": "REQUIRED",
                "field": "input",
                "message": "Give at least one field to change: title, summary, "
                "category or raised by.",
            },
            id="only-nulls",
        ),
        pytest.param(
            {"title": ""},
            {
                "code": "REQUIRED",
                "field": "title",
                "message": "The title must not be blank.",
            },
            id="title-empty",
        ),
        pytest.param(
            {"title": "   "},
            {
                "code": "REQUIRED",
                "field": "title",
                "message": "The title must not be blank.",
            },
            id="title-blank",
        ),
        pytest.param(
            {"title": "t" * 201},
            {
                "code": "TOO_LONG",
                "field": "title",
                "message": "The title is limited to 200 characters; 201 given.",
            },
            id="title-too-long",
        ),
        pytest.param(
            {"summary": "s" * 10_001},
            {
                "code": "TOO_LONG",
                "field": "summary",
                "message": "The summary is limited to 10,000 characters; 10,001 given.",
            },
            id="summary-too-long",
        ),
        pytest.param(
            {"raisedBy": ["IN", "BT"]},
            {
                "code": "NOT_IN_RELATIONSHIP",
                "field": "raisedBy",
                "message": "BT is not a country of this relationship; use IN or CN.",
            },
            id="raised-by-outsider",
        ),
        pytest.param(
            {"issueId": "not-an-id", "title": "Flights"},
            {
                "code": "INVALID",
                "field": "issueId",
                "message": "'not-an-id' is not a valid id.",
            },
            id="issue-malformed",
        ),
        pytest.param(
            {"issueId": A_MEETING, "title": "Flights"},
            {
                "code": "INVALID",
                "field": "issueId",
                "message": f"`issueId` must be the id of an Issue; '{A_MEETING}' "
                "is not.",
            },
            id="issue-wrong-type",
        ),
    ],
)
async def test_invalid_input_is_refused_with_a_validation_error(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    changes: JSON,
    expected: JSON,
) -> None:
    # given
    before = await snapshot()
    given = {"issueId": issue_id(issue), **changes}

    # when
    payload = await mutate(client, tokens.editor, ISSUE_EDIT, given)

    # then
    assert payload == {"__typename": "ValidationError", **expected}
    assert await snapshot() == before
    assert events.events == []


async def test_an_unknown_issue_is_not_found(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await mutate(
        client, tokens.editor, ISSUE_EDIT, {"issueId": UNKNOWN_ISSUE, "title": "X"}
    )

    # then
    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No issue has this id.",
        "field": "issueId",
        "id": UNKNOWN_ISSUE,
    }
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("offset", [-1, 1], ids=["stale", "ahead"])
async def test_a_stale_expected_version_is_a_conflict(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    offset: int,
) -> None:
    # given
    before = await snapshot()
    expected = issue.version + offset

    # when
    payload = await mutate(
        client,
        tokens.editor,
        ISSUE_EDIT,
        {"issueId": issue_id(issue), "title": "X", "expectedVersion": expected},
    )

    # then
    assert payload == {
        "__typename": "VersionConflictError",
        "code": "VERSION_CONFLICT",
        "message": f"The issue is at version {issue.version}, not {expected}: it "
        "changed since you read it. Read it again and retry with the new version.",
        "expectedVersion": expected,
        "currentVersion": issue.version,
    }
    assert await snapshot() == before
    assert events.events == []


async def test_a_no_op_edit_with_a_stale_version_is_still_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        ISSUE_EDIT,
        {
            "issueId": issue_id(issue),
            "title": issue.title,
            "expectedVersion": issue.version - 1,
        },
    )

    # then
    assert payload["__typename"] == "VersionConflictError"
    assert (payload["expectedVersion"], payload["currentVersion"]) == (
        issue.version - 1,
        issue.version,
    )
    assert await snapshot() == before
    assert events.events == []


async def test_an_archived_issue_cannot_be_edited(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    await Issue.filter(id=issue.pk).update(archived_at=now())
    before = await snapshot()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        ISSUE_EDIT,
        {"issueId": issue_id(issue), "title": "X", "expectedVersion": issue.version},
    )

    # then
    assert payload == {
        "__typename": "ValidationError",
        "code": "ARCHIVED",
        "message": f"The issue '{SLUG}' is archived; unarchive it before changing it.",
        "field": "issueId",
    }
    assert await snapshot() == before
    assert events.events == []
