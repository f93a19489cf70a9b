"""Idempotency keys: a retried write replays its first result and writes nothing.

A key belongs to one actor. The same key with the same (cleaned) input replays what
the first call wrote, even after a restart; with a different input it is refused
with IDEMPOTENCY_KEY_REUSED. A refused call does not use up its key.
"""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models.database import open_database
from models.enums import EventKind, IssueCategory, IssueStatus
from models.errors import InvalidInputError, UserErrorCode, VersionConflictError
from models.events import Event
from models.feed import announced_on_commit
from models.idempotency import IdempotencyKey
from models.issue_operations import IssueWritten, create_issue, set_archived
from models.meeting_operations import MeetingWritten, record_meeting
from models.status_operations import UpdateWritten, post_status_update
from models.status_update import StatusUpdate
from models.validation import Source
from tests.conftest import EventRecorder
from tests.databases import DatabaseFactory
from tests.factories import india_china, make_issue
from tests.snapshots import snapshot

SOURCE = Source(url="https://example.org/report")
REUSED = (
    "idempotency_key",
    UserErrorCode.IDEMPOTENCY_KEY_REUSED,
    "This idempotency key was already used with a different input. "
    "Use a new key for a new request.",
)


def described(error: InvalidInputError) -> tuple[str, str, str]:
    """An error's field, code and message, to compare in one assertion."""
    return (error.field, error.code, error.message)


async def create(key: str | None, **overrides: Any) -> IssueWritten:
    """Create the issue "direct-flights" in India-China under a key."""
    relationship = await india_china()
    arguments: dict[str, Any] = {
        "slug": "direct-flights",
        "title": "Direct flights",
        "category": IssueCategory.CONNECTIVITY,
        "raised_by": ["IN"],
        "actor": "editor",
        **overrides,
    }
    return await create_issue(relationship.id, idempotency_key=key, **arguments)


async def post(issue_id: int, key: str | None, **overrides: Any) -> UpdateWritten:
    """Post a PROPOSED update of 2024-10-21 under a key."""
    arguments: dict[str, Any] = {
        "status": IssueStatus.PROPOSED,
        "occurred_on": "2024-10-21",
        "note": "Talks held.",
        "actor": "editor",
        **overrides,
    }
    return await post_status_update(issue_id, idempotency_key=key, **arguments)


async def record(key: str | None, **overrides: Any) -> MeetingWritten:
    """Record a meeting in India-China under a key."""
    relationship = await india_china()
    arguments: dict[str, Any] = {
        "held_on": "2024-10-23",
        "title": "Kazan meeting",
        "actor": "editor",
        **overrides,
    }
    return await record_meeting(relationship.id, idempotency_key=key, **arguments)


@pytest.fixture
async def closed_database_url(
    databases: DatabaseFactory, empty_template: str
) -> AsyncIterator[str]:
    """A migrated database with no rows, not opened: tests open and close it."""
    url = await databases.create("bilateral_test", empty_template)
    yield url
    await databases.drop(url)


# Replays


