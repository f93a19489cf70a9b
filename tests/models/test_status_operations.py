"""Posting and retracting status updates: stored rows, re-derived status, events.

The current status is that of the latest live update by occurred_on (a partial date
counts from its first day), ties falling to recorded order. A refused call writes no
row and publishes no event.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models import status_operations
from models.enums import DatePrecision, EventKind, IssueStatus
from models.errors import (
    InvalidInputError,
    NotFoundError,
    UserErrorCode,
    VersionConflictError,
)
from models.events import Event
from models.feed import announced_on_commit
from models.idempotency import Idempotency, Recalled
from models.issue import Issue
from models.issue_operations import set_archived
from models.status_operations import (
    UpdateWritten,
    post_status_update,
    retract_status_update,
)
from models.status_update import StatusUpdate
from models.transactions import lock_for_write
from models.validation import Source, latest_today
from tests.conftest import EventRecorder
from tests.factories import make_issue
from tests.snapshots import snapshot

MISSING_ID = 999_999
SOURCE = Source(url="https://example.org/report", title="A report", publisher="Wire")
UPDATE_COLUMNS = (
    "issue_id",
    "status",
    "occurred_on",
    "occurred_precision",
    "note",
    "source_url",
    "source_title",
    "source_publisher",
    "verified",
    "recorded_by",
    "retracted_at",
    "retraction_reason",
    "retracted_by",
)


def described(error: InvalidInputError | NotFoundError) -> tuple[str, str, str]:
    """An error's field, code and message, to compare in one assertion."""
    return (error.field, error.code, error.message)


async def post(
    issue_id: int,
    occurred_on: str,
    status: IssueStatus = IssueStatus.UNDER_DISCUSSION,
    **options: Any,
) -> UpdateWritten:
    """Post an update by "editor" with a plain note."""
    arguments: dict[str, Any] = {"note": "Talks held.", "actor": "editor", **options}
    return await post_status_update(
        issue_id, status=status, occurred_on=occurred_on, **arguments
    )


async def update_columns(update_id: int) -> dict[str, Any]:
    """The stored columns of one update (all but id and recorded_at)."""
    return await StatusUpdate.filter(id=update_id).first().values(*UPDATE_COLUMNS)


async def stored_issue(issue_id: int) -> tuple[IssueStatus | None, int]:
    """The issue's stored current status and version."""
    issue = await Issue.get(id=issue_id)
    return (issue.status, issue.version)


async def archived_issue() -> Issue:
    """An issue "app-bans" with one update, archived (version 3)."""
    issue = await make_issue(
        slug="app-bans", history=[(date(2024, 6, 1), IssueStatus.PROPOSED)]
    )
    await set_archived(issue.id, True, actor="editor")
    return issue


# post_status_update: what is stored


