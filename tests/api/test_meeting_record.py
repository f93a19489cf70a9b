"""meetingRecord: a meeting that took place, linked to the issues it discussed."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.enums import EventKind, TokenRole
from models.events import Event
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.relationship import Relationship
from models.tokens import create_token
from models.validation import latest_today
from tests.api.graphql import JSON, gql_data, mutate, row_id
from tests.conftest import EventRecorder, Tokens
from tests.factories import make_issue
from tests.snapshots import snapshot

MEETING_FIELDS = """
  id title location participants summary recordedAt
  heldOn { date precision text }
  source { url title publisher }
  relationship { slug }
  issues { slug }
"""

MEETING_RECORD = f"""
mutation MeetingRecord($input: MeetingRecordInput!) {{
  meetingRecord(input: $input) {{
    __typename
    ... on MeetingRecordSuccess {{ replayed meeting {{ {MEETING_FIELDS} }} }}
    ... on UserError {{ code message }}
    ... on ValidationError {{ field }}
    ... on NotFoundError {{ field id }}
  }}
}}
"""

MEETINGS_OF = """
query MeetingsOf($search: String!, $flights: ID!, $visas: ID!, $films: ID!) {
  meetings(filter: { search: $search }) { totalCount nodes { id title } }
  byIssue: meetings(filter: { issue: $flights }, first: 100) { nodes { id } }
  flights: node(id: $flights) {
    ... on Issue { version meetings(first: 100) { nodes { id } } }
  }
  visas: node(id: $visas) {
    ... on Issue { version meetings(first: 100) { nodes { id } } }
  }
  films: node(id: $films) {
    ... on Issue { version meetings(first: 100) { nodes { id } } }
  }
}
"""

TITLE = "Foreign ministers meet in Zanzibar"
UNKNOWN_RELATIONSHIP = global_id("Relationship", 999_999)
UNKNOWN_ISSUE = global_id("Issue", 999_999)
A_MEETING = global_id("Meeting", 1)
AN_ISSUE = global_id("Issue", 1)


@pytest.fixture
async def issue_ids(seeded_db: TortoiseContext) -> dict[str, str]:
    """The global ids of three seeded issues, by slug."""
    slugs = ("direct-flights", "visas-for-indian-nationals", "indian-films-in-china")
    rows = await Issue.filter(slug__in=slugs)
    return {row.slug: global_id("Issue", row.pk) for row in rows}


def new_meeting(relationship_id: str, **changes: Any) -> JSON:
    """A valid meetingRecord input, with some fields replaced."""
    return {
        "relationshipId": relationship_id,
        "heldOn": "2025-11-03",
        "title": TITLE,
        "location": "Zanzibar",
        "participants": ["S. Jaishankar", "Wang Yi"],
        "summary": "Flights and visas were discussed.",
        "source": {
            "url": "https://example.org/zanzibar",
            "title": "Ministers meet",
            "publisher": "Example News",
        },
        "issueIds": [],
        **changes,
    }


async def test_an_editor_records_a_meeting(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    started = datetime.now(UTC)
    linked = [issue_ids["visas-for-indian-nationals"], issue_ids["direct-flights"]]
    before = await snapshot()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, issueIds=linked),
    )

    # then
    finished = datetime.now(UTC)
    meeting = payload["meeting"]
    pk = row_id(meeting.pop("id"), "Meeting")
    recorded_at = datetime.fromisoformat(meeting.pop("recordedAt"))
    assert payload["__typename"] == "MeetingRecordSuccess"
    assert payload["replayed"] is False
    assert meeting == {
        "title": TITLE,
        "location": "Zanzibar",
        "participants": ["S. Jaishankar", "Wang Yi"],
        "summary": "Flights and visas were discussed.",
        "heldOn": {"date": "2025-11-03", "precision": "DAY", "text": "2025-11-03"},
        "source": {
            "url": "https://example.org/zanzibar",
            "title": "Ministers meet",
            "publisher": "Example News",
        },
        "relationship": {"slug": "india-china"},
        "issues": [{"slug": "direct-flights"}, {"slug": "visas-for-indian-nationals"}],
    }
    assert started <= recorded_at <= finished
    row = await Meeting.get(id=pk)
    assert row.recorded_by == "editor"
    links = await MeetingIssue.filter(meeting_id=pk).order_by("issue_id")
    assert sorted(global_id("Issue", link.issue_id) for link in links) == sorted(linked)
    after = await snapshot()
    assert after["Issue"] == before["Issue"]  # linking does not bump versions
    assert after["Meeting"][:-1] == before["Meeting"]
    assert len(after["MeetingIssue"]) == len(before["MeetingIssue"]) + 2
    assert after["IdempotencyKey"] == before["IdempotencyKey"]
    assert events.events == [Event(EventKind.MEETING_RECORDED, meeting_id=pk)]


async def test_the_meeting_appears_in_lists_and_on_its_issues(
    client: httpx.AsyncClient,
    tokens: Tokens,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    variables = {
        "search": "zanzibar",
        "flights": issue_ids["direct-flights"],
        "visas": issue_ids["visas-for-indian-nationals"],
        "films": issue_ids["indian-films-in-china"],
    }
    before = await gql_data(client, MEETINGS_OF, variables)
    linked = [issue_ids["direct-flights"], issue_ids["visas-for-indian-nationals"]]

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, issueIds=linked),
    )

    # then
    new_id = payload["meeting"]["id"]
    after = await gql_data(client, MEETINGS_OF, variables)
    assert before["meetings"] == {"totalCount": 0, "nodes": []}
    assert after["meetings"] == {
        "totalCount": 1,
        "nodes": [{"id": new_id, "title": TITLE}],
    }
    assert {"id": new_id} in after["byIssue"]["nodes"]
    for name in ("flights", "visas"):
        assert after[name]["meetings"]["nodes"] == [
            *before[name]["meetings"]["nodes"],
            {"id": new_id},
        ]
        assert after[name]["version"] == before[name]["version"]
    assert after["films"] == before["films"]


async def test_only_the_required_fields_are_needed(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # given
    given = {"relationshipId": relationship_id, "heldOn": "2024-11", "title": "Talks"}

    # when
    payload = await mutate(client, tokens.admin, MEETING_RECORD, given)

    # then
    meeting = payload["meeting"]
    assert payload["__typename"] == "MeetingRecordSuccess"
    assert meeting["heldOn"] == {
        "date": "2024-11-01",
        "precision": "MONTH",
        "text": "2024-11",
    }
    assert (meeting["location"], meeting["participants"], meeting["summary"]) == (
        None,
        [],
        "",
    )
    assert (meeting["source"], meeting["issues"]) == (None, [])
    assert (
        await Meeting.get(id=row_id(meeting["id"], "Meeting"))
    ).recorded_by == "admin"


async def test_text_is_trimmed_and_repeated_issues_are_linked_once(
    client: httpx.AsyncClient,
    tokens: Tokens,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    flights = issue_ids["direct-flights"]
    given = new_meeting(
        relationship_id,
        heldOn=" 2021 ",
        title="  Talks ",
        location="   ",
        participants=[" A ", "B"],
        issueIds=[flights, flights],
    )

    # when
    payload = await mutate(client, tokens.editor, MEETING_RECORD, given)

    # then
    meeting = payload["meeting"]
    assert meeting["heldOn"] == {
        "date": "2021-01-01",
        "precision": "YEAR",
        "text": "2021",
    }
    assert (meeting["title"], meeting["location"]) == ("Talks", None)
    assert meeting["participants"] == ["A", "B"]
    assert meeting["issues"] == [{"slug": "direct-flights"}]
    assert (
        await MeetingIssue.filter(meeting_id=row_id(meeting["id"], "Meeting")).count()
        == 1
    )


async def test_a_meeting_may_be_held_today(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # given: the latest day that has begun somewhere on Earth
    today = latest_today().isoformat()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, heldOn=today),
    )

    # then
    assert payload["__typename"] == "MeetingRecordSuccess"
    assert payload["meeting"]["heldOn"]["text"] == today


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"heldOn": "3 Nov 2025"},
            {
                "code": "INVALID",
                "field": "heldOn",
                "message": "'3 Nov 2025' is not a date of the form YYYY, YYYY-MM or "
                "YYYY-MM-DD.",
            },
            id="held-on-malformed",
        ),
        pytest.param(
            {"heldOn": "2025-02-30"},
            {
                "code": "INVALID",
                "field": "heldOn",
                "message": "'2025-02-30' is not a real date.",
            },
            id="held-on-unreal",
        ),
        pytest.param(
            {"heldOn": "2999-01"},
            {
                "code": "IN_FUTURE",
                "field": "heldOn",
                "message": "2999-01 is in the future.",
            },
            id="held-on-future",
        ),
        pytest.param(
            {"heldOn": " "},
            {
                "code": "REQUIRED",
                "field": "heldOn",
                "message": "The date must not be blank.",
            },
            id="held-on-blank",
        ),
        pytest.param(
            {"title": " "},
            {
                "code": "REQUIRED",
                "field": "title",
                "message": "The title must not be blank.",
            },
            id="title-blank",
        ),
        pytest.param(
            {"title": "t" * 301},
            {
                "code": "TOO_LONG",
                "field": "title",
                "message": "The title is limited to 300 characters; 301 given.",
            },
            id="title-too-long",
        ),
        pytest.param(
            {"summary": "Talks\x1bmore"},
            {
                "code": "INVALID",
                "field": "summary",
                "message": "The summary must not contain control characters.",
            },
            id="summary-control-character",
        ),
        pytest.param(
            {"location": "l" * 201},
            {
                "code": "TOO_LONG",
                "field": "location",
                "message": "The location is limited to 200 characters; 201 given.",
            },
            id="location-too-long",
        ),
        pytest.param(
            {"participants": [f"P{n}" for n in range(51)]},
            {
                "code": "TOO_MANY",
                "field": "participants",
                "message": "At most 50 values are allowed; 51 given.",
            },
            id="participants-too-many",
        ),
        pytest.param(
            {"participants": ["A", "  "]},
            {
                "code": "REQUIRED",
                "field": "participants[1]",
                "message": "The participant 2 must not be blank.",
            },
            id="participant-blank",
        ),
        pytest.param(
            {"participants": ["A", "B", "p" * 201]},
            {
                "code": "TOO_LONG",
                "field": "participants[2]",
                "message": "The participant 3 is limited to 200 characters; 201 given.",
            },
            id="participant-too-long",
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
            {"source": {"url": "ftp://example.org/report"}},
            {
                "code": "INVALID",
                "field": "source.url",
                "message": "The source URL must be an absolute http or https address.",
            },
            id="source-url-scheme",
        ),
        pytest.param(
            {"source": {"url": "https:///no-host"}},
            {
                "code": "INVALID",
                "field": "source.url",
                "message": "The source URL must be an absolute http or https address.",
            },
            id="source-url-host",
        ),
        pytest.param(
            {"source": {"url": "https://example.org/a report"}},
            {
                "code": "INVALID",
                "field": "source.url",
                "message": "The source URL must be an absolute http or https address.",
            },
            id="source-url-space",
        ),
        pytest.param(
            {"source": {"url": "https://example.org:99999/report"}},
            {
                "code": "INVALID",
                "field": "source.url",
                "message": "The source URL must be an absolute http or https address.",
            },
            id="source-url-port",
        ),
        pytest.param(
            {"source": {"url": " "}},
            {
                "code": "REQUIRED",
                "field": "source.url",
                "message": "The source URL must not be blank.",
            },
            id="source-url-blank",
        ),
        pytest.param(
            {"source": {"url": "https://example.org/r", "title": "t" * 501}},
            {
                "code": "TOO_LONG",
                "field": "source.title",
                "message": "The source title is limited to 500 characters; 501 given.",
            },
            id="source-title-too-long",
        ),
        pytest.param(
            {"source": {"url": "https://example.org/r", "publisher": "p" * 301}},
            {
                "code": "TOO_LONG",
                "field": "source.publisher",
                "message": "The source publisher is limited to 300 characters; "
                "301 given.",
            },
            id="source-publisher-too-long",
        ),
        pytest.param(
            {"relationshipId": "not-an-id"},
            {
                "code": "INVALID",
                "field": "relationshipId",
                "message": "'not-an-id' is not a valid id.",
            },
            id="relationship-malformed",
        ),
        pytest.param(
            {"relationshipId": AN_ISSUE},
            {
                "code": "INVALID",
                "field": "relationshipId",
                "message": f"`relationshipId` must be the id of a Relationship; "
                f"'{AN_ISSUE}' is not.",
            },
            id="relationship-wrong-type",
        ),
        pytest.param(
            {"issueIds": [AN_ISSUE, "not-an-id"]},
            {
                "code": "INVALID",
                "field": "issueIds[1]",
                "message": "'not-an-id' is not a valid id.",
            },
            id="issue-malformed",
        ),
        pytest.param(
            {"issueIds": [AN_ISSUE, A_MEETING]},
            {
                "code": "INVALID",
                "field": "issueIds[1]",
                "message": f"`issueIds[1]` must be the id of an Issue; "
                f"'{A_MEETING}' is not.",
            },
            id="issue-wrong-type",
        ),
        pytest.param(
            {"issueIds": [global_id("Issue", n) for n in range(1, 102)]},
            {
                "code": "TOO_MANY",
                "field": "issueIds",
                "message": "A meeting can link at most 100 issues; 101 given.",
            },
            id="issues-too-many",
        ),
        pytest.param(
            {"idempotencyKey": ""},
            {
                "code": "REQUIRED",
                "field": "idempotencyKey",
                "message": "The idempotency key must not be blank.",
            },
            id="key-blank",
        ),
        pytest.param(
            {"idempotencyKey": "k" * 201},
            {
                "code": "TOO_LONG",
                "field": "idempotencyKey",
                "message": "The idempotency key is limited to 200 characters; "
                "201 given.",
            },
            id="key-too-long",
        ),
    ],
)
async def test_invalid_input_is_refused_with_a_validation_error(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    changes: JSON,
    expected: JSON,
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await mutate(
        client, tokens.editor, MEETING_RECORD, new_meeting(relationship_id, **changes)
    )

    # then
    assert payload == {"__typename": "ValidationError", **expected}
    assert await snapshot() == before
    assert events.events == []


async def test_an_unknown_relationship_is_not_found(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, relationshipId=UNKNOWN_RELATIONSHIP),
    )

    # then
    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No relationship has this id.",
        "field": "relationshipId",
        "id": UNKNOWN_RELATIONSHIP,
    }
    assert await snapshot() == before
    assert events.events == []


async def test_an_unknown_issue_is_not_found_at_its_position(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    before = await snapshot()
    given = [issue_ids["direct-flights"], UNKNOWN_ISSUE]

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, issueIds=given),
    )

    # then
    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No issue has this id.",
        "field": "issueIds[1]",
        "id": UNKNOWN_ISSUE,
    }
    assert await snapshot() == before
    assert events.events == []


async def test_an_error_names_the_position_given_even_after_a_repeated_id(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given: the unknown id is the third one sent
    flights = issue_ids["direct-flights"]
    before = await snapshot()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, issueIds=[flights, flights, UNKNOWN_ISSUE]),
    )

    # then
    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No issue has this id.",
        "field": "issueIds[2]",
        "id": UNKNOWN_ISSUE,
    }
    assert await snapshot() == before
    assert events.events == []


async def test_an_issue_of_another_relationship_is_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    other = await Relationship.create(
        slug="india-nepal", name="India-Nepal", countries=["IN", "NP"]
    )
    foreign = await make_issue(relationship=other, slug="open-border")
    given = [issue_ids["direct-flights"], global_id("Issue", foreign.pk)]
    before = await snapshot()

    # when
    payload = await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, issueIds=given),
    )

    # then
    assert payload == {
        "__typename": "ValidationError",
        "code": "NOT_IN_RELATIONSHIP",
        "message": "This issue belongs to another relationship.",
        "field": "issueIds[1]",
    }
    assert await snapshot() == before
    assert events.events == []


async def test_a_retry_with_the_same_key_replays_the_first_result(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    given = new_meeting(
        relationship_id,
        issueIds=[issue_ids["direct-flights"]],
        idempotencyKey="zanzibar-meeting",
    )
    first = await mutate(client, tokens.editor, MEETING_RECORD, given)
    before = await snapshot()
    published = list(events.events)

    # when
    retry = await mutate(client, tokens.editor, MEETING_RECORD, given)

    # then
    assert (first["replayed"], retry["replayed"]) == (False, True)
    assert retry["meeting"] == first["meeting"]
    assert await snapshot() == before
    assert events.events == published
    assert [event.kind for event in published] == [EventKind.MEETING_RECORDED]
    stored = await IdempotencyKey.all().values("actor", "key", "operation", "result")
    assert stored == [
        {
            "actor": "editor",
            "key": "zanzibar-meeting",
            "operation": "record_meeting",
            "result": {"meeting": row_id(first["meeting"]["id"], "Meeting")},
        }
    ]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"title": "Another meeting"}, id="title"),
        pytest.param({"heldOn": "2025-11"}, id="held-on"),
        pytest.param({"issueIds": []}, id="issues"),
        pytest.param({"source": None}, id="source"),
    ],
)
async def test_a_key_reused_with_another_input_is_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
    changes: JSON,
) -> None:
    # given
    given = new_meeting(
        relationship_id,
        issueIds=[issue_ids["direct-flights"]],
        idempotencyKey="zanzibar-meeting",
    )
    await mutate(client, tokens.editor, MEETING_RECORD, given)
    before = await snapshot()
    events.events.clear()

    # when
    payload = await mutate(client, tokens.editor, MEETING_RECORD, {**given, **changes})

    # then
    assert payload == {
        "__typename": "ValidationError",
        "code": "IDEMPOTENCY_KEY_REUSED",
        "message": "This idempotency key was already used with a different input. "
        "Use a new key for a new request.",
        "field": "idempotencyKey",
    }
    assert await snapshot() == before
    assert events.events == []


async def test_keys_are_scoped_to_the_token(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given: another editor uses the same key as the first, for another meeting
    other_editor = await create_token("editor-2", TokenRole.EDITOR, actor="test")
    await mutate(
        client,
        tokens.editor,
        MEETING_RECORD,
        new_meeting(relationship_id, idempotencyKey="shared-key"),
    )

    # when
    payload = await mutate(
        client,
        other_editor.secret,
        MEETING_RECORD,
        new_meeting(relationship_id, title="Other talks", idempotencyKey="shared-key"),
    )

    # then
    assert payload["__typename"] == "MeetingRecordSuccess"
    assert payload["replayed"] is False
    assert payload["meeting"]["title"] == "Other talks"
    rows = await Meeting.all().order_by("-id").limit(2).values_list("recorded_by")
    assert rows == [("editor-2",), ("editor",)]
    assert [event.kind for event in events.events] == [EventKind.MEETING_RECORDED] * 2


@pytest.mark.commits  # concurrent writes on several connections
async def test_concurrent_retries_record_one_meeting(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    issue_ids: dict[str, str],
) -> None:
    # given
    given = new_meeting(
        relationship_id,
        issueIds=[issue_ids["direct-flights"]],
        idempotencyKey="concurrent",
    )
    before = await Meeting.all().count()

    # when
    payloads = await asyncio.gather(
        *(mutate(client, tokens.editor, MEETING_RECORD, given) for _ in range(5))
    )

    # then
    assert sorted(p["replayed"] for p in payloads) == [False, True, True, True, True]
    assert len({p["meeting"]["id"] for p in payloads}) == 1
    assert await Meeting.all().count() == before + 1
    assert await IdempotencyKey.all().count() == 1
    assert [event.kind for event in events.events] == [EventKind.MEETING_RECORDED]