async def test_create_issue_replays_its_first_result(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    first = await create("k-1", publish=events)
    before = await snapshot()

    # when
    again = await create("k-1", publish=events)

    # then
    assert (again.replayed, again.issue.id, again.issue.slug) == (
        True,
        first.issue.id,
        "direct-flights",
    )
    assert await snapshot() == before
    assert events.events == [
        Event(EventKind.ISSUE_CREATED, issue_id=first.issue.id, version=1)
    ]


async def test_post_status_update_replays_its_first_result(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue()
    first = await post(issue.id, "k-1", publish=events)
    before = await snapshot()

    # when
    again = await post(issue.id, "k-1", publish=events)

    # then
    assert (again.replayed, again.update.id, again.issue.id, again.issue.version) == (
        True,
        first.update.id,
        issue.id,
        2,
    )
    assert await snapshot() == before
    assert events.events == [
        Event(
            EventKind.STATUS_UPDATED,
            issue_id=issue.id,
            update_id=first.update.id,
            version=2,
            position=first.position,
            announced=announced_on_commit(),
        )
    ]


async def test_record_meeting_replays_its_first_result(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    first = await record("k-1", issue_ids=[flights.id], publish=events)
    before = await snapshot()

    # when
    again = await record("k-1", issue_ids=[flights.id], publish=events)

    # then
    assert (again.replayed, again.meeting.id) == (True, first.meeting.id)
    assert await snapshot() == before
    assert events.events == [
        Event(EventKind.MEETING_RECORDED, meeting_id=first.meeting.id)
    ]


async def test_the_first_call_stores_its_key_actor_operation_and_result(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()

    # when
    written = await post(issue.id, "  k-1  ")

    # then
    stored = await IdempotencyKey.all().values(
        "actor", "key", "operation", "result", "fingerprint"
    )
    assert len(stored) == 1
    assert {name: stored[0][name] for name in ("actor", "key", "operation")} == {
        "actor": "editor",
        "key": "k-1",
        "operation": "post_status_update",
    }
    assert stored[0]["result"] == {"issue": issue.id, "update": written.update.id}
    assert len(stored[0]["fingerprint"]) == 64


async def test_a_replay_answers_after_the_issue_moved_on(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an update posted on version 1, then another update and an archive
    issue = await make_issue()
    first = await post(issue.id, "k-1", expected_version=1)
    await post(issue.id, "k-2", occurred_on="2024-11-01")
    await set_archived(issue.id, True, actor="editor")
    before = await snapshot()

    # when the first call is retried as it was sent
    again = await post(issue.id, "k-1", expected_version=1, publish=events)

    # then it replays rather than being refused as stale or archived
    assert (again.replayed, again.update.id) == (True, first.update.id)
    assert await snapshot() == before
    assert events.events == []


# What counts as the same input


async def test_input_that_cleans_to_the_same_values_replays(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()
    first = await post(issue.id, "k-1", note="Talks held.")

    # when
    again = await post(
        issue.id, " k-1 ", note="  Talks held.  ", occurred_on=" 2024-10-21 "
    )

    # then
    assert (again.replayed, again.update.id) == (True, first.update.id)
    assert await StatusUpdate.all().count() == 1


async def test_raised_by_in_another_case_or_order_is_the_same_input(
    empty_db: TortoiseContext,
) -> None:
    # given an issue created with raised_by ["IN", "CN"]
    first = await create("k-1", raised_by=["IN", "CN"])
    before = await snapshot()

    # when the same countries are sent in another case and order
    again = await create("k-1", raised_by=["cn", "in"])

    # then they clean to the same "CN,IN": a replay
    assert (again.replayed, again.issue.id) == (True, first.issue.id)
    assert await snapshot() == before


async def test_duplicate_meeting_issue_ids_are_the_same_input(
    empty_db: TortoiseContext,
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    first = await record("k-1", issue_ids=[flights.id])

    # when
    again = await record("k-1", issue_ids=[flights.id, flights.id])

    # then
    assert (again.replayed, again.meeting.id) == (True, first.meeting.id)


# Refusals


async def test_create_issue_with_a_reused_key_and_other_input_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    await create("k-1")
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create("k-1", slug="visas", title="Visas", publish=events)

    # then
    assert described(caught.value) == REUSED
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": IssueStatus.RESOLVED},
        {"occurred_on": "2024-10-22"},
        {"occurred_on": "2024-10"},
        {"note": "Other talks."},
        {"expected_version": 1},
        {"verified": False},
        {"source": Source(url="https://example.org/other")},
        {"source": None},
    ],
    ids=[
        "status",
        "day",
        "precision",
        "note",
        "expected-version",
        "verified",
        "source",
        "no-source",
    ],
)
async def test_post_status_update_with_a_reused_key_and_other_input_is_refused(
    empty_db: TortoiseContext, events: EventRecorder, overrides: dict[str, Any]
) -> None:
    # given a sourced update posted under "k-1", verified by default
    issue = await make_issue()
    await post(issue.id, "k-1", source=SOURCE)
    before = await snapshot()
    arguments: dict[str, Any] = {"source": SOURCE, **overrides}

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(issue.id, "k-1", publish=events, **arguments)

    # then
    assert described(caught.value) == REUSED
    assert await snapshot() == before
    assert events.events == []


async def test_post_status_update_to_another_issue_with_a_reused_key_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    visas = await make_issue(slug="visas")
    await post(flights.id, "k-1")
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(visas.id, "k-1", publish=events)

    # then
    assert described(caught.value) == REUSED
    assert await snapshot() == before
    assert events.events == []


async def test_record_meeting_with_a_reused_key_and_other_input_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    visas = await make_issue(slug="visas")
    await record("k-1", issue_ids=[flights.id])
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await record("k-1", issue_ids=[flights.id, visas.id], publish=events)

    # then
    assert described(caught.value) == REUSED
    assert await snapshot() == before
    assert events.events == []


async def test_a_key_used_for_another_operation_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given a key first used to create an issue
    written = await create("k-1")
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(written.issue.id, "k-1", publish=events)

    # then
    assert described(caught.value) == REUSED
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    ("key", "code", "message"),
    [
        ("", UserErrorCode.REQUIRED, "The idempotency key must not be blank."),
        ("   ", UserErrorCode.REQUIRED, "The idempotency key must not be blank."),
        (
            "k" * 201,
            UserErrorCode.TOO_LONG,
            "The idempotency key is limited to 200 characters; 201 given.",
        ),
    ],
    ids=["empty", "blank", "too-long"],
)
async def test_a_malformed_key_is_refused(
    empty_db: TortoiseContext,
    events: EventRecorder,
    key: str,
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    issue = await make_issue()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(issue.id, key, publish=events)

    # then
    assert described(caught.value) == ("idempotency_key", code, message)
    assert await snapshot() == before
    assert events.events == []


async def test_a_key_of_200_characters_is_accepted(empty_db: TortoiseContext) -> None:
    # given
    issue = await make_issue()

    # when
    written = await post(issue.id, "k" * 200)

    # then
    assert (await IdempotencyKey.get(key="k" * 200)).result == {
        "issue": issue.id,
        "update": written.update.id,
    }


# Scope of a key


async def test_keys_belong_to_one_actor(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an update posted by "editor" under "k-1"
    issue = await make_issue()
    first = await post(issue.id, "k-1")

    # when another actor sends the same key and input
    other = await post(issue.id, "k-1", actor="script", publish=events)

    # then it is a new write of its own
    assert other.replayed is False
    assert other.update.id != first.update.id
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert await IdempotencyKey.all().order_by("id").values_list("actor", "key") == [
        ("editor", "k-1"),
        ("script", "k-1"),
    ]
    assert events.events == [
        Event(
            EventKind.STATUS_UPDATED,
            issue_id=issue.id,
            update_id=other.update.id,
            version=3,
            position=other.position,
            announced=announced_on_commit(),
        )
    ]


async def test_calls_without_a_key_are_never_replayed(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue()

    # when
    first = await post(issue.id, None, publish=events)
    second = await post(issue.id, None, publish=events)

    # then
    assert (first.replayed, second.replayed) == (False, False)
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert await IdempotencyKey.all().count() == 0
    assert len(events.events) == 2


async def test_a_refused_call_does_not_use_up_its_key(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given a call under "k-1" refused for a stale version
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    with pytest.raises(VersionConflictError):
        await post(issue.id, "k-1", expected_version=1)

    # when the client retries with the current version and the same key
    written = await post(issue.id, "k-1", expected_version=2, publish=events)

    # then it is written as a first call
    assert (written.replayed, written.issue.version) == (False, 3)
    assert await IdempotencyKey.all().count() == 1
    assert len(events.events) == 1


# Restarts


async def test_a_replay_works_after_a_restart(closed_database_url: str) -> None:
    # given three writes under keys, in a database context then closed
    async with open_database(closed_database_url):
        created = await create("k-create")
        posted = await post(created.issue.id, "k-post")
        recorded = await record("k-meet", issue_ids=[created.issue.id])

    # when the database is opened again, as by a restarted server
    events = EventRecorder()
    async with open_database(closed_database_url):
        before = await snapshot()
        created_again = await create("k-create", publish=events)
        posted_again = await post(created.issue.id, "k-post", publish=events)
        recorded_again = await record(
            "k-meet", issue_ids=[created.issue.id], publish=events
        )
        after = await snapshot()

    # then each call replays its first result and nothing is written or published
    assert (created_again.replayed, created_again.issue.id) == (True, created.issue.id)
    assert (posted_again.replayed, posted_again.update.id) == (True, posted.update.id)
    assert (recorded_again.replayed, recorded_again.meeting.id) == (
        True,
        recorded.meeting.id,
    )
    assert after == before
    assert events.events == []


async def test_a_reused_key_is_refused_after_a_restart(
    closed_database_url: str,
) -> None:
    # given an update posted under "k-1", in a database context then closed
    async with open_database(closed_database_url):
        issue = await make_issue()
        await post(issue.id, "k-1")

    # when the database is opened again and the key comes with another note
    events = EventRecorder()
    async with open_database(closed_database_url):
        before = await snapshot()
        with pytest.raises(InvalidInputError) as caught:
            await post(issue.id, "k-1", note="Other talks.", publish=events)
        after = await snapshot()

    # then
    assert described(caught.value) == REUSED
    assert after == before
    assert events.events == []
