"""Recording meetings: the stored row, its issue links, every refusal, the event.

A meeting links only issues of its own relationship, each once, and linking leaves
the issues untouched. A refused call writes no row and publishes no event.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models.enums import DatePrecision, EventKind, IssueCategory
from models.errors import InvalidInputError, NotFoundError, UserErrorCode
from models.events import Event
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.meeting_operations import MeetingWritten, record_meeting
from models.relationship import Relationship
from models.validation import Source, latest_today
from tests.conftest import EventRecorder
from tests.factories import india_china, make_issue
from tests.snapshots import snapshot

MISSING_ID = 999_999
MEETING_COLUMNS = (
    "relationship_id",
    "held_on",
    "held_precision",
    "title",
    "location",
    "participants",
    "summary",
    "source_url",
    "source_title",
    "source_publisher",
    "recorded_by",
)


def described(error: InvalidInputError | NotFoundError) -> tuple[str, str, str]:
    """An error's field, code and message, to compare in one assertion."""
    return (error.field, error.code, error.message)


async def record(**overrides: Any) -> MeetingWritten:
    """Record a meeting in India-China with plain defaults."""
    relationship = await india_china()
    arguments: dict[str, Any] = {
        "held_on": "2024-10-23",
        "title": "Modi-Xi meeting in Kazan",
        "actor": "editor",
        **overrides,
    }
    return await record_meeting(relationship.id, **arguments)


async def meeting_columns(meeting_id: int) -> dict[str, Any]:
    """The stored columns of one meeting (all but id and recorded_at)."""
    return await Meeting.filter(id=meeting_id).first().values(*MEETING_COLUMNS)


async def linked_issue_ids(meeting_id: int) -> list[int]:
    """The ids of the issues linked to a meeting, in link order."""
    links = await MeetingIssue.filter(meeting_id=meeting_id).order_by("id")
    return [link.issue_id for link in links]


async def issue_of_another_relationship() -> Issue:
    """An issue of India-Pakistan."""
    other = await Relationship.create(
        slug="india-pakistan", name="India-Pakistan", countries=["IN", "PK"]
    )
    return await make_issue(relationship=other, slug="indus-waters")


