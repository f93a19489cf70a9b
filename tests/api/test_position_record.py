"""positionRecord: recording what a side has said on an issue, over HTTP.

A position is a dated, sourced statement of one of the relationship's two sides.
Recording one bumps the issue's version and adds a live-feed entry; every refusal
is a typed error that writes and publishes nothing.
"""

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
from tests.api.graphql import JSON, gql, mutate, row_id, validation_error
from tests.conftest import EventRecorder, Tokens
from tests.factories import make_issue

RECORD = """
mutation Record($input: PositionRecordInput!) {
  positionRecord(input: $input) {
    __typename
    ... on PositionRecordSuccess {
      replayed
      issue { id version }
      position {
        id
        country
        statedOn { date precision text }
        speaker
        statement
        quote
        source { url title publisher }
        verified
        recordedBy
        retractedAt
        issue { id slug }
      }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field id }
    ... on VersionConflictError { code message expectedVersion currentVersion }
  }
}
"""

SOURCE = {
    "url": "https://example.org/statement",
    "title": "Minister's statement",
    "publisher": "Example Daily",
}


@pytest.fixture
async def issue(seeded_db: TortoiseContext) -> Issue:
    """A fresh issue of the seeded India-China relationship, at version 1."""
    return await make_issue(slug="test-positions")


def record_input(issue: Issue, **overrides: Any) -> JSON:
    """A valid input for the issue; overrides replace fields."""
    return {
        "issueId": global_id("Issue", issue.pk),
        "country": "IN",
        "statedOn": "2025-08",
        "speaker": "EAM S. Jaishankar",
        "statement": "India wants peace on the border before normal ties.",
        "quote": "Peace and tranquillity are the basis of normal ties.",
        "source": SOURCE,
        **overrides,
    }


async def unchanged(issue: Issue, events: EventRecorder) -> None:
    """Nothing was written or published for the issue."""
    stored = await Issue.get(id=issue.pk)
    assert stored.version == issue.version
    assert await Position.filter(issue_id=issue.pk).count() == 0
    assert await FeedEntry.filter(issue_id=issue.pk).count() == 0
    assert events.events == []


# Success


async def test_recording_a_position_stores_it_and_bumps_the_version(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # when
    payload = await mutate(client, tokens.editor, RECORD, record_input(issue))

    # then
    position_id = payload["position"]["id"]
    issue_id = global_id("Issue", issue.pk)
    assert payload == {
        "__typename": "PositionRecordSuccess",
        "replayed": False,
        "issue": {"id": issue_id, "version": 2},
        "position": {
            "id": position_id,
            "country": "IN",
            "statedOn": {"date": "2025-08-01", "precision": "MONTH", "text": "2025-08"},
            "speaker": "EAM S. Jaishankar",
            "statement": "India wants peace on the border before normal ties.",
            "quote": "Peace and tranquillity are the basis of normal ties.",
            "source": SOURCE,
            "verified": True,
            "recordedBy": "editor",
            "retractedAt": None,
            "issue": {"id": issue_id, "slug": "test-positions"},
        },
    }
    row = await Position.get(id=row_id(position_id, "Position"))
    assert (row.issue_id, row.country, row.recorded_by, row.source_url) == (
        issue.pk,
        "IN",
        "editor",
        SOURCE["url"],
    )
    assert (await Issue.get(id=issue.pk)).version == 2
    entry = await FeedEntry.get(position_id=row.pk)
    assert (entry.kind, entry.update_id, entry.issue_id) == (
        FeedKind.POSITION_RECORDED,
        None,
        issue.pk,
    )
    assert events.events == [
        Event(
            EventKind.POSITION_RECORDED,
            issue_id=issue.pk,
            position_id=row.pk,
            version=2,
            position=entry.pk,
            announced=announced_on_commit(),
        )
    ]


async def test_a_lower_case_country_and_an_unverified_quote_are_accepted(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    given = record_input(issue, country=" cn ", verified=False)

    payload = await mutate(client, tokens.editor, RECORD, given)

    assert (payload["position"]["country"], payload["position"]["verified"]) == (
        "CN",
        False,
    )


async def test_the_same_idempotency_key_replays_the_first_call(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    given = record_input(issue, idempotencyKey="position-1")
    first = await mutate(client, tokens.editor, RECORD, given)

    again = await mutate(client, tokens.editor, RECORD, given)

    assert again["replayed"] is True
    assert again["position"]["id"] == first["position"]["id"]
    assert await Position.filter(issue_id=issue.pk).count() == 1
    assert (await Issue.get(id=issue.pk)).version == 2
    assert len(events.events) == 1


async def test_an_expected_version_that_matches_is_accepted(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    payload = await mutate(
        client, tokens.editor, RECORD, record_input(issue, expectedVersion=1)
    )

    assert payload["issue"]["version"] == 2


# Refusals: nothing written, nothing published


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"country": "NP"},
            validation_error(
                "country",
                "NP is not a country of this relationship; use IN or CN.",
                "NOT_IN_RELATIONSHIP",
            ),
        ),
        (
            {"country": "  "},
            validation_error("country", "The country must not be blank.", "REQUIRED"),
        ),
        (
            {"statedOn": "2999-01-01"},
            validation_error("statedOn", "2999-01-01 is in the future.", "IN_FUTURE"),
        ),
        (
            {"statedOn": "2025-02-30"},
            validation_error("statedOn", "'2025-02-30' is not a real date."),
        ),
        (
            {"speaker": " "},
            validation_error("speaker", "The speaker must not be blank.", "REQUIRED"),
        ),
        (
            {"quote": "x" * 2001},
            validation_error(
                "quote",
                "The quote is limited to 2,000 characters; 2,001 given.",
                "TOO_LONG",
            ),
        ),
        (
            {"statement": "a\x00b"},
            validation_error(
                "statement", "The statement must not contain control characters."
            ),
        ),
        (
            {"source": {"url": "ftp://example.org/x"}},
            validation_error(
                "source.url",
                "The source URL must be an absolute http or https address.",
            ),
        ),
    ],
)
async def test_invalid_input_is_refused_with_the_field_named(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    overrides: JSON,
    error: JSON,
) -> None:
    payload = await mutate(
        client, tokens.editor, RECORD, record_input(issue, **overrides)
    )

    assert payload == error
    await unchanged(issue, events)