async def test_an_update_stores_its_cleaned_input_and_its_recorder(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()
    started = datetime.now(UTC)

    # when
    written = await post_status_update(
        issue.id,
        status=IssueStatus.AGREED_IN_PRINCIPLE,
        occurred_on=" 2024-10-21 ",
        note="  Patrolling arrangements agreed.  ",
        source=Source(
            url=" https://example.org/report ",
            title="  A report ",
            publisher=" Wire ",
        ),
        actor="editor",
    )

    # then
    assert written.replayed is False
    assert await update_columns(written.update.id) == {
        "issue_id": issue.id,
        "status": IssueStatus.AGREED_IN_PRINCIPLE,
        "occurred_on": date(2024, 10, 21),
        "occurred_precision": DatePrecision.DAY,
        "note": "Patrolling arrangements agreed.",
        "source_url": "https://example.org/report",
        "source_title": "A report",
        "source_publisher": "Wire",
        "verified": True,
        "recorded_by": "editor",
        "retracted_at": None,
        "retraction_reason": None,
        "retracted_by": None,
    }
    stored = await StatusUpdate.get(id=written.update.id)
    assert started <= stored.recorded_at <= datetime.now(UTC)


async def test_an_update_without_a_source_stores_no_source_and_is_unverified(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()

    # when
    written = await post(issue.id, "2024-10-21")

    # then
    stored = await update_columns(written.update.id)
    assert (
        stored["source_url"],
        stored["source_title"],
        stored["source_publisher"],
        stored["verified"],
    ) == (None, None, None, False)


async def test_blank_source_title_and_publisher_are_stored_as_null(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()
    source = Source(url="https://example.org/a", title="  ", publisher="")

    # when
    written = await post(issue.id, "2024-10-21", source=source)

    # then
    stored = await update_columns(written.update.id)
    assert (stored["source_title"], stored["source_publisher"]) == (None, None)


@pytest.mark.parametrize(
    ("source", "verified", "stored"),
    [
        (SOURCE, None, True),
        (None, None, False),
        (SOURCE, False, False),
        (SOURCE, True, True),
        (None, False, False),
    ],
    ids=[
        "source-default",
        "no-source-default",
        "source-unverified",
        "source-verified",
        "no-source-unverified",
    ],
)
async def test_verified_defaults_to_whether_a_source_is_cited(
    empty_db: TortoiseContext,
    source: Source | None,
    verified: bool | None,
    stored: bool,
) -> None:
    # given
    issue = await make_issue()

    # when
    written = await post(issue.id, "2024-10-21", source=source, verified=verified)

    # then
    assert (await update_columns(written.update.id))["verified"] is stored
    assert written.update.verified is stored


@pytest.mark.parametrize(
    ("occurred_on", "first_day", "precision"),
    [
        ("2024-11-05", date(2024, 11, 5), DatePrecision.DAY),
        ("2024-11", date(2024, 11, 1), DatePrecision.MONTH),
        ("2024", date(2024, 1, 1), DatePrecision.YEAR),
    ],
    ids=["day", "month", "year"],
)
async def test_a_partial_date_is_stored_as_its_first_day_and_precision(
    empty_db: TortoiseContext,
    occurred_on: str,
    first_day: date,
    precision: DatePrecision,
) -> None:
    # given
    issue = await make_issue()

    # when
    written = await post(issue.id, occurred_on)

    # then
    stored = await update_columns(written.update.id)
    assert (stored["occurred_on"], stored["occurred_precision"]) == (
        first_day,
        precision,
    )
    assert written.update.occurred.text == occurred_on


async def test_limits_are_inclusive(empty_db: TortoiseContext) -> None:
    # given
    issue = await make_issue()
    url = "https://example.org/" + "a" * (2_048 - len("https://example.org/"))
    source = Source(url=url, title="t" * 500, publisher="p" * 300)

    # when
    written = await post(issue.id, "2024-10-21", note="n" * 2_000, source=source)

    # then
    stored = await update_columns(written.update.id)
    assert (
        len(stored["note"]),
        len(stored["source_url"]),
        len(stored["source_title"]),
        len(stored["source_publisher"]),
    ) == (2_000, 2_048, 500, 300)


# post_status_update: the current status, the version and the event


async def test_a_first_update_sets_the_status_bumps_the_version_and_publishes(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue with no history
    issue = await make_issue()

    # when
    written = await post(issue.id, "2024-10-21", IssueStatus.PROPOSED, publish=events)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.PROPOSED, 2)
    assert (written.issue.status, written.issue.version) == (IssueStatus.PROPOSED, 2)
    assert events.events == [
        Event(
            EventKind.STATUS_UPDATED,
            issue_id=issue.id,
            update_id=written.update.id,
            version=2,
            position=written.position,
            announced=announced_on_commit(),
        )
    ]


async def test_a_later_update_becomes_the_current_status(
    empty_db: TortoiseContext,
) -> None:
    # given an issue at version 2, PROPOSED on 2024-06-01
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])

    # when
    await post(issue.id, "2024-10-21", IssueStatus.RESOLVED)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.RESOLVED, 3)


async def test_a_back_filled_update_leaves_the_status_but_bumps_the_version(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 2, RESOLVED on 2025-01-27
    issue = await make_issue(history=[(date(2025, 1, 27), IssueStatus.RESOLVED)])

    # when an older update is recorded afterwards
    written = await post(issue.id, "2020-06", IssueStatus.SUSPENDED, publish=events)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.RESOLVED, 3)
    assert written.issue.status is IssueStatus.RESOLVED
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert events.events == [
        Event(
            EventKind.STATUS_UPDATED,
            issue_id=issue.id,
            update_id=written.update.id,
            version=3,
            position=written.position,
            announced=announced_on_commit(),
        )
    ]


async def test_updates_on_the_same_day_fall_to_recorded_order(
    empty_db: TortoiseContext,
) -> None:
    # given an issue STALLED on 2025-01-27
    issue = await make_issue(history=[(date(2025, 1, 27), IssueStatus.STALLED)])

    # when a second update of the same day is recorded
    await post(issue.id, "2025-01-27", IssueStatus.IN_PROGRESS)

    # then the later-recorded one wins
    assert await stored_issue(issue.id) == (IssueStatus.IN_PROGRESS, 3)


