"""Creating, editing and archiving issues: every rule, every refusal, every event.

A refused call writes no row and publishes no event; a call that changes nothing
keeps the version and publishes nothing either.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models import issue_operations
from models.enums import EventKind, IssueCategory
from models.errors import (
    InvalidInputError,
    NotFoundError,
    UserErrorCode,
    VersionConflictError,
)
from models.events import Event
from models.issue import Issue
from models.issue_operations import (
    IssueChanges,
    create_issue,
    edit_issue,
    set_archived,
)
from models.relationship import Relationship
from models.transactions import lock_issue
from tests.conftest import EventRecorder
from tests.factories import india_china, make_issue
from tests.snapshots import snapshot

MISSING_ID = 999_999


def described(error: InvalidInputError | NotFoundError) -> tuple[str, str, str]:
    """An error's field, code and message, to compare in one assertion."""
    return (error.field, error.code, error.message)


async def issue_columns(issue_id: int) -> dict[str, Any]:
    """The stored columns an issue operation may set."""
    return (
        await Issue.filter(id=issue_id)
        .first()
        .values(
            "relationship_id",
            "slug",
            "title",
            "summary",
            "category",
            "raised_by",
            "status",
            "version",
        )
    )


async def create(**overrides: Any) -> issue_operations.IssueWritten:
    """Create an issue in India-China with plain defaults."""
    relationship = await india_china()
    arguments: dict[str, Any] = {
        "slug": "direct-flights",
        "title": "Direct flights",
        "category": IssueCategory.CONNECTIVITY,
        "actor": "editor",
        **overrides,
    }
    return await create_issue(relationship.id, **arguments)


async def india_pakistan() -> Relationship:
    """A second relationship, sharing India with the first."""
    return await Relationship.create(
        slug="india-pakistan", name="India-Pakistan", countries=["IN", "PK"]
    )


# create_issue


