"""Time in status: spans from a live history, and standings of a relationship."""

from datetime import UTC, date, datetime

from tortoise.context import TortoiseContext

from models.enums import DatePrecision, IssueStatus
from models.status_spans import StatusSpan, spans_by_issue, spans_of, standings
from models.status_update import StatusUpdate
from tests.factories import make_issue

PROPOSED = IssueStatus.PROPOSED
DISCUSSED = IssueStatus.UNDER_DISCUSSION
SUSPENDED = IssueStatus.SUSPENDED
TODAY = date(2026, 12, 1)


def update(
    pk: int,
    day: date,
    status: IssueStatus,
    *,
    precision: DatePrecision = DatePrecision.DAY,
    retracted: bool = False,
) -> StatusUpdate:
    """An unsaved update, as a history read from the table would hold it."""
    return StatusUpdate(
        id=pk,
        issue_id=1,
        status=status,
        occurred_on=day,
        occurred_precision=precision,
        note="n",
        recorded_by="test",
        retracted_at=datetime(2026, 1, 1, tzinfo=UTC) if retracted else None,
    )


def summary(
    spans: list[StatusSpan],
) -> list[tuple[IssueStatus, date, date | None, int, int]]:
    """Each span as (status, from, until, days, id of the update starting it)."""
    return [(s.status, s.start, s.until, s.days, s.started_by.pk) for s in spans]


def test_an_empty_history_has_no_span() -> None:
    assert spans_of([], TODAY) == []


def test_each_change_of_status_starts_a_span_and_the_last_is_current() -> None:
    history = [
        update(1, date(2020, 6, 15), SUSPENDED),
        update(2, date(2024, 10, 21), DISCUSSED),
        update(3, date(2025, 8, 18), PROPOSED),
    ]

    assert summary(spans_of(history, TODAY)) == [
        (SUSPENDED, date(2020, 6, 15), date(2024, 10, 21), 1589, 1),
        (DISCUSSED, date(2024, 10, 21), date(2025, 8, 18), 301, 2),
        (PROPOSED, date(2025, 8, 18), None, (TODAY - date(2025, 8, 18)).days, 3),
    ]


def test_a_later_update_at_the_same_status_continues_the_span() -> None:
    history = [
        update(1, date(2020, 1, 29), SUSPENDED),
        update(2, date(2022, 3, 1), SUSPENDED),
        update(3, date(2025, 1, 27), DISCUSSED),
    ]

    spans = spans_of(history, TODAY)

    assert summary(spans)[0] == (
        SUSPENDED,
        date(2020, 1, 29),
        date(2025, 1, 27),
        1825,
        1,
    )
    assert len(spans) == 2


def test_a_partial_date_counts_from_its_first_day() -> None:
    history = [
        update(1, date(2024, 6, 1), SUSPENDED, precision=DatePrecision.MONTH),
        update(2, date(2025, 1, 1), DISCUSSED, precision=DatePrecision.YEAR),
    ]

    assert summary(spans_of(history, TODAY))[0][1:4] == (
        date(2024, 6, 1),
        date(2025, 1, 1),
        214,
    )


def test_retracted_updates_do_not_count() -> None:
    history = [
        update(1, date(2024, 1, 1), PROPOSED),
        update(2, date(2024, 6, 1), SUSPENDED, retracted=True),
        update(3, date(2025, 1, 1), PROPOSED),
    ]

    assert summary(spans_of(history, TODAY)) == [
        (PROPOSED, date(2024, 1, 1), None, (TODAY - date(2024, 1, 1)).days, 1)
    ]


def test_as_of_cuts_the_history_and_counts_to_that_day() -> None:
    history = [
        update(1, date(2024, 1, 1), PROPOSED),
        update(2, date(2025, 1, 1), DISCUSSED),
    ]

    spans = spans_of(history, TODAY, as_of=date(2024, 3, 1))

    assert summary(spans) == [(PROPOSED, date(2024, 1, 1), None, 60, 1)]
    assert spans_of(history, TODAY, as_of=date(2023, 12, 31)) == []


async def test_spans_of_many_issues_are_read_from_the_table(
    empty_db: TortoiseContext,
) -> None:
    first = await make_issue(
        slug="first",
        history=[(date(2024, 1, 1), PROPOSED), (date(2024, 2, 1), DISCUSSED)],
    )
    second = await make_issue(slug="second")

    found = await spans_by_issue([first.pk, second.pk], TODAY)

    assert [(s.status, s.days) for s in found[first.pk]] == [
        (PROPOSED, 31),
        (DISCUSSED, (TODAY - date(2024, 2, 1)).days),
    ]
    assert found[second.pk] == []


async def test_standings_put_the_longest_standing_first_and_skip_archived(
    empty_db: TortoiseContext,
) -> None:
    await make_issue(slug="recent", history=[(date(2026, 1, 1), PROPOSED)])
    await make_issue(slug="old", history=[(date(2020, 1, 1), SUSPENDED)])
    await make_issue(
        slug="gone",
        history=[(date(2019, 1, 1), SUSPENDED)],
        archived_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    await make_issue(slug="empty")

    found = await standings("india-china", TODAY)

    assert [(s.issue.slug, s.span.status, s.span.days) for s in found] == [
        ("old", SUSPENDED, (TODAY - date(2020, 1, 1)).days),
        ("recent", PROPOSED, (TODAY - date(2026, 1, 1)).days),
    ]
    on_day = await standings("india-china", TODAY, as_of=date(2025, 1, 1))
    assert [s.issue.slug for s in on_day] == ["old"]