async def test_a_month_takes_effect_on_its_first_day(empty_db: TortoiseContext) -> None:
    # given an issue STALLED on 2024-10-31
    issue = await make_issue(history=[(date(2024, 10, 31), IssueStatus.STALLED)])

    # when
    await post(issue.id, "2024-11", IssueStatus.IN_PROGRESS)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.IN_PROGRESS, 3)


async def test_a_month_is_older_than_a_later_day_of_that_month(
    empty_db: TortoiseContext,
) -> None:
    # given an issue RESOLVED on 2024-11-15
    issue = await make_issue(history=[(date(2024, 11, 15), IssueStatus.RESOLVED)])

    # when
    await post(issue.id, "2024-11", IssueStatus.STALLED)

    # then "2024-11" counts as 2024-11-01: a back-fill
    assert await stored_issue(issue.id) == (IssueStatus.RESOLVED, 3)


async def test_a_month_ties_with_its_first_day_by_recorded_order(
    empty_db: TortoiseContext,
) -> None:
    # given an issue STALLED on 2024-11-01
    issue = await make_issue(history=[(date(2024, 11, 1), IssueStatus.STALLED)])

    # when
    await post(issue.id, "2024-11", IssueStatus.IN_PROGRESS)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.IN_PROGRESS, 3)


async def test_a_status_may_repeat(empty_db: TortoiseContext) -> None:
    # given
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.STALLED)])

    # when
    await post(issue.id, "2024-07-01", IssueStatus.STALLED)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.STALLED, 3)
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2


async def test_the_current_expected_version_is_accepted(
    empty_db: TortoiseContext,
) -> None:
    # given an issue at version 2
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])

    # when
    written = await post(issue.id, "2024-07-01", expected_version=2)

    # then
    assert written.issue.version == 3


