"""issueArchive: hiding an issue from lists and counts, and restoring it."""

from datetime import UTC, date, datetime

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.enums import EventKind
from models.events import Event
from models.issue import Issue
from tests.api.graphql import (
    JSON,
    current_status,
    gql_data,
    mutate,
    seed_slugs,
    status_count_list,
    statuses_on,
)
from tests.conftest import EventRecorder, Tokens
from tests.snapshots import snapshot

ISSUE_ARCHIVE = """
mutation IssueArchive($input: IssueArchiveInput!) {
  issueArchive(input: $input) {
    __typename
    ... on IssueArchiveSuccess {
      changed
      issue { id slug title status version createdAt updatedAt archivedAt }
    }
    ... on UserError { code message }
    ... on ValidationError { field }
    ... on NotFoundError { field id }
    ... on VersionConflictError { expectedVersion currentVersion }
  }
}
"""

LISTS = """
query Lists($id: ID!) {
  issues(first: 100) { totalCount nodes { slug } }
  withArchived: issues(first: 100, filter: { includeArchived: true }) {
    totalCount
  }
  statusCounts(relationship: "india-china") { status count }
  countsThen: statusCounts(relationship: "india-china", asOf: "2025-01-27") {
    status
    count
  }
  issuesThen: issues(first: 100, filter: { asOf: "2025-01-27" }) { totalCount }
  relationship(slug: "india-china") { issues(first: 100) { totalCount } }
  node(id: $id) { ... on Issue { slug archivedAt } }
}
"""

SLUG = "direct-flights"
UNKNOWN_ISSUE = global_id("Issue", 999_999)
A_RELATIONSHIP = global_id("Relationship", 1)
THEN = date(2025, 1, 27)


@pytest.fixture
async def issue(seeded_db: TortoiseContext) -> Issue:
    """A seeded, active issue with a current status."""
    return await Issue.get(slug=SLUG)


def issue_id(issue: Issue) -> str:
    """An issue's global id."""
    return global_id("Issue", issue.pk)


def lists_without(hidden: set[str]) -> JSON:
    """What LISTS reads when the `hidden` seeded issues are archived."""
    shown = [slug for slug in sorted(seed_slugs()) if slug not in hidden]
    statuses = {slug: current_status(slug) for slug in shown}
    then = {s: status for s, status in statuses_on(THEN).items() if s not in hidden}
    return {
        "issues": {"totalCount": len(shown), "nodes": [{"slug": s} for s in shown]},
        "withArchived": {"totalCount": len(seed_slugs())},
        "statusCounts": status_count_list(statuses),
        "countsThen": status_count_list(then),
        "issuesThen": {"totalCount": len(then)},
        "relationship": {"issues": {"totalCount": len(shown)}},
    }


async def read_lists(client: httpx.AsyncClient, issue: Issue) -> JSON:
    """The issue lists and counts, and the issue itself by id."""
    return await gql_data(client, LISTS, {"id": issue_id(issue)})


def without_node(lists: JSON) -> JSON:
    """The lists and counts of LISTS, without the single issue it also reads."""
    return {k: v for k, v in lists.items() if k != "node"}


async def archive(
    client: httpx.AsyncClient, token: str, issue: Issue, **extra: object
) -> JSON:
    """Call issueArchive on one issue."""
    return await mutate(
        client, token, ISSUE_ARCHIVE, {"issueId": issue_id(issue), **extra}
    )


