"""issueCreate: a new issue with no history, its refusals, and safe retries."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models import issue_operations
from models.enums import EventKind, TokenRole
from models.events import Event
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.relationship import Relationship
from models.tokens import create_token
from models.transactions import find_relationship
from tests.api.graphql import JSON, gql_data, mutate, row_id
from tests.conftest import EventRecorder, Tokens
from tests.databases import DatabaseFactory
from tests.snapshots import snapshot

ISSUE_CREATE = """
mutation IssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) {
    __typename
    ... on IssueCreateSuccess {
      replayed
      issue {
        id slug title summary category raisedBy status version
        createdAt updatedAt archivedAt
        relationship { slug }
        latestUpdate { id }
        updates { totalCount }
      }
    }
    ... on UserError { code message }
    ... on ValidationError { field }
    ... on NotFoundError { field id }
  }
}
"""

ISSUE_SLUGS = """
query IssueSlugs($filter: IssueFilter) {
  issues(filter: $filter, first: 100) { totalCount nodes { slug } }
}
"""

UNKNOWN_RELATIONSHIP = global_id("Relationship", 999_999)
AN_ISSUE = global_id("Issue", 1)


def new_issue(relationship_id: str, **changes: Any) -> JSON:
    """A valid issueCreate input, with some fields replaced."""
    return {
        "relationshipId": relationship_id,
        "slug": "rare-earth-exports",
        "title": "Rare earth export licences",
        "category": "TRADE",
        "summary": "Licences for rare earth magnets shipped to India.",
        "raisedBy": ["IN"],
        **changes,
    }


async def test_an_editor_creates_an_issue_with_no_history(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given
    before = await snapshot()
    started = datetime.now(UTC)

    # when
    payload = await mutate(
        client, tokens.editor, ISSUE_CREATE, new_issue(relationship_id)
    )

    # then
    finished = datetime.now(UTC)
    issue = payload["issue"]
    created_at = datetime.fromisoformat(issue.pop("createdAt"))
    updated_at = datetime.fromisoformat(issue.pop("updatedAt"))
    pk = row_id(issue.pop("id"), "Issue")
    assert payload["__typename"] == "IssueCreateSuccess"
    assert payload["replayed"] is False
    assert issue == {
        "slug": "rare-earth-exports",
        "title": "Rare earth export licences",
        "summary": "Licences for rare earth magnets shipped to India.",
        "category": "TRADE",
        "raisedBy": ["IN"],
        "status": None,
        "version": 1,
        "archivedAt": None,
        "relationship": {"slug": "india-china"},
        "latestUpdate": None,
        "updates": {"totalCount": 0},
    }
    assert started <= created_at <= updated_at <= finished
    row = await Issue.get(id=pk)
    assert (row.slug, row.raised_by, row.version) == ("rare-earth-exports", "IN", 1)
    after = await snapshot()
    assert after["Issue"][:-1] == before["Issue"]
    assert after["Issue"][-1]["id"] == pk
    assert {k: v for k, v in after.items() if k != "Issue"} == {
        k: v for k, v in before.items() if k != "Issue"
    }
    assert events.events == [Event(EventKind.ISSUE_CREATED, issue_id=pk, version=1)]


async def test_a_created_issue_appears_in_the_issue_list(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # given
    await mutate(client, tokens.editor, ISSUE_CREATE, new_issue(relationship_id))

    # when
    data = await gql_data(
        client, ISSUE_SLUGS, {"filter": {"search": "licences for rare"}}
    )

    # then
    assert data["issues"] == {
        "totalCount": 1,
        "nodes": [{"slug": "rare-earth-exports"}],
    }


async def test_an_admin_may_create_an_issue(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # when
    payload = await mutate(
        client, tokens.admin, ISSUE_CREATE, new_issue(relationship_id)
    )

    # then
    assert payload["__typename"] == "IssueCreateSuccess"
    assert [event.kind for event in events.events] == [EventKind.ISSUE_CREATED]


async def test_optional_fields_default_to_empty(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # given
    given = {
        "relationshipId": relationship_id,
        "slug": "bare",
        "title": "A bare issue",
        "category": "MEDIA",
    }

    # when
    payload = await mutate(client, tokens.editor, ISSUE_CREATE, given)

    # then
    issue = payload["issue"]
    assert (issue["summary"], issue["raisedBy"]) == ("", [])


async def test_text_is_trimmed_and_country_codes_are_normalised(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # given
    given = new_issue(
        relationship_id,
        slug="  padded-slug ",
        title="  Padded title\t",
        summary="  Padded summary  ",
        raisedBy=["in", " CN ", "IN"],
    )

    # when
    payload = await mutate(client, tokens.editor, ISSUE_CREATE, given)

    # then
    issue = payload["issue"]
    assert (issue["slug"], issue["title"], issue["summary"]) == (
        "padded-slug",
        "Padded title",
        "Padded summary",
    )
    assert issue["raisedBy"] == ["CN", "IN"]


async def test_a_title_of_exactly_200_characters_is_accepted(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # when
    payload = await mutate(
        client, tokens.editor, ISSUE_CREATE, new_issue(relationship_id, title="t" * 200)
    )

    # then
    assert payload["__typename"] == "IssueCreateSuccess"
    assert payload["issue"]["title"] == "t" * 200


async def test_a_slug_taken_in_another_relationship_is_free_here(
    client: httpx.AsyncClient, tokens: Tokens, seeded_db: TortoiseContext
) -> None:
    # given: "direct-flights" exists for India-China only
    other = await Relationship.create(
        slug="india-nepal", name="India-Nepal", countries=["IN", "NP"]
    )
    given = new_issue(
        global_id("Relationship", other.pk), slug="direct-flights", raisedBy=["NP"]
    )

    # when
    payload = await mutate(client, tokens.editor, ISSUE_CREATE, given)

    # then
    assert payload["__typename"] == "IssueCreateSuccess"
    assert payload["issue"]["relationship"] == {"slug": "india-nepal"}
    assert payload["issue"]["raisedBy"] == ["NP"]
    assert await Issue.filter(slug="direct-flights").count() == 2


NOT_A_SLUG_HINT = (
    "is not a slug: use lowercase letters, digits and single hyphens between words, "
    "e.g. 'direct-flights'."
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"slug": "Direct-Flights"},
            {"code": "INVALID", "field": "slug"},
            id="slug-uppercase",
        ),
        pytest.param(
            {"slug": "direct flights"},
            {"code": "INVALID", "field": "slug"},
            id="slug-space",
        ),
        pytest.param(
            {"slug": "direct--flights"},
            {"code": "INVALID", "field": "slug"},
            id="slug-double-hyphen",
        ),
        pytest.param(
            {"slug": "-flights"}, {"code": "INVALID", "field": "slug"}, id="slug-lead"
        ),
        pytest.param(
            {"slug": "flights-"}, {"code": "INVALID", "field": "slug"}, id="slug-tail"
        ),
        pytest.param(
            {"slug": "direct_flights"},
            {"code": "INVALID", "field": "slug"},
            id="slug-underscore",
        ),
    ],
)
async def test_a_malformed_slug_is_refused(
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
        client, tokens.editor, ISSUE_CREATE, new_issue(relationship_id, **changes)
    )

    # then
    assert payload == {
        "__typename": "ValidationError",
        "message": f"'{changes['slug']}' {NOT_A_SLUG_HINT}",
        **expected,
    }
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"slug": "   "},
            {
                "code": "REQUIRED",
                "field": "slug",
                "message": "The slug must not be blank.",
            },
            id="slug-blank",
        ),
        pytest.param(
            {"slug": "a" * 101},
            {
                "code": "TOO_LONG",
                "field": "slug",
                "message": "The slug is limited to 100 characters; 101 given.",
            },
            id="slug-too-long",
        ),
        pytest.param(
            {"slug": "direct-flights"},
            {
                "code": "ALREADY_EXISTS",
                "field": "slug",
                "message": "An issue with the slug 'direct-flights' already exists "
                "in this relationship.",
            },
            id="slug-taken",
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
            {"title": " \t "},
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
            {"title": "Rare\x00earths"},
            {
                "code": "INVALID",
                "field": "title",
                "message": "The title must not contain control characters.",
            },
            id="title-control-character",
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
            {"raisedBy": ["IN", "PK"]},
            {
                "code": "NOT_IN_RELATIONSHIP",
                "field": "raisedBy",
                "message": "PK is not a country of this relationship; use IN or CN.",
            },
            id="raised-by-outsider",
        ),
        pytest.param(
            {"raisedBy": ["US", "pk"]},
            {
                "code": "NOT_IN_RELATIONSHIP",
                "field": "raisedBy",
                "message": "PK and US are not countries of this relationship; "
                "use IN or CN.",
            },
            id="raised-by-outsiders",
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
            {"idempotencyKey": "  "},
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
        client, tokens.editor, ISSUE_CREATE, new_issue(relationship_id, **changes)
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
    given = new_issue(relationship_id, relationshipId=UNKNOWN_RELATIONSHIP)

    # when
    payload = await mutate(client, tokens.editor, ISSUE_CREATE, given)

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


async def test_a_retry_with_the_same_key_replays_the_first_result(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given
    given = new_issue(relationship_id, idempotencyKey="create-rare-earths")
    first = await mutate(client, tokens.editor, ISSUE_CREATE, given)
    before = await snapshot()
    published = list(events.events)

    # when
    retry = await mutate(client, tokens.editor, ISSUE_CREATE, given)

    # then
    assert first["replayed"] is False
    assert retry["replayed"] is True
    assert retry["issue"] == first["issue"]
    assert await snapshot() == before
    assert events.events == published
    assert [event.kind for event in published] == [EventKind.ISSUE_CREATED]
    stored = await IdempotencyKey.all().values("actor", "key", "operation", "result")
    assert stored == [
        {
            "actor": "editor",
            "key": "create-rare-earths",
            "operation": "create_issue",
            "result": {"issue": row_id(first["issue"]["id"], "Issue")},
        }
    ]


async def test_a_retry_with_equivalent_input_is_replayed(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given
    given = new_issue(relationship_id, raisedBy=["IN"], idempotencyKey="k-1")
    first = await mutate(client, tokens.editor, ISSUE_CREATE, given)
    before = await snapshot()
    events.events.clear()

    # when: the same input as the server cleans it
    retry = await mutate(
        client,
        tokens.editor,
        ISSUE_CREATE,
        {**given, "title": f"  {given['title']} ", "raisedBy": ["in", " IN"]},
    )

    # then
    assert retry == {**first, "replayed": True}
    assert await snapshot() == before
    assert events.events == []


async def test_a_key_reused_with_another_input_is_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given
    given = new_issue(relationship_id, idempotencyKey="create-rare-earths")
    await mutate(client, tokens.editor, ISSUE_CREATE, given)
    before = await snapshot()
    events.events.clear()

    # when
    payload = await mutate(
        client, tokens.editor, ISSUE_CREATE, {**given, "slug": "another-issue"}
    )

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
    # given: two editors and an admin using the same key for different issues
    other_editor = await create_token("editor-2", TokenRole.EDITOR, actor="test")
    callers = [
        (tokens.editor, "first-issue"),
        (other_editor.secret, "second-issue"),
        (tokens.admin, "third-issue"),
    ]

    # when
    payloads = [
        await mutate(
            client,
            token,
            ISSUE_CREATE,
            new_issue(relationship_id, slug=slug, idempotencyKey="shared-key"),
        )
        for token, slug in callers
    ]

    # then
    assert [(p["__typename"], p["replayed"]) for p in payloads] == [
        ("IssueCreateSuccess", False)
    ] * 3
    assert [p["issue"]["slug"] for p in payloads] == [
        "first-issue",
        "second-issue",
        "third-issue",
    ]
    assert len({p["issue"]["id"] for p in payloads}) == 3
    assert [event.kind for event in events.events] == [EventKind.ISSUE_CREATED] * 3
    keys = await IdempotencyKey.all().order_by("id").values_list("actor", "key")
    assert keys == [
        ("editor", "shared-key"),
        ("editor-2", "shared-key"),
        ("admin", "shared-key"),
    ]


async def test_a_refused_call_does_not_use_up_its_key(
    client: httpx.AsyncClient, tokens: Tokens, relationship_id: str
) -> None:
    # given: a first attempt refused for its slug
    refused = await mutate(
        client,
        tokens.editor,
        ISSUE_CREATE,
        new_issue(relationship_id, slug="direct-flights", idempotencyKey="k-1"),
    )

    # when: the corrected call reuses the key
    payload = await mutate(
        client,
        tokens.editor,
        ISSUE_CREATE,
        new_issue(relationship_id, idempotencyKey="k-1"),
    )

    # then
    assert refused["code"] == "ALREADY_EXISTS"
    assert payload["__typename"] == "IssueCreateSuccess"
    assert payload["replayed"] is False


@pytest.mark.commits  # concurrent writes on several connections
async def test_concurrent_creates_of_one_slug_make_one_issue(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
) -> None:
    # given: no idempotency key, so each call is a new request
    given = new_issue(relationship_id)

    # when
    payloads = await asyncio.gather(
        *(mutate(client, tokens.editor, ISSUE_CREATE, given) for _ in range(5))
    )

    # then
    kinds = sorted(p["__typename"] for p in payloads)
    assert kinds == ["IssueCreateSuccess"] + ["ValidationError"] * 4
    refusals = [p for p in payloads if p["__typename"] == "ValidationError"]
    assert {p["code"] for p in refusals} == {"ALREADY_EXISTS"}
    assert await Issue.filter(slug="rare-earth-exports").count() == 1
    assert [event.kind for event in events.events] == [EventKind.ISSUE_CREATED]


@pytest.mark.postgres_only  # SQLite runs one transaction at a time
@pytest.mark.commits
async def test_a_retry_racing_the_first_call_is_replayed(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    relationship_id: str,
    databases: DatabaseFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a retry that has looked its key up (not found yet) and is held just
    # before its slug check, while the first call commits
    retry_waiting, first_done = asyncio.Event(), asyncio.Event()

    async def held_once(relationship_pk: int) -> Relationship:
        if not retry_waiting.is_set():
            retry_waiting.set()
            await first_done.wait()
        return await find_relationship(relationship_pk)

    monkeypatch.setattr(issue_operations, "find_relationship", held_once)
    given = new_issue(relationship_id, idempotencyKey="racing")
    retry = asyncio.create_task(mutate(client, tokens.editor, ISSUE_CREATE, given))
    await retry_waiting.wait()

    # when
    first = await mutate(client, tokens.editor, ISSUE_CREATE, given)
    first_done.set()
    replay = await retry

    # then
    assert first["replayed"] is False
    assert replay == {**first, "replayed": True}
    assert [event.kind for event in events.events] == [EventKind.ISSUE_CREATED]