async def test_today_in_the_earliest_time_zone_is_not_in_the_future(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()
    today = latest_today()

    # when
    written = await post(issue.id, today.isoformat())

    # then
    assert (await update_columns(written.update.id))["occurred_on"] == today


async def test_an_update_retried_after_a_stale_read_is_stored_once(
    empty_db: TortoiseContext, events: EventRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a first read inside the write that is one version behind, as when
    # another writer got there first: the compare-and-set misses and the post retries
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    reads: list[int] = []

    async def stale_on_first_read(
        issue_id: int, key: Idempotency, expected: int | None, field: str = "issue_id"
    ) -> tuple[Issue, Recalled]:
        read, recalled = await lock_for_write(issue_id, key, expected, field)
        if not reads:
            read.version -= 1
        reads.append(issue_id)
        return read, recalled

    monkeypatch.setattr(status_operations, "lock_for_write", stale_on_first_read)

    # when
    written = await post(issue.id, "2024-07-01", IssueStatus.RESOLVED, publish=events)

    # then
    assert len(reads) == 2
    assert (written.issue.status, written.issue.version) == (IssueStatus.RESOLVED, 3)
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert await stored_issue(issue.id) == (IssueStatus.RESOLVED, 3)
    assert len(events.events) == 1


# post_status_update: refusals


def future(days: int = 1) -> date:
    """A date that has not begun anywhere on Earth."""
    return latest_today() + timedelta(days=days)


def next_month() -> str:
    """The month after the latest current month on Earth, as "YYYY-MM"."""
    today = latest_today()
    year, month = (
        (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    )
    return f"{year:04d}-{month:02d}"


FORM = "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD."


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"occurred_on": ""},
            "occurred_on",
            UserErrorCode.REQUIRED,
            "The date must not be blank.",
        ),
        (
            {"occurred_on": "21/10/2024"},
            "occurred_on",
            UserErrorCode.INVALID,
            f"'21/10/2024' {FORM}",
        ),
        (
            {"occurred_on": "2024-1-5"},
            "occurred_on",
            UserErrorCode.INVALID,
            f"'2024-1-5' {FORM}",
        ),
        (
            {"occurred_on": "2024-10-21T10:00"},
            "occurred_on",
            UserErrorCode.INVALID,
            f"'2024-10-21T10:00' {FORM}",
        ),
        (
            {"occurred_on": "2023-02-29"},
            "occurred_on",
            UserErrorCode.INVALID,
            "'2023-02-29' is not a real date.",
        ),
        (
            {"occurred_on": "2024-13"},
            "occurred_on",
            UserErrorCode.INVALID,
            "'2024-13' is not a real date.",
        ),
        (
            {"occurred_on": "2024-00"},
            "occurred_on",
            UserErrorCode.INVALID,
            "'2024-00' is not a real date.",
        ),
        ({"note": "  "}, "note", UserErrorCode.REQUIRED, "The note must not be blank."),
        (
            {"note": "n" * 2_001},
            "note",
            UserErrorCode.TOO_LONG,
            "The note is limited to 2,000 characters; 2,001 given.",
        ),
        (
            {"verified": True},
            "verified",
            UserErrorCode.INVALID,
            "An update can only be verified against a source; cite one.",
        ),
        (
            {"source": Source(url=" ")},
            "source.url",
            UserErrorCode.REQUIRED,
            "The source URL must not be blank.",
        ),
        (
            {"source": Source(url="https://example.org/" + "a" * 2_029)},
            "source.url",
            UserErrorCode.TOO_LONG,
            "The source URL is limited to 2,048 characters; 2,049 given.",
        ),
        (
            {"source": Source(url="ftp://example.org/report")},
            "source.url",
            UserErrorCode.INVALID,
            "The source URL must be an absolute http or https address.",
        ),
        (
            {"source": Source(url="example.org/report")},
            "source.url",
            UserErrorCode.INVALID,
            "The source URL must be an absolute http or https address.",
        ),
        (
            {"source": Source(url="/report")},
            "source.url",
            UserErrorCode.INVALID,
            "The source URL must be an absolute http or https address.",
        ),
        (
            {"source": Source(url="https://")},
            "source.url",
            UserErrorCode.INVALID,
            "The source URL must be an absolute http or https address.",
        ),
        (
            {"source": Source(url="https://example.org/a report")},
            "source.url",
            UserErrorCode.INVALID,
            "The source URL must be an absolute http or https address.",
        ),
        (
            {"source": Source(url="javascript:alert(1)")},
            "source.url",
            UserErrorCode.INVALID,
            "The source URL must be an absolute http or https address.",
        ),
        (
            {"source": Source(url="https://example.org/", title="t" * 501)},
            "source.title",
            UserErrorCode.TOO_LONG,
            "The source title is limited to 500 characters; 501 given.",
        ),
        (
            {"source": Source(url="https://example.org/", publisher="p" * 301)},
            "source.publisher",
            UserErrorCode.TOO_LONG,
            "The source publisher is limited to 300 characters; 301 given.",
        ),
    ],
    ids=[
        "date-empty",
        "date-wrong-order",
        "date-unpadded",
        "date-with-time",
        "date-not-a-leap-day",
        "date-month-13",
        "date-month-0",
        "note-blank",
        "note-too-long",
        "verified-without-source",
        "url-blank",
        "url-too-long",
        "url-ftp",
        "url-no-scheme",
        "url-relative",
        "url-no-host",
        "url-with-space",
        "url-javascript",
        "source-title-too-long",
        "publisher-too-long",
    ],
)
async def test_an_update_breaking_a_rule_is_refused(
    empty_db: TortoiseContext,
    events: EventRecorder,
    overrides: dict[str, Any],
    field: str,
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    before = await snapshot()
    arguments: dict[str, Any] = {"occurred_on": "2024-10-21", **overrides}

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(issue.id, publish=events, **arguments)

    # then
    assert described(caught.value) == (field, code, message)
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    "occurred_on",
    [
        pytest.param(lambda: future().isoformat(), id="tomorrow"),
        pytest.param(next_month, id="next-month"),
        pytest.param(lambda: str(latest_today().year + 1), id="next-year"),
    ],
)
async def test_an_update_in_the_future_is_refused(
    empty_db: TortoiseContext,
    events: EventRecorder,
    occurred_on: Callable[[], str],
) -> None:
    # given
    issue = await make_issue()
    text = occurred_on()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(issue.id, text, publish=events)

    # then
    assert described(caught.value) == (
        "occurred_on",
        UserErrorCode.IN_FUTURE,
        f"{text} is in the future.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_an_update_to_an_unknown_issue_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await post(MISSING_ID, "2024-10-21", publish=events)

    # then
    assert described(caught.value) == (
        "issue_id",
        UserErrorCode.NOT_FOUND,
        "No issue has this id.",
    )
    assert (caught.value.kind, caught.value.pk) == ("Issue", MISSING_ID)
    assert await snapshot() == before
    assert events.events == []


async def test_an_update_to_an_archived_issue_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await archived_issue()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await post(issue.id, "2024-10-21", publish=events)

    # then
    assert described(caught.value) == (
        "issue_id",
        UserErrorCode.ARCHIVED,
        "The issue 'app-bans' is archived; unarchive it before changing it.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_an_unarchived_issue_takes_updates_again(
    empty_db: TortoiseContext,
) -> None:
    # given an issue archived and brought back, at version 4
    issue = await archived_issue()
    await set_archived(issue.id, False, actor="editor")

    # when
    await post(issue.id, "2024-10-21", IssueStatus.RESOLVED)

    # then
    assert await stored_issue(issue.id) == (IssueStatus.RESOLVED, 5)


async def test_an_update_on_a_stale_version_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 3
    issue = await make_issue(
        history=[
            (date(2024, 6, 1), IssueStatus.PROPOSED),
            (date(2024, 7, 1), IssueStatus.UNDER_DISCUSSION),
        ]
    )
    before = await snapshot()

    # when
    with pytest.raises(VersionConflictError) as caught:
        await post(issue.id, "2024-10-21", expected_version=2, publish=events)

    # then
    error = caught.value
    assert (error.code, error.expected, error.current, error.message) == (
        UserErrorCode.VERSION_CONFLICT,
        2,
        3,
        "The issue is at version 3, not 2: it changed since you read it. "
        "Read it again and retry with the new version.",
    )
    assert await snapshot() == before
    assert events.events == []


# retract_status_update


async def test_retracting_marks_the_update_and_keeps_it(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 3 with two updates
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    written = await post(issue.id, "2024-10-21", IssueStatus.RESOLVED)
    before = await update_columns(written.update.id)
    started = datetime.now(UTC)

    # when
    retracted = await retract_status_update(
        written.update.id,
        reason="  Misreported.  ",
        actor="reviewer",
        publish=events,
    )

    # then only the retraction columns changed
    stored = await StatusUpdate.get(id=written.update.id)
    assert stored.retracted_at is not None
    assert started <= stored.retracted_at <= datetime.now(UTC)
    assert await update_columns(written.update.id) == {
        **before,
        "retracted_at": stored.retracted_at,
        "retraction_reason": "Misreported.",
        "retracted_by": "reviewer",
    }
    assert (
        retracted.update.retracted_at,
        retracted.update.retraction_reason,
        retracted.update.retracted_by,
    ) == (stored.retracted_at, "Misreported.", "reviewer")
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert (retracted.issue.version, retracted.replayed) == (4, False)
    assert events.events == [
        Event(
            EventKind.UPDATE_RETRACTED,
            issue_id=issue.id,
            update_id=written.update.id,
            version=4,
            position=retracted.position,
            announced=announced_on_commit(),
        )
    ]


async def test_retracting_the_latest_update_restores_the_previous_status(
    empty_db: TortoiseContext,
) -> None:
    # given an issue PROPOSED then RESOLVED, at version 3
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    latest = await post(issue.id, "2024-10-21", IssueStatus.RESOLVED)

    # when
    retracted = await retract_status_update(
        latest.update.id, reason="Wrong.", actor="editor"
    )

    # then
    assert await stored_issue(issue.id) == (IssueStatus.PROPOSED, 4)
    assert retracted.issue.status is IssueStatus.PROPOSED


async def test_retracting_the_only_update_leaves_no_status(
    empty_db: TortoiseContext,
) -> None:
    # given
    issue = await make_issue()
    only = await post(issue.id, "2024-10-21", IssueStatus.PROPOSED)

    # when
    retracted = await retract_status_update(
        only.update.id, reason="Wrong.", actor="editor"
    )

    # then
    assert await stored_issue(issue.id) == (None, 3)
    assert retracted.issue.status is None


async def test_retracting_an_older_update_leaves_the_status(
    empty_db: TortoiseContext,
) -> None:
    # given an issue whose latest update is RESOLVED
    issue = await make_issue()
    older = await post(issue.id, "2024-06-01", IssueStatus.PROPOSED)
    await post(issue.id, "2024-10-21", IssueStatus.RESOLVED)

    # when
    await retract_status_update(older.update.id, reason="Wrong.", actor="editor")

    # then
    assert await stored_issue(issue.id) == (IssueStatus.RESOLVED, 4)


async def test_retracting_the_later_of_a_tie_falls_back_to_the_earlier(
    empty_db: TortoiseContext,
) -> None:
    # given two updates of the same day, the later-recorded STALLED
    issue = await make_issue()
    await post(issue.id, "2025-01-27", IssueStatus.IN_PROGRESS)
    later = await post(issue.id, "2025-01-27", IssueStatus.STALLED)

    # when
    await retract_status_update(later.update.id, reason="Wrong.", actor="editor")

    # then
    assert await stored_issue(issue.id) == (IssueStatus.IN_PROGRESS, 4)


async def test_retracting_exposes_a_back_filled_update_that_is_now_latest(
    empty_db: TortoiseContext,
) -> None:
    # given RESOLVED in 2025, then STALLED back-filled into 2024-11 (a month)
    issue = await make_issue()
    latest = await post(issue.id, "2025-01-27", IssueStatus.RESOLVED)
    await post(issue.id, "2024-11", IssueStatus.STALLED)
    await post(issue.id, "2024-10-31", IssueStatus.PROPOSED)

    # when
    await retract_status_update(latest.update.id, reason="Wrong.", actor="editor")

    # then "2024-11" (from 2024-11-01) is later than 2024-10-31
    assert await stored_issue(issue.id) == (IssueStatus.STALLED, 5)


async def test_retracting_twice_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await make_issue()
    written = await post(issue.id, "2024-10-21")
    await retract_status_update(written.update.id, reason="Wrong.", actor="editor")
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await retract_status_update(
            written.update.id, reason="Again.", actor="editor", publish=events
        )

    # then
    assert described(caught.value) == (
        "update_id",
        UserErrorCode.ALREADY_RETRACTED,
        "This update is already retracted.",
    )
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize(
    ("reason", "code", "message"),
    [
        ("", UserErrorCode.REQUIRED, "The reason must not be blank."),
        ("   ", UserErrorCode.REQUIRED, "The reason must not be blank."),
        (
            "r" * 2_001,
            UserErrorCode.TOO_LONG,
            "The reason is limited to 2,000 characters; 2,001 given.",
        ),
    ],
    ids=["empty", "blank", "too-long"],
)
async def test_retracting_needs_a_reason(
    empty_db: TortoiseContext,
    events: EventRecorder,
    reason: str,
    code: UserErrorCode,
    message: str,
) -> None:
    # given
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    update = await StatusUpdate.get(issue_id=issue.id)
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await retract_status_update(
            update.id, reason=reason, actor="editor", publish=events
        )

    # then
    assert described(caught.value) == ("reason", code, message)
    assert await snapshot() == before
    assert events.events == []


async def test_retracting_an_unknown_update_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await retract_status_update(
            MISSING_ID, reason="Wrong.", actor="editor", publish=events
        )

    # then
    assert described(caught.value) == (
        "update_id",
        UserErrorCode.NOT_FOUND,
        "No status update has this id.",
    )
    assert (caught.value.kind, caught.value.pk) == ("StatusUpdate", MISSING_ID)
    assert await snapshot() == before
    assert events.events == []


async def test_retracting_an_update_of_an_archived_issue_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    issue = await archived_issue()
    update = await StatusUpdate.get(issue_id=issue.id)
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await retract_status_update(
            update.id, reason="Wrong.", actor="editor", publish=events
        )

    # then the field is the retraction's own input, which names the update
    assert described(caught.value) == (
        "update_id",
        UserErrorCode.ARCHIVED,
        "The issue 'app-bans' is archived; unarchive it before changing it.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_retracting_on_a_stale_version_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 3
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    written = await post(issue.id, "2024-10-21")
    before = await snapshot()

    # when
    with pytest.raises(VersionConflictError) as caught:
        await retract_status_update(
            written.update.id,
            reason="Wrong.",
            expected_version=2,
            actor="editor",
            publish=events,
        )

    # then
    assert (caught.value.code, caught.value.expected, caught.value.current) == (
        UserErrorCode.VERSION_CONFLICT,
        2,
        3,
    )
    assert await snapshot() == before
    assert events.events == []


async def test_retracting_with_the_current_version_is_applied(
    empty_db: TortoiseContext,
) -> None:
    # given an issue at version 3
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    written = await post(issue.id, "2024-10-21")

    # when
    retracted = await retract_status_update(
        written.update.id, reason="Wrong.", expected_version=3, actor="editor"
    )

    # then
    assert retracted.issue.version == 4