async def test_archiving_stamps_the_issue_and_bumps_its_version(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    started = datetime.now(UTC)

    # when
    payload = await archive(client, tokens.editor, issue, expectedVersion=issue.version)

    # then
    finished = datetime.now(UTC)
    archived = payload["issue"]
    archived_at = datetime.fromisoformat(archived.pop("archivedAt"))
    updated_at = datetime.fromisoformat(archived.pop("updatedAt"))
    assert payload["__typename"] == "IssueArchiveSuccess"
    assert payload["changed"] is True
    assert archived == {
        "id": issue_id(issue),
        "slug": SLUG,
        "title": issue.title,
        "status": current_status(SLUG),
        "version": issue.version + 1,
        "createdAt": archived["createdAt"],
    }
    assert datetime.fromisoformat(archived["createdAt"]) == issue.created_at
    assert started <= archived_at <= finished
    assert started <= updated_at <= finished
    row = await Issue.get(id=issue.pk)
    assert (row.archived_at, row.version) == (archived_at, issue.version + 1)
    assert events.events == [
        Event(EventKind.ISSUE_ARCHIVED, issue_id=issue.pk, version=issue.version + 1)
    ]


async def test_archived_is_true_by_default(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # when
    payload = await archive(client, tokens.editor, issue)

    # then
    assert payload["changed"] is True
    assert payload["issue"]["archivedAt"] is not None


async def test_an_archived_issue_leaves_lists_and_counts(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given
    assert without_node(await read_lists(client, issue)) == lists_without(set())

    # when
    payload = await archive(client, tokens.editor, issue)

    # then
    lists = await read_lists(client, issue)
    assert lists.pop("node") == {
        "slug": SLUG,
        "archivedAt": payload["issue"]["archivedAt"],
    }
    assert lists == lists_without({SLUG})


async def test_a_restored_issue_comes_back(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    archived = await archive(client, tokens.editor, issue)
    version = archived["issue"]["version"]

    # when
    payload = await archive(
        client, tokens.editor, issue, archived=False, expectedVersion=version
    )

    # then
    assert payload["__typename"] == "IssueArchiveSuccess"
    assert payload["changed"] is True
    assert payload["issue"]["archivedAt"] is None
    assert payload["issue"]["version"] == issue.version + 2
    assert payload["issue"]["updatedAt"] >= archived["issue"]["updatedAt"]
    assert (await Issue.get(id=issue.pk)).archived_at is None
    lists = await read_lists(client, issue)
    assert lists.pop("node") == {"slug": SLUG, "archivedAt": None}
    assert lists == lists_without(set())
    assert events.events == [
        Event(EventKind.ISSUE_ARCHIVED, issue_id=issue.pk, version=issue.version + 1),
        Event(EventKind.ISSUE_UNARCHIVED, issue_id=issue.pk, version=issue.version + 2),
    ]


async def test_an_admin_may_archive(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # when
    payload = await archive(client, tokens.admin, issue)

    # then
    assert (payload["__typename"], payload["changed"]) == ("IssueArchiveSuccess", True)
    assert [event.kind for event in events.events] == [EventKind.ISSUE_ARCHIVED]


async def test_archiving_an_archived_issue_changes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    first = await archive(client, tokens.editor, issue)
    before = await snapshot()
    events.events.clear()

    # when
    payload = await archive(
        client, tokens.editor, issue, expectedVersion=first["issue"]["version"]
    )

    # then
    assert payload == {**first, "changed": False}
    assert await snapshot() == before
    assert events.events == []


async def test_restoring_an_active_issue_changes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await archive(client, tokens.editor, issue, archived=False)

    # then
    assert payload["__typename"] == "IssueArchiveSuccess"
    assert payload["changed"] is False
    assert payload["issue"]["archivedAt"] is None
    assert payload["issue"]["version"] == issue.version
    assert datetime.fromisoformat(payload["issue"]["updatedAt"]) == issue.updated_at
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("archived", [True, False])
@pytest.mark.parametrize("offset", [-1, 1], ids=["stale", "ahead"])
async def test_a_wrong_expected_version_is_a_conflict(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    archived: bool,
    offset: int,
) -> None:
    # given
    before = await snapshot()
    expected = issue.version + offset

    # when
    payload = await archive(
        client, tokens.editor, issue, archived=archived, expectedVersion=expected
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


@pytest.mark.parametrize(
    ("given_id", "expected"),
    [
        pytest.param(
            "not-an-id",
            {
                "__typename": "ValidationError",
                "code": "INVALID",
                "message": "'not-an-id' is not a valid id.",
                "field": "issueId",
            },
            id="malformed",
        ),
        pytest.param(
            A_RELATIONSHIP,
            {
                "__typename": "ValidationError",
                "code": "INVALID",
                "message": f"`issueId` must be the id of an Issue; '{A_RELATIONSHIP}' "
                "is not.",
                "field": "issueId",
            },
            id="wrong-type",
        ),
        pytest.param(
            UNKNOWN_ISSUE,
            {
                "__typename": "NotFoundError",
                "code": "NOT_FOUND",
                "message": "No issue has this id.",
                "field": "issueId",
                "id": UNKNOWN_ISSUE,
            },
            id="unknown",
        ),
    ],
)
async def test_a_bad_issue_id_is_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    seeded_db: TortoiseContext,
    given_id: str,
    expected: JSON,
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await mutate(client, tokens.editor, ISSUE_ARCHIVE, {"issueId": given_id})

    # then
    assert payload == expected
    assert await snapshot() == before
    assert events.events == []