async def test_a_meeting_stores_its_cleaned_input_and_links_its_issues(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    relationship = await india_china()
    flights = await make_issue(slug="direct-flights")
    border = await make_issue(slug="border")
    started = datetime.now(UTC)

    # when
    written = await record_meeting(
        relationship.id,
        held_on=" 2024-10-23 ",
        title="  Modi-Xi meeting in Kazan  ",
        location="  Kazan  ",
        participants=["  Narendra Modi ", "Xi Jinping"],
        summary="  First formal meeting in five years.  ",
        source=Source(url=" https://example.org/kazan ", title=" MEA ", publisher=""),
        issue_ids=[border.id, flights.id],
        actor="editor",
        publish=events,
    )

    # then
    assert written.replayed is False
    assert await meeting_columns(written.meeting.id) == {
        "relationship_id": relationship.id,
        "held_on": date(2024, 10, 23),
        "held_precision": DatePrecision.DAY,
        "title": "Modi-Xi meeting in Kazan",
        "location": "Kazan",
        "participants": ["Narendra Modi", "Xi Jinping"],
        "summary": "First formal meeting in five years.",
        "source_url": "https://example.org/kazan",
        "source_title": "MEA",
        "source_publisher": None,
        "recorded_by": "editor",
    }
    stored = await Meeting.get(id=written.meeting.id)
    assert started <= stored.recorded_at <= datetime.now(UTC)
    assert await linked_issue_ids(written.meeting.id) == [border.id, flights.id]
    assert events.events == [
        Event(EventKind.MEETING_RECORDED, meeting_id=written.meeting.id)
    ]


async def test_a_meeting_with_only_a_date_and_title_stores_empty_values(
    empty_db: TortoiseContext,
) -> None:
    # when
    written = await record(location="   ")

    # then
    stored = await meeting_columns(written.meeting.id)
    assert (
        stored["location"],
        stored["participants"],
        stored["summary"],
        stored["source_url"],
        stored["source_title"],
        stored["source_publisher"],
    ) == (None, [], "", None, None, None)
    assert await linked_issue_ids(written.meeting.id) == []


@pytest.mark.parametrize(
    ("held_on", "first_day", "precision"),
    [
        ("2024-10-23", date(2024, 10, 23), DatePrecision.DAY),
        ("2024-10", date(2024, 10, 1), DatePrecision.MONTH),
        ("2024", date(2024, 1, 1), DatePrecision.YEAR),
    ],
    ids=["day", "month", "year"],
)
async def test_a_partial_date_is_stored_as_its_first_day_and_precision(
    empty_db: TortoiseContext,
    held_on: str,
    first_day: date,
    precision: DatePrecision,
) -> None:
    # when
    written = await record(held_on=held_on)

    # then
    stored = await meeting_columns(written.meeting.id)
    assert (stored["held_on"], stored["held_precision"]) == (first_day, precision)


async def test_a_meeting_today_in_the_earliest_time_zone_is_accepted(
    empty_db: TortoiseContext,
) -> None:
    # when
    written = await record(held_on=latest_today().isoformat())

    # then
    assert (await meeting_columns(written.meeting.id))["held_on"] == latest_today()


async def test_limits_are_inclusive(empty_db: TortoiseContext) -> None:
    # when
    written = await record(
        title="t" * 300,
        location="l" * 200,
        participants=["p" * 200] * 50,
        summary="s" * 10_000,
    )

    # then
    stored = await meeting_columns(written.meeting.id)
    assert (
        len(stored["title"]),
        len(stored["location"]),
        len(stored["participants"]),
        len(stored["summary"]),
    ) == (300, 200, 50, 10_000)


async def test_linking_leaves_the_issues_untouched(empty_db: TortoiseContext) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    issues_before = (await snapshot())["Issue"]

    # when
    await record(issue_ids=[flights.id])

    # then
    assert (await snapshot())["Issue"] == issues_before


async def test_duplicate_issue_ids_are_linked_once(empty_db: TortoiseContext) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    border = await make_issue(slug="border")

    # when
    written = await record(issue_ids=[flights.id, border.id, flights.id, border.id])

    # then
    assert await linked_issue_ids(written.meeting.id) == [flights.id, border.id]


async def test_duplicates_do_not_count_towards_the_limit_of_100_issues(
    empty_db: TortoiseContext,
) -> None:
    # given 100 issues
    relationship = await india_china()
    await Issue.bulk_create(
        [
            Issue(
                relationship=relationship,
                slug=f"issue-{index}",
                title=f"Issue {index}",
                category=IssueCategory.TRADE,
            )
            for index in range(100)
        ]
    )
    ids = [issue.id for issue in await Issue.all().order_by("id")]

    # when
    written = await record(issue_ids=[*ids, ids[0]])

    # then
    assert await linked_issue_ids(written.meeting.id) == ids


async def test_more_than_100_distinct_issues_are_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    await india_china()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await record(issue_ids=list(range(1, 102)), publish=events)

    # then
    assert described(caught.value) == (
        "issue_ids",
        UserErrorCode.TOO_MANY,
        "A meeting can link at most 100 issues; 101 given.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_an_issue_of_another_relationship_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    indus = await issue_of_another_relationship()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await record(issue_ids=[flights.id, indus.id], publish=events)

    # then
    assert described(caught.value) == (
        "issue_ids[1]",
        UserErrorCode.NOT_IN_RELATIONSHIP,
        "This issue belongs to another relationship.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_an_unknown_issue_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await record(issue_ids=[flights.id, MISSING_ID], publish=events)

    # then
    assert described(caught.value) == (
        "issue_ids[1]",
        UserErrorCode.NOT_FOUND,
        "No issue has this id.",
    )
    assert (caught.value.kind, caught.value.pk) == ("Issue", MISSING_ID)
    assert await snapshot() == before
    assert events.events == []


async def test_the_first_bad_issue_in_input_order_is_reported(
    empty_db: TortoiseContext,
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    indus = await issue_of_another_relationship()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await record(issue_ids=[flights.id, indus.id, MISSING_ID])

    # then
    assert (caught.value.field, caught.value.code) == (
        "issue_ids[1]",
        UserErrorCode.NOT_IN_RELATIONSHIP,
    )


async def test_an_unknown_issue_after_a_duplicate_is_named_by_its_input_position(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await record(issue_ids=[flights.id, flights.id, MISSING_ID], publish=events)

    # then the field points at the id the client sent, at index 2 of its list
    assert described(caught.value) == (
        "issue_ids[2]",
        UserErrorCode.NOT_FOUND,
        "No issue has this id.",
    )
    assert await snapshot() == before
    assert events.events == []


async def test_a_foreign_issue_after_a_duplicate_is_named_by_its_input_position(
    empty_db: TortoiseContext,
) -> None:
    # given
    flights = await make_issue(slug="direct-flights")
    indus = await issue_of_another_relationship()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await record(issue_ids=[flights.id, flights.id, indus.id])

    # then
    assert (caught.value.field, caught.value.code) == (
        "issue_ids[2]",
        UserErrorCode.NOT_IN_RELATIONSHIP,
    )


async def test_an_unknown_relationship_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await record_meeting(
            MISSING_ID,
            held_on="2024-10-23",
            title="A meeting",
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


FORM = "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD."
URL_RULE = "The source URL must be an absolute http or https address."


@pytest.mark.parametrize(
    ("overrides", "field", "code", "message"),
    [
        (
            {"held_on": "23-10-2024"},
            "held_on",
            UserErrorCode.INVALID,
            f"'23-10-2024' {FORM}",
        ),
        (
            {"held_on": "2024-02-30"},
            "held_on",
            UserErrorCode.INVALID,
            "'2024-02-30' is not a real date.",
        ),
        (
            {"title": ""},
            "title",
            UserErrorCode.REQUIRED,
            "The title must not be blank.",
        ),
        (
            {"title": "t" * 301},
            "title",
            UserErrorCode.TOO_LONG,
            "The title is limited to 300 characters; 301 given.",
        ),
        (
            {"location": "l" * 201},
            "location",
            UserErrorCode.TOO_LONG,
            "The location is limited to 200 characters; 201 given.",
        ),
        (
            {"participants": ["p"] * 51},
            "participants",
            UserErrorCode.TOO_MANY,
            "At most 50 values are allowed; 51 given.",
        ),
        (
            {"participants": ["Modi", "  "]},
            "participants[1]",
            UserErrorCode.REQUIRED,
            "The participant 2 must not be blank.",
        ),
        (
            {"participants": ["p" * 201]},
            "participants[0]",
            UserErrorCode.TOO_LONG,
            "The participant 1 is limited to 200 characters; 201 given.",
        ),
        (
            {"summary": "s" * 10_001},
            "summary",
            UserErrorCode.TOO_LONG,
            "The summary is limited to 10,000 characters; 10,001 given.",
        ),
        (
            {"source": Source(url="mailto:desk@example.org")},
            "source.url",
            UserErrorCode.INVALID,
            URL_RULE,
        ),
        (
            {"source": Source(url="")},
            "source.url",
            UserErrorCode.REQUIRED,
            "The source URL must not be blank.",
        ),
        (
            {"source": Source(url="https://example.org/", title="t" * 501)},
            "source.title",
            UserErrorCode.TOO_LONG,
            "The source title is limited to 500 characters; 501 given.",
        ),
    ],
    ids=[
        "date-malformed",
        "date-not-real",
        "title-blank",
        "title-too-long",
        "location-too-long",
        "too-many-participants",
        "participant-blank",
        "participant-too-long",
        "summary-too-long",
        "url-not-http",
        "url-blank",
        "source-title-too-long",
    ],
)
async def test_a_meeting_breaking_a_rule_is_refused(
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
        await record(publish=events, **overrides)

    # then
    assert described(caught.value) == (field, code, message)
    assert await snapshot() == before
    assert events.events == []


async def test_a_meeting_in_the_future_is_refused(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given
    await india_china()
    tomorrow = (latest_today() + timedelta(days=1)).isoformat()
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await record(held_on=tomorrow, publish=events)

    # then
    assert described(caught.value) == (
        "held_on",
        UserErrorCode.IN_FUTURE,
        f"{tomorrow} is in the future.",
    )
    assert await snapshot() == before
    assert events.events == []