async def test_a_stale_expected_version_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    payload = await mutate(
        client, tokens.editor, RECORD, record_input(issue, expectedVersion=7)
    )

    assert payload == {
        "__typename": "VersionConflictError",
        "code": "VERSION_CONFLICT",
        "message": "The issue is at version 1, not 7: it changed since you read it. "
        "Read it again and retry with the new version.",
        "expectedVersion": 7,
        "currentVersion": 1,
    }
    await unchanged(issue, events)


async def test_an_unknown_issue_is_not_found(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    missing = global_id("Issue", 999_999)

    payload = await mutate(
        client, tokens.editor, RECORD, record_input(issue, issueId=missing)
    )

    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No issue has this id.",
        "field": "issueId",
        "id": missing,
    }
    await unchanged(issue, events)


async def test_an_id_of_another_type_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    wrong = global_id("Meeting", 1)

    payload = await mutate(
        client, tokens.editor, RECORD, record_input(issue, issueId=wrong)
    )

    assert payload["__typename"] == "ValidationError"
    assert payload["field"] == "issueId"
    await unchanged(issue, events)


async def test_an_archived_issue_takes_no_position(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    from models.transactions import now

    archived = await make_issue(slug="archived-one", archived_at=now())

    payload = await mutate(client, tokens.editor, RECORD, record_input(archived))

    assert payload == validation_error(
        "issueId",
        "The issue 'archived-one' is archived; unarchive it before changing it.",
        "ARCHIVED",
    )
    await unchanged(archived, events)


async def test_a_reused_key_with_other_input_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    await mutate(
        client, tokens.editor, RECORD, record_input(issue, idempotencyKey="k-1")
    )
    events.events.clear()

    payload = await mutate(
        client,
        tokens.editor,
        RECORD,
        record_input(issue, idempotencyKey="k-1", speaker="Someone else"),
    )

    assert payload["__typename"] == "ValidationError"
    assert payload["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await Position.filter(issue_id=issue.pk).count() == 1
    assert events.events == []


@pytest.mark.parametrize("role", ["anonymous", "reader"])
async def test_only_editors_record_positions(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    role: str,
) -> None:
    token = None if role == "anonymous" else tokens.reader

    body = await gql(client, RECORD, {"input": record_input(issue)}, token)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "FORBIDDEN")
    await unchanged(issue, events)