async def test_create_stores_the_cleaned_input_with_no_status_at_version_1(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    relationship = await india_china()

    # when
    written = await create_issue(
        relationship.id,
        slug="  direct-flights ",
        title="  Direct flights  ",
        summary="  Flights stopped in 2020.  ",
        category=IssueCategory.CONNECTIVITY,
        raised_by=["cn", " in ", "IN"],
        actor="editor",
        publish=events,
    )

    # then
    assert (written.replayed, written.changed) == (False, True)
    assert await issue_columns(written.issue.id) == {
        "relationship_id": relationship.id,
        "slug": "direct-flights",
        "title": "Direct flights",
        "summary": "Flights stopped in 2020.",
        "category": IssueCategory.CONNECTIVITY,
        "raised_by": "CN,IN",
        "status": None,
        "version": 1,
    }
    stored = await Issue.get(id=written.issue.id)
    assert stored.archived_at is None
    assert events.events == [
        Event(EventKind.ISSUE_CREATED, issue_id=written.issue.id, version=1)
    ]


async def test_create_without_summary_or_raised_by_stores_empty_values(
    empty_db: TortoiseContext,
) -> None:
    # when
    written = await create()

    # then
    stored = await issue_columns(written.issue.id)
    assert (stored["summary"], stored["raised_by"]) == ("", "")


async def test_create_accepts_values_at_their_limits(empty_db: TortoiseContext) -> None:
    # when
    written = await create(slug="a" * 100, title="t" * 200, summary="s" * 10_000)

    # then
    stored = await issue_columns(written.issue.id)
    assert (len(stored["slug"]), len(stored["title"]), len(stored["summary"])) == (
        100,
        200,
        10_000,
    )


SLUG_RULE = (
    "is not a slug: use lowercase letters, digits and single hyphens between "
    "words, e.g. 'direct-flights'."
)


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"slug": "Direct Flights"},
            "slug",
            UserErrorCode.INVALID,
            f"'Direct Flights' {SLUG_RULE}",
        ),
        (
            {"slug": "direct--flights"},
            "slug",
            UserErrorCode.INVALID,
            f"'direct--flights' {SLUG_RULE}",
        ),
        (
            {"slug": "-flights"},
            "slug",
            UserErrorCode.INVALID,
            f"'-flights' {SLUG_RULE}",
        ),
        (
            {"slug": "flights-"},
            "slug",
            UserErrorCode.INVALID,
            f"'flights-' {SLUG_RULE}",
        ),
        (
            {"slug": "direct_flights"},
            "slug",
            UserErrorCode.INVALID,
            f"'direct_flights' {SLUG_RULE}",
        ),
        ({"slug": ""}, "slug", UserErrorCode.REQUIRED, "The slug must not be blank."),
        (
            {"slug": "   "},
            "slug",
            UserErrorCode.REQUIRED,
            "The slug must not be blank.",
        ),
        (
            {"slug": "a" * 101},
            "slug",
            UserErrorCode.TOO_LONG,
            "The slug is limited to 100 characters; 101 given.",
        ),
        (
            {"title": " "},
            "title",
            UserErrorCode.REQUIRED,
            "The title must not be blank.",
        ),
        (
            {"title": "t" * 201},
            "title",
            UserErrorCode.TOO_LONG,
            "The title is limited to 200 characters; 201 given.",
        ),
        (
            {"summary": "s" * 10_001},
            "summary",
            UserErrorCode.TOO_LONG,
            "The summary is limited to 10,000 characters; 10,001 given.",
        ),
        (
            {"raised_by": ["PK"]},
            "raised_by",
            UserErrorCode.NOT_IN_RELATIONSHIP,
            "PK is not a country of this relationship; use IN or CN.",
        ),
        (
            {"raised_by": ["us", "IN", "pk"]},
            "raised_by",
            UserErrorCode.NOT_IN_RELATIONSHIP,
            "PK and US are not countries of this relationship; use IN or CN.",
        ),
    ],
    ids=[
        "slug-uppercase-and-space",
        "slug-double-hyphen",
        "slug-leading-hyphen",
        "slug-trailing-hyphen",
        "slug-underscore",
        "slug-empty",
        "slug-blank",
        "slug-too-long",
        "title-blank",
        "title-too-long",
        "summary-too-long",
        "raised-by-outsider",
        "raised-by-outsiders",
    ],
)
async def test_create_refuses_input_breaking_a_rule(
    empty_db: TortoiseContext,
    events: EventRecorder,
    overrides: dict[str, Any],
    field: str,
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    await india_china()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create(publish=events, **overrides)

    # then
    assert described(caught.value) == (field, code, message)
    assert await snapshot() == before
    assert events.events == []


async def test_create_refuses_a_slug_taken_in_the_relationship(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    await create()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create(title="Another title", publish=events)

    # then
    assert described(caught.value) == (
        "slug",
        UserErrorCode.ALREADY_EXISTS,
        "An issue with the slug 'direct-flights' already exists in this relationship.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_create_allows_a_slug_taken_in_another_relationship(
    empty_db: TortoiseContext,
) -> None:
    # given
    await create()
    other = await india_pakistan()

    # when
    written = await create_issue(
        other.id,
        slug="direct-flights",
        title="Direct flights",
        category=IssueCategory.CONNECTIVITY,
        raised_by=["PK"],
        actor="editor",
    )

    # then
    stored = await issue_columns(written.issue.id)
    assert (stored["relationship_id"], stored["slug"], stored["raised_by"]) == (
        other.id,
        "direct-flights",
        "PK",
    )


async def test_create_refuses_an_unknown_relationship(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await create_issue(
            MISSING_ID,
            slug="direct-flights",
            title="Direct flights",
            category=IssueCategory.CONNECTIVITY,
            actor="editor",
            publish=events,
        )

    # then
    assert described(caught.value) == (
        "relationship_id",
        UserErrorCode.NOT_FOUND,
        "No relationship has this id.",
    )
    assert (caught.value.kind, caught.value.pk) == ("Relationship", MISSING_ID)
    assert await snapshot() == before
    assert events.events == []


# edit_issue


async def test_edit_sets_every_given_field_and_bumps_the_version_once(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue(raised_by="IN")
    changes = IssueChanges(
        title="  Trade deficit  ",
        summary="  A widening gap.  ",
        category=IssueCategory.BORDER,
        raised_by=["cn", "in"],
    )

    # when
    written = await edit_issue(issue.id, changes, actor="editor", publish=events)

    # then
    assert written.changed is True
    assert await issue_columns(issue.id) == {
        "relationship_id": issue.relationship_id,
        "slug": "test-issue",
        "title": "Trade deficit",
        "summary": "A widening gap.",
        "category": IssueCategory.BORDER,
        "raised_by": "CN,IN",
        "status": None,
        "version": 2,
    }
    stored = await Issue.get(id=issue.id)
    assert stored.updated_at > issue.updated_at
    assert written.issue.version == 2
    assert events.events == [
        Event(EventKind.ISSUE_EDITED, issue_id=issue.id, version=2)
    ]


async def test_edit_leaves_fields_not_given_as_they_are(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue(summary="Kept", raised_by="CN,IN")

    # when
    await edit_issue(issue.id, IssueChanges(title="New title"), actor="editor")

    # then
    assert await issue_columns(issue.id) == {
        "relationship_id": issue.relationship_id,
        "slug": "test-issue",
        "title": "New title",
        "summary": "Kept",
        "category": IssueCategory.TRADE,
        "raised_by": "CN,IN",
        "status": None,
        "version": 2,
    }


async def test_edit_may_clear_the_summary_and_raised_by(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue(summary="Old", raised_by="IN")

    # when
    written = await edit_issue(
        issue.id, IssueChanges(summary="   ", raised_by=[]), actor="editor"
    )

    # then
    stored = await issue_columns(issue.id)
    assert (stored["summary"], stored["raised_by"], stored["version"]) == ("", "", 2)
    assert written.changed is True


async def test_edit_to_the_values_already_stored_writes_and_publishes_nothing(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue(title="Same", raised_by="CN,IN")
    before = await snapshot()
    changes = IssueChanges(
        title=" Same ", category=IssueCategory.TRADE, raised_by=["in", "CN", "IN"]
    )

    # when
    written = await edit_issue(issue.id, changes, actor="editor", publish=events)

    # then
    assert (written.changed, written.issue.version) == (False, 1)
    assert await snapshot() == before
    assert events.events == []


async def test_edit_without_any_field_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await edit_issue(issue.id, IssueChanges(), actor="editor", publish=events)

    # then
    assert described(caught.value) == (
        "input",
        UserErrorCode.REQUIRED,
        "Give at least one field to change: title, summary, category or raised by.",
    )
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    ("changes", "field", "code", "message"),
    [
        (
            IssueChanges(title=""),
            "title",
            UserErrorCode.REQUIRED,
            "The title must not be blank.",
        ),
        (
            IssueChanges(title="t" * 201),
            "title",
            UserErrorCode.TOO_LONG,
            "The title is limited to 200 characters; 201 given.",
        ),
        (
            IssueChanges(summary="s" * 10_001),
            "summary",
            UserErrorCode.TOO_LONG,
            "The summary is limited to 10,000 characters; 10,001 given.",
        ),
        (
            IssueChanges(title="Fine", raised_by=["IN", "PK"]),
            "raised_by",
            UserErrorCode.NOT_IN_RELATIONSHIP,
            "PK is not a country of this relationship; use IN or CN.",
        ),
    ],
    ids=["title-blank", "title-too-long", "summary-too-long", "raised-by-outsider"],
)
async def test_edit_refuses_input_breaking_a_rule(
    empty_db: TortoiseContext,
    events: EventRecorder,
    changes: IssueChanges,
    field: str,
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    issue = await make_issue()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await edit_issue(issue.id, changes, actor="editor", publish=events)

    # then
    assert described(caught.value) == (field, code, message)
    assert await snapshot() == before
    assert events.events == []


async def test_edit_refuses_an_unknown_issue(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await edit_issue(
            MISSING_ID, IssueChanges(title="New"), actor="editor", publish=events
        )

    # then
    assert described(caught.value) == (
        "issue_id",
        UserErrorCode.NOT_FOUND,
        "No issue has this id.",
    )
    assert (caught.value.kind, caught.value.pk) == ("Issue", MISSING_ID)
    assert await snapshot() == before
    assert events.events == []


async def test_edit_refuses_an_archived_issue(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue(
        slug="app-bans", archived_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await edit_issue(
            issue.id, IssueChanges(title="New"), actor="editor", publish=events
        )

    # then
    assert described(caught.value) == (
        "issue_id",
        UserErrorCode.ARCHIVED,
        "The issue 'app-bans' is archived; unarchive it before changing it.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_edit_refuses_a_stale_expected_version(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 2 after one edit
    issue = await make_issue()
    await edit_issue(issue.id, IssueChanges(title="First"), actor="editor")
    before = await snapshot()

    # when
    with pytest.raises(VersionConflictError) as caught:
        await edit_issue(
            issue.id,
            IssueChanges(title="Second"),
            expected_version=1,
            actor="editor",
            publish=events,
        )

    # then
    error = caught.value
    assert (error.code, error.expected, error.current) == (
        UserErrorCode.VERSION_CONFLICT,
        1,
        2,
    )
    assert error.message == (
        "The issue is at version 2, not 1: it changed since you read it. "
        "Read it again and retry with the new version."
    )
    assert await snapshot() == before
    assert events.events == []


async def test_edit_with_the_current_expected_version_is_applied(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue()

    # when
    written = await edit_issue(
        issue.id,
        IssueChanges(title="New"),
        expected_version=1,
        actor="editor",
        publish=events,
    )

    # then
    assert (written.issue.title, written.issue.version) == ("New", 2)
    assert events.events == [
        Event(EventKind.ISSUE_EDITED, issue_id=issue.id, version=2)
    ]


async def test_edit_retried_after_a_stale_read_applies_the_same_changes(
    empty_db: TortoiseContext, events: EventRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an issue whose first read inside the edit is one version behind, as when
    # another writer got there first: the compare-and-set misses and the edit retries
    issue = await make_issue(raised_by="IN")
    reads: list[int] = []

    async def stale_on_first_read(issue_id: int, field: str = "issue_id") -> Issue:
        read = await lock_issue(issue_id, field)
        if not reads:
            read.version -= 1
        reads.append(issue_id)
        return read

    monkeypatch.setattr(issue_operations, "lock_issue", stale_on_first_read)

    # when
    written = await edit_issue(
        issue.id, IssueChanges(raised_by=["CN"]), actor="editor", publish=events
    )

    # then the retry applies exactly the requested change, once
    assert len(reads) == 2
    stored = await issue_columns(issue.id)
    assert (stored["raised_by"], stored["version"]) == ("CN", 2)
    assert written.issue.version == 2
    assert events.events == [
        Event(EventKind.ISSUE_EDITED, issue_id=issue.id, version=2)
    ]


# set_archived


async def test_archiving_stamps_archived_at_and_bumps_the_version(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue()
    started = datetime.now(UTC)

    # when
    written = await set_archived(issue.id, True, actor="editor", publish=events)

    # then
    stored = await Issue.get(id=issue.id)
    assert stored.archived_at is not None
    assert started <= stored.archived_at <= datetime.now(UTC)
    assert (stored.version, written.issue.version, written.changed) == (2, 2, True)
    assert events.events == [
        Event(EventKind.ISSUE_ARCHIVED, issue_id=issue.id, version=2)
    ]


async def test_unarchiving_clears_archived_at_and_bumps_the_version(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue archived at version 2
    issue = await make_issue()
    await set_archived(issue.id, True, actor="editor")

    # when
    written = await set_archived(issue.id, False, actor="editor", publish=events)

    # then
    stored = await Issue.get(id=issue.id)
    assert (stored.archived_at, stored.version) == (None, 3)
    assert (written.issue.version, written.changed) == (3, True)
    assert events.events == [
        Event(EventKind.ISSUE_UNARCHIVED, issue_id=issue.id, version=3)
    ]


@pytest.mark.parametrize("archived", [True, False], ids=["archive", "unarchive"])
async def test_asking_for_the_state_already_held_writes_and_publishes_nothing(
    empty_db: TortoiseContext, events: EventRecorder, archived: bool
) -> None:
    # given an issue already in the state asked for
    issue = await make_issue()
    if archived:
        await set_archived(issue.id, True, actor="editor")
    before = await snapshot()

    # when
    written = await set_archived(issue.id, archived, actor="editor", publish=events)

    # then
    assert written.changed is False
    assert written.issue.version == (2 if archived else 1)
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("archived", [True, False], ids=["archive", "unarchive"])
async def test_archiving_refuses_an_unknown_issue(
    empty_db: TortoiseContext, events: EventRecorder, archived: bool
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await set_archived(MISSING_ID, archived, actor="editor", publish=events)

    # then
    assert described(caught.value) == (
        "issue_id",
        UserErrorCode.NOT_FOUND,
        "No issue has this id.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_archiving_refuses_a_stale_expected_version(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 2
    issue = await make_issue()
    await edit_issue(issue.id, IssueChanges(title="First"), actor="editor")
    before = await snapshot()

    # when
    with pytest.raises(VersionConflictError) as caught:
        await set_archived(
            issue.id, True, expected_version=1, actor="editor", publish=events
        )

    # then
    assert (caught.value.expected, caught.value.current) == (1, 2)
    assert caught.value.code == UserErrorCode.VERSION_CONFLICT
    assert await snapshot() == before
    assert events.events == []


async def test_archiving_with_the_current_expected_version_is_applied(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()

    # when
    written = await set_archived(issue.id, True, expected_version=1, actor="editor")

    # then
    assert written.issue.version == 2
    assert written.issue.archived_at is not None


async def test_an_unarchived_issue_can_be_edited_again(
    empty_db: TortoiseContext,
) -> None:
    # given an issue archived then brought back, at version 3
    issue = await make_issue()
    await set_archived(issue.id, True, actor="editor")
    await set_archived(issue.id, False, actor="editor")

    # when
    written = await edit_issue(issue.id, IssueChanges(title="Back"), actor="editor")

    # then
    assert (written.issue.title, written.issue.version) == ("Back", 4)
