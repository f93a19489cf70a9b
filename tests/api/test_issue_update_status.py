"""issueUpdateStatus: posting a dated, sourced status update over HTTP.

Successes return the new update and the issue's re-derived status and version, and
publish one STATUS_UPDATED event. Refusals are typed errors that write and publish
nothing; retries with an idempotency key replay the first call, even after a restart.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.settings import Settings
from models.database import open_database
from models.enums import DatePrecision, EventKind, IssueStatus, TokenRole
from models.events import Event
from models.feed import announced_on_commit
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.status_update import StatusUpdate
from models.tokens import create_token
from tests.api.graphql import JSON, gql, mutate, only_error, row_id, validation_error
from tests.conftest import EventRecorder, Tokens
from tests.factories import feed_position, make_issue
from tests.snapshots import snapshot

UPDATE_STATUS = """
mutation UpdateStatus($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on IssueUpdateStatusSuccess {
      replayed
      issue { id status version }
      update {
        id
        status
        occurredOn { date precision text }
        note
        source { url title publisher }
        verified
        recordedAt
        recordedBy
        retractedAt
        retractionReason
        retractedBy
        previousStatus
        issue { id status }
      }
    }
    ... on ValidationError { code message field }
    ... on NotFoundError { code message field id }
    ... on VersionConflictError { code message expectedVersion currentVersion }
  }
}
"""

CREATE = """
mutation Create($input: IssueCreateInput!) {
  issueCreate(input: $input) {
    __typename
    ... on IssueCreateSuccess { issue { slug } }
  }
}
"""

SOURCE = {
    "url": "https://example.org/news/flights-resume",
    "title": "Flights resume",
    "publisher": "Example News",
}
NOTE = "Both sides agreed to resume direct flights."
LATEST_DAY = date(2024, 6, 15)
# A day has begun somewhere once it has begun at UTC+14. The day after tomorrow
# (UTC) has begun nowhere yet, nor has the year after tomorrow's year.
FUTURE_DAY = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
FUTURE_YEAR = str((datetime.now(UTC) + timedelta(days=1)).year + 1)


@pytest.fixture
async def issue(seeded_db: TortoiseContext) -> Issue:
    """An issue under discussion since 15 June 2024, at version 2."""
    return await make_issue(history=[(LATEST_DAY, IssueStatus.UNDER_DISCUSSION)])


def update_input(issue: Issue, **overrides: Any) -> JSON:
    """A valid input for the issue; overrides replace (or, as None, drop) fields."""
    given: JSON = {
        "issueId": global_id("Issue", issue.pk),
        "status": "AGREED_IN_PRINCIPLE",
        "occurredOn": "2025-10-26",
        "note": NOTE,
        "source": SOURCE,
        **overrides,
    }
    return {name: value for name, value in given.items() if value is not None}


async def status_updated(issue: Issue, update_id: str, version: int) -> Event:
    """The event a successful call publishes."""
    return Event(
        EventKind.STATUS_UPDATED,
        issue_id=issue.pk,
        update_id=row_id(update_id),
        version=version,
        position=await feed_position(row_id(update_id)),
        announced=announced_on_commit(),
    )


# Success


async def test_an_update_is_recorded_and_becomes_the_current_status(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given
    issue_id = global_id("Issue", issue.pk)
    before = datetime.now(UTC)

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, update_input(issue))

    # then
    after = datetime.now(UTC)
    update = payload["update"]
    recorded_at = datetime.fromisoformat(update.pop("recordedAt"))
    assert before <= recorded_at <= after
    assert payload == {
        "__typename": "IssueUpdateStatusSuccess",
        "replayed": False,
        "issue": {"id": issue_id, "status": "AGREED_IN_PRINCIPLE", "version": 3},
        "update": {
            "id": update["id"],
            "status": "AGREED_IN_PRINCIPLE",
            "occurredOn": {
                "date": "2025-10-26",
                "precision": "DAY",
                "text": "2025-10-26",
            },
            "note": NOTE,
            "source": SOURCE,
            "verified": True,
            "recordedBy": "editor",
            "retractedAt": None,
            "retractionReason": None,
            "retractedBy": None,
            "previousStatus": "UNDER_DISCUSSION",
            "issue": {"id": issue_id, "status": "AGREED_IN_PRINCIPLE"},
        },
    }
    row = await StatusUpdate.get(id=row_id(update["id"]))
    assert (row.issue_id, row.status, row.occurred_on, row.occurred_precision) == (
        issue.pk,
        IssueStatus.AGREED_IN_PRINCIPLE,
        date(2025, 10, 26),
        DatePrecision.DAY,
    )
    assert (row.note, row.source_url, row.source_title, row.source_publisher) == (
        NOTE,
        SOURCE["url"],
        SOURCE["title"],
        SOURCE["publisher"],
    )
    assert (row.verified, row.recorded_by, row.recorded_at) == (
        True,
        "editor",
        recorded_at,
    )
    stored = await Issue.get(id=issue.pk)
    assert (stored.status, stored.version) == (IssueStatus.AGREED_IN_PRINCIPLE, 3)
    assert before <= stored.updated_at <= after
    assert await StatusUpdate.filter(issue_id=issue.pk).count() == 2
    assert events.events == [await status_updated(issue, update["id"], 3)]


@pytest.mark.parametrize(
    ("occurred_on", "first_day", "precision"),
    [
        ("2025-10-26", "2025-10-26", "DAY"),
        ("2025-10", "2025-10-01", "MONTH"),
        ("2025", "2025-01-01", "YEAR"),
        (" 2025-10 ", "2025-10-01", "MONTH"),
    ],
)
async def test_occurred_on_keeps_its_precision(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    occurred_on: str,
    first_day: str,
    precision: str,
) -> None:
    # given
    given = update_input(issue, occurredOn=occurred_on)

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["update"]["occurredOn"] == {
        "date": first_day,
        "precision": precision,
        "text": occurred_on.strip(),
    }
    row = await StatusUpdate.get(id=row_id(payload["update"]["id"]))
    assert (row.occurred_on, row.occurred_precision) == (
        date.fromisoformat(first_day),
        DatePrecision(precision),
    )
    # the partial date takes effect at its first day, after 15 June 2024
    assert payload["issue"] == {
        "id": global_id("Issue", issue.pk),
        "status": "AGREED_IN_PRINCIPLE",
        "version": 3,
    }
    assert events.events == [await status_updated(issue, payload["update"]["id"], 3)]


async def test_a_year_starting_before_the_latest_update_is_a_back_fill(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given an issue whose latest update is on 15 June 2024

    # when an update dated "2024" (1 January 2024) arrives
    given = update_input(issue, occurredOn="2024", status="RESOLVED")
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then it sorts before 15 June and the status does not move
    assert payload["issue"]["status"] == "UNDER_DISCUSSION"
    assert payload["update"]["previousStatus"] is None


async def test_a_back_filled_update_keeps_the_status_but_bumps_the_version(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given an issue under discussion since 15 June 2024, at version 2

    # when an older update is back-filled
    given = update_input(issue, occurredOn="2024-03", status="PROPOSED")
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["__typename"] == "IssueUpdateStatusSuccess"
    assert payload["issue"] == {
        "id": global_id("Issue", issue.pk),
        "status": "UNDER_DISCUSSION",
        "version": 3,
    }
    assert payload["update"]["status"] == "PROPOSED"
    assert payload["update"]["previousStatus"] is None
    stored = await Issue.get(id=issue.pk)
    assert (stored.status, stored.version) == (IssueStatus.UNDER_DISCUSSION, 3)
    assert await StatusUpdate.filter(issue_id=issue.pk).count() == 2
    assert events.events == [await status_updated(issue, payload["update"]["id"], 3)]


async def test_an_update_on_the_same_day_as_the_latest_wins_the_tie(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given an issue whose latest update is on 15 June 2024

    # when another update is dated the same day
    given = update_input(issue, occurredOn=LATEST_DAY.isoformat(), status="STALLED")
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then the later-recorded one sets the status
    assert payload["issue"]["status"] == "STALLED"
    assert payload["update"]["previousStatus"] == "UNDER_DISCUSSION"


@pytest.mark.parametrize(
    ("source", "verified", "expected"),
    [
        (SOURCE, None, True),
        (None, None, False),
        (SOURCE, False, False),
        (SOURCE, True, True),
        (None, False, False),
    ],
)
async def test_verified_defaults_to_whether_a_source_is_cited(
    client: httpx.AsyncClient,
    tokens: Tokens,
    issue: Issue,
    source: JSON | None,
    verified: bool | None,
    expected: bool,
) -> None:
    # given
    given = update_input(issue, source=source, verified=verified)

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["update"]["verified"] is expected
    assert payload["update"]["source"] == source
    row = await StatusUpdate.get(id=row_id(payload["update"]["id"]))
    assert row.verified is expected


async def test_the_note_and_source_are_trimmed_and_blank_source_details_dropped(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given
    source = {"url": " https://example.org/a ", "title": "  ", "publisher": None}
    given = update_input(issue, note=f"  {NOTE}\n", source=source)

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["update"]["note"] == NOTE
    assert payload["update"]["source"] == {
        "url": "https://example.org/a",
        "title": None,
        "publisher": None,
    }


async def test_limits_are_inclusive(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given a note of 2,000 characters and a URL of 2,048
    note = "n" * 2_000
    url = "https://example.org/" + "u" * (2_048 - len("https://example.org/"))
    given = update_input(issue, note=note, source={"url": url})

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["__typename"] == "IssueUpdateStatusSuccess"
    assert payload["update"]["note"] == note
    assert payload["update"]["source"] == {"url": url, "title": None, "publisher": None}


async def test_an_admin_may_post_and_is_recorded_by_name(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # when
    payload = await mutate(client, tokens.admin, UPDATE_STATUS, update_input(issue))

    # then
    assert payload["update"]["recordedBy"] == "admin"


async def test_the_matching_expected_version_is_accepted(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # when
    given = update_input(issue, expectedVersion=2)
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["issue"]["version"] == 3
    assert events.events == [await status_updated(issue, payload["update"]["id"], 3)]


# Refusals


LONG_URL = "https://example.org/" + "u" * (2_049 - len("https://example.org/"))
HTTP_ONLY = "The source URL must be an absolute http or https address."
REFUSED_INPUTS = [
    pytest.param(
        {"occurredOn": "26/10/2025"},
        validation_error(
            "occurredOn",
            "'26/10/2025' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        id="occurred-on-malformed",
    ),
    pytest.param(
        {"occurredOn": ""},
        validation_error("occurredOn", "The date must not be blank.", "REQUIRED"),
        id="occurred-on-empty",
    ),
    pytest.param(
        {"occurredOn": "2025-10-26T10:00:00"},
        validation_error(
            "occurredOn",
            "'2025-10-26T10:00:00' is not a date of the form YYYY, YYYY-MM or "
            "YYYY-MM-DD.",
        ),
        id="occurred-on-with-a-time",
    ),
    pytest.param(
        # Arabic-Indic digits: \d in a str pattern matches any Unicode digit
        {"occurredOn": "\u0662\u0660\u0662\u0665-\u0661\u0660"},
        validation_error(
            "occurredOn",
            "'\u0662\u0660\u0662\u0665-\u0661\u0660' is not a date of the form "
            "YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        id="occurred-on-non-ascii-digits",
    ),
    pytest.param(
        {"occurredOn": "2025-02-30"},
        validation_error("occurredOn", "'2025-02-30' is not a real date."),
        id="occurred-on-not-a-real-day",
    ),
    pytest.param(
        {"occurredOn": "2025-13"},
        validation_error("occurredOn", "'2025-13' is not a real date."),
        id="occurred-on-not-a-real-month",
    ),
    pytest.param(
        {"occurredOn": FUTURE_DAY},
        validation_error("occurredOn", f"{FUTURE_DAY} is in the future.", "IN_FUTURE"),
        id="occurred-on-in-two-days",
    ),
    pytest.param(
        {"occurredOn": FUTURE_YEAR},
        validation_error("occurredOn", f"{FUTURE_YEAR} is in the future.", "IN_FUTURE"),
        id="occurred-on-next-year",
    ),
    pytest.param(
        {"note": " \n\t "},
        validation_error("note", "The note must not be blank.", "REQUIRED"),
        id="note-blank",
    ),
    pytest.param(
        {"note": "n" * 2_001},
        validation_error(
            "note", "The note is limited to 2,000 characters; 2,001 given.", "TOO_LONG"
        ),
        id="note-too-long",
    ),
    pytest.param(
        {"source": {"url": "ftp://example.org/report"}},
        validation_error("source.url", HTTP_ONLY),
        id="source-url-not-http",
    ),
    pytest.param(
        {"source": {"url": "javascript:alert(1)"}},
        validation_error("source.url", HTTP_ONLY),
        id="source-url-javascript",
    ),
    pytest.param(
        {"source": {"url": "/news/flights-resume"}},
        validation_error("source.url", HTTP_ONLY),
        id="source-url-relative",
    ),
    pytest.param(
        {"source": {"url": "https://"}},
        validation_error("source.url", HTTP_ONLY),
        id="source-url-without-host",
    ),
    pytest.param(
        # urlsplit drops tabs and newlines before parsing, so check the raw text
        {"source": {"url": "https://example.org/a\tb"}},
        validation_error("source.url", HTTP_ONLY),
        id="source-url-with-a-tab",
    ),
    pytest.param(
        {"source": {"url": "  "}},
        validation_error("source.url", "The source URL must not be blank.", "REQUIRED"),
        id="source-url-blank",
    ),
    pytest.param(
        {"source": {"url": LONG_URL}},
        validation_error(
            "source.url",
            "The source URL is limited to 2,048 characters; 2,049 given.",
            "TOO_LONG",
        ),
        id="source-url-too-long",
    ),
    pytest.param(
        {"source": {"url": SOURCE["url"], "title": "t" * 501}},
        validation_error(
            "source.title",
            "The source title is limited to 500 characters; 501 given.",
            "TOO_LONG",
        ),
        id="source-title-too-long",
    ),
    pytest.param(
        {"source": None, "verified": True},
        validation_error(
            "verified", "An update can only be verified against a source; cite one."
        ),
        id="verified-without-source",
    ),
    pytest.param(
        {"idempotencyKey": "   "},
        validation_error(
            "idempotencyKey", "The idempotency key must not be blank.", "REQUIRED"
        ),
        id="idempotency-key-blank",
    ),
    pytest.param(
        {"idempotencyKey": "k" * 201},
        validation_error(
            "idempotencyKey",
            "The idempotency key is limited to 200 characters; 201 given.",
            "TOO_LONG",
        ),
        id="idempotency-key-too-long",
    ),
    pytest.param(
        {"issueId": "not-an-id"},
        validation_error("issueId", "'not-an-id' is not a valid id."),
        id="issue-id-malformed",
    ),
    pytest.param(
        {"issueId": global_id("Issue", 0)},
        validation_error("issueId", f"'{global_id('Issue', 0)}' is not a valid id."),
        id="issue-id-zero",
    ),
    pytest.param(
        {"issueId": global_id("Relationship", 1)},
        validation_error(
            "issueId",
            f"`issueId` must be the id of an Issue; "
            f"'{global_id('Relationship', 1)}' is not.",
        ),
        id="issue-id-of-a-relationship",
    ),
    pytest.param(
        {"issueId": global_id("Issue", 999_999)},
        {
            "__typename": "NotFoundError",
            "code": "NOT_FOUND",
            "message": "No issue has this id.",
            "field": "issueId",
            "id": global_id("Issue", 999_999),
        },
        id="issue-id-unknown",
    ),
    pytest.param(
        {"expectedVersion": 1},
        {
            "__typename": "VersionConflictError",
            "code": "VERSION_CONFLICT",
            "message": "The issue is at version 2, not 1: it changed since you read "
            "it. Read it again and retry with the new version.",
            "expectedVersion": 1,
            "currentVersion": 2,
        },
        id="expected-version-stale",
    ),
    pytest.param(
        {"expectedVersion": 3},
        {
            "__typename": "VersionConflictError",
            "code": "VERSION_CONFLICT",
            "message": "The issue is at version 2, not 3: it changed since you read "
            "it. Read it again and retry with the new version.",
            "expectedVersion": 3,
            "currentVersion": 2,
        },
        id="expected-version-ahead",
    ),
]


@pytest.mark.parametrize(("overrides", "error"), REFUSED_INPUTS)
async def test_a_refused_input_writes_and_publishes_nothing(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    overrides: JSON,
    error: JSON,
) -> None:
    # given
    given = update_input(issue, **overrides)
    before = await snapshot()

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload == error
    assert await snapshot() == before
    assert events.events == []


async def test_an_archived_issue_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    archived = await make_issue(
        slug="archived-issue",
        archived_at=datetime(2025, 3, 1, tzinfo=UTC),
        history=[(LATEST_DAY, IssueStatus.STALLED)],
    )
    before = await snapshot()

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, update_input(archived))

    # then
    assert payload == validation_error(
        "issueId",
        "The issue 'archived-issue' is archived; unarchive it before changing it.",
        "ARCHIVED",
    )
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    ("role", "code", "message"),
    [
        (
            None,
            "UNAUTHENTICATED",
            "This needs an editor or admin token. "
            "Send `Authorization: Bearer <secret>`.",
        ),
        (
            "reader",
            "FORBIDDEN",
            "The token 'reader' has the role READER; "
            "this needs an editor or admin token.",
        ),
    ],
)
async def test_only_editors_and_admins_may_post(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    role: str | None,
    code: str,
    message: str,
) -> None:
    # given
    token = tokens.reader if role == "reader" else None
    before = await snapshot()

    # when
    body = await gql(client, UPDATE_STATUS, {"input": update_input(issue)}, token)

    # then
    error = only_error(body)
    assert (error["message"], error["extensions"]["code"]) == (message, code)
    assert body["data"] is None
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("field", ["note", "idempotencyKey"])
async def test_a_nul_character_is_refused_on_every_backend(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    field: str,
) -> None:
    # given text that PostgreSQL cannot store (SQLite can)
    given = update_input(issue, **{field: "before\x00after"})
    before = await snapshot()

    # when
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then it is the client's mistake, refused alike on both backends
    assert (payload["__typename"], payload["code"], payload["field"]) == (
        "ValidationError",
        "INVALID",
        field,
    )
    assert await snapshot() == before
    assert events.events == []


# Idempotency


async def test_a_retry_with_the_same_key_is_replayed(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given a first call with a key
    given = update_input(issue, idempotencyKey="flights-2025-10-26")
    first = await mutate(client, tokens.editor, UPDATE_STATUS, given)
    written = await snapshot()

    # when the client retries the same call
    retried = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then it gets the first call's update back and nothing new is written
    assert first["replayed"] is False
    assert retried == {**first, "replayed": True}
    assert await snapshot() == written
    assert await StatusUpdate.filter(issue_id=issue.pk).count() == 2
    assert await IdempotencyKey.filter(actor="editor").values(
        "key", "operation", "result"
    ) == [
        {
            "key": "flights-2025-10-26",
            "operation": "post_status_update",
            "result": {"issue": issue.pk, "update": row_id(first["update"]["id"])},
        }
    ]
    assert events.events == [await status_updated(issue, first["update"]["id"], 3)]


async def test_a_replay_ignores_a_version_that_moved_since(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given a first call that expected version 2, then another editor's update
    given = update_input(issue, expectedVersion=2, idempotencyKey="retry-me")
    first = await mutate(client, tokens.editor, UPDATE_STATUS, given)
    other = update_input(issue, occurredOn="2025-10-27", status="IN_PROGRESS")
    second = await mutate(client, tokens.admin, UPDATE_STATUS, other)
    written = await snapshot()

    # when the first client retries with its original input
    retried = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then it is a replay of its own update, not a version conflict
    assert retried["__typename"] == "IssueUpdateStatusSuccess"
    assert retried["replayed"] is True
    assert retried["update"]["id"] == first["update"]["id"]
    assert retried["issue"] == {
        "id": global_id("Issue", issue.pk),
        "status": "IN_PROGRESS",
        "version": 4,
    }
    assert await snapshot() == written
    assert events.events == [
        await status_updated(issue, first["update"]["id"], 3),
        await status_updated(issue, second["update"]["id"], 4),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"note": "Something else happened."},
        {"status": "RESOLVED"},
        {"occurredOn": "2025-10"},
        {"source": {"url": "https://example.org/other"}},
        {"verified": False},
        {"expectedVersion": 2},
    ],
)
async def test_the_same_key_with_another_input_is_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    issue: Issue,
    change: JSON,
) -> None:
    # given a first call with a key
    given = update_input(issue, idempotencyKey="once")
    first = await mutate(client, tokens.editor, UPDATE_STATUS, given)
    before = await snapshot()
    published = list(events.events)

    # when the key is used again for another input
    changed = {**given, **change}
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, changed)

    # then
    assert first["__typename"] == "IssueUpdateStatusSuccess"
    assert payload == validation_error(
        "idempotencyKey",
        "This idempotency key was already used with a different input. "
        "Use a new key for a new request.",
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert await snapshot() == before
    assert events.events == published


async def test_the_same_key_for_another_issue_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given a first call with a key, and a second issue
    await mutate(
        client, tokens.editor, UPDATE_STATUS, update_input(issue, idempotencyKey="k")
    )
    other = await make_issue(slug="other-issue")
    before = await snapshot()
    published = list(events.events)

    # when the key is used for the other issue
    given = update_input(other, idempotencyKey="k")
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert payload["__typename"] == "ValidationError"
    assert (payload["code"], payload["field"]) == (
        "IDEMPOTENCY_KEY_REUSED",
        "idempotencyKey",
    )
    assert await snapshot() == before
    assert events.events == published


async def test_a_key_used_by_another_mutation_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given a key the editor already used to create an issue
    created = await mutate(
        client,
        tokens.editor,
        CREATE,
        {
            "relationshipId": global_id("Relationship", issue.relationship_id),
            "slug": "created-with-a-key",
            "title": "Created with a key",
            "category": "TRADE",
            "idempotencyKey": "used-once",
        },
    )
    before = await snapshot()
    published = list(events.events)

    # when the same key comes with a status update
    given = update_input(issue, idempotencyKey="used-once")
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # then
    assert created == {
        "__typename": "IssueCreateSuccess",
        "issue": {"slug": "created-with-a-key"},
    }
    assert payload == validation_error(
        "idempotencyKey",
        "This idempotency key was already used with a different input. "
        "Use a new key for a new request.",
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert await snapshot() == before
    assert events.events == published


async def test_a_trimmed_note_is_the_same_input(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given a first call with a key
    given = update_input(issue, idempotencyKey="trimmed")
    first = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # when it is retried with only surrounding whitespace changed
    retried = await mutate(
        client, tokens.editor, UPDATE_STATUS, {**given, "note": f" {NOTE} "}
    )

    # then it is the same request
    assert retried["replayed"] is True
    assert retried["update"]["id"] == first["update"]["id"]


async def test_keys_are_scoped_to_the_token(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder, issue: Issue
) -> None:
    # given a second editor token and a call by the first editor with a key
    second_editor = await create_token("editor-2", TokenRole.EDITOR, actor="test")
    given = update_input(issue, idempotencyKey="shared-key")
    first = await mutate(client, tokens.editor, UPDATE_STATUS, given)

    # when the other editor uses the same key and input
    other = await mutate(client, second_editor.secret, UPDATE_STATUS, given)

    # then both calls are written, each under its own name
    assert (first["replayed"], other["replayed"]) == (False, False)
    assert first["update"]["id"] != other["update"]["id"]
    assert (first["update"]["recordedBy"], other["update"]["recordedBy"]) == (
        "editor",
        "editor-2",
    )
    assert (first["issue"]["version"], other["issue"]["version"]) == (3, 4)
    assert await StatusUpdate.filter(issue_id=issue.pk).count() == 3
    keys = await IdempotencyKey.all().order_by("id").values("actor", "key", "result")
    assert keys == [
        {
            "actor": "editor",
            "key": "shared-key",
            "result": {"issue": issue.pk, "update": row_id(first["update"]["id"])},
        },
        {
            "actor": "editor-2",
            "key": "shared-key",
            "result": {"issue": issue.pk, "update": row_id(other["update"]["id"])},
        },
    ]
    assert events.events == [
        await status_updated(issue, first["update"]["id"], 3),
        await status_updated(issue, other["update"]["id"], 4),
    ]


async def test_a_refused_call_does_not_use_up_its_key(
    client: httpx.AsyncClient, tokens: Tokens, issue: Issue
) -> None:
    # given a call refused for a stale version
    stale = update_input(issue, expectedVersion=1, idempotencyKey="fixed-later")
    refused = await mutate(client, tokens.editor, UPDATE_STATUS, stale)

    # when the client fixes its input and retries with the same key
    fixed = {**stale, "expectedVersion": 2}
    payload = await mutate(client, tokens.editor, UPDATE_STATUS, fixed)

    # then the key was free: the fixed call is written, not refused or replayed
    assert refused["__typename"] == "VersionConflictError"
    assert payload["__typename"] == "IssueUpdateStatusSuccess"
    assert payload["replayed"] is False


# A replay across a restart of the server


@asynccontextmanager
async def serve(
    settings: Settings, events: EventRecorder
) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh app instance and an HTTP client driving it."""
    app = create_app(settings, manage_database=False, publish=events)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_a_retry_after_a_restart_is_replayed(
    seeded_url: str, settings: Settings
) -> None:
    # given a first call to one server, which then shuts down
    first_events = EventRecorder()
    async with open_database(seeded_url):
        editor = (await create_token("editor", TokenRole.EDITOR, actor="test")).secret
        issue = await make_issue(history=[(LATEST_DAY, IssueStatus.UNDER_DISCUSSION)])
        given = update_input(issue, idempotencyKey="before-restart")
        async with serve(settings, first_events) as http:
            first = await mutate(http, editor, UPDATE_STATUS, given)
        written = await snapshot()
        published = await status_updated(issue, first["update"]["id"], 3)

    # when the client retries against a fresh server on the same database
    events = EventRecorder()
    async with open_database(seeded_url):
        async with serve(settings, events) as http:
            retried = await mutate(http, editor, UPDATE_STATUS, given)
        after = await snapshot()

    # then the first call's update comes back and nothing new is written
    assert first["replayed"] is False
    assert retried == {**first, "replayed": True}
    assert after == written
    assert first_events.events == [published]
    assert events.events == []
