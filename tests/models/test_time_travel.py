"""Time travel in SQL gives what derive_status gives over the updates that had
occurred by the day: back-filled history, same-day ties, retractions, issues
that had not begun, archived issues left out of the counts."""

from collections import Counter
from datetime import UTC, date, datetime

from tortoise.context import TortoiseContext

from models.derived_status import (
    derive_status,
    status_counts_on,
    statuses_on,
)
from models.enums import IssueStatus
from models.issue import Issue
from models.queries import IssueCriteria, issues_matching
from models.status_update import StatusUpdate
from tests.factories import make_issue, make_update

A = IssueStatus.UNDER_DISCUSSION
B = IssueStatus.AGREED_IN_PRINCIPLE
C = IssueStatus.SUSPENDED
D = IssueStatus.RESOLVED


async def _histories() -> None:
    # recorded out of order: the back-filled 2024-03-01 update counts from then
    await make_issue(
        slug="backfilled",
        history=[(date(2024, 6, 1), B), (date(2024, 3, 1), A), (date(2025, 1, 1), D)],
    )
    # two on one day: the later recorded wins, from that day on
    await make_issue(
        slug="tied", history=[(date(2024, 1, 1), A), (date(2024, 6, 1), B)]
    )
    tied = await Issue.get(slug="tied")
    await make_update(tied, date(2024, 6, 1), C)
    # the latest is retracted: the one before it stands
    retracted = await make_issue(
        slug="retracted", history=[(date(2024, 2, 1), C), (date(2024, 5, 1), D)]
    )
    await StatusUpdate.filter(issue=retracted, status=D).update(
        retracted_at=datetime(2025, 1, 1, tzinfo=UTC), retracted_by="test"
    )
    # begins late, and an archived issue that counts in lists but not in counts
    await make_issue(slug="late", history=[(date(2025, 6, 1), A)])
    await make_issue(
        slug="archived",
        history=[(date(2024, 1, 1), C)],
        archived_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    await make_issue(slug="no-history")


async def _expected(day: date) -> dict[str, IssueStatus]:
    """The rule in Python, over the updates that had occurred by `day`."""
    found: dict[str, IssueStatus] = {}
    for issue in await Issue.all():
        updates = await StatusUpdate.filter(issue=issue, occurred_on__lte=day).order_by(
            "id"
        )
        status = derive_status(updates)
        if status is not None:
            found[issue.slug] = status
    return found


DAYS = [
    date(2023, 12, 31),
    date(2024, 1, 1),
    date(2024, 3, 1),
    date(2024, 5, 31),
    date(2024, 6, 1),
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 6, 1),
]


async def test_every_time_travel_statement_follows_the_rule(
    empty_db: TortoiseContext,
) -> None:
    await _histories()
    slugs = {issue.pk: issue.slug for issue in await Issue.all()}
    archived = {issue.slug for issue in await Issue.filter(archived_at__isnull=False)}

    for day in DAYS:
        expected = await _expected(day)

        # the status of each issue on the day
        on_day = await statuses_on(day)
        assert {slugs[pk]: status for pk, status in on_day.items()} == expected
        some = [pk for pk, slug in slugs.items() if slug in ("tied", "late")]
        assert {slugs[pk] for pk in await statuses_on(day, issue_ids=some)} == {
            slug for slug in ("tied", "late") if slug in expected
        }

        # the counts, of unarchived issues
        counted = Counter(s for slug, s in expected.items() if slug not in archived)
        assert await status_counts_on(day) == dict(counted)
        assert await status_counts_on(day, "india-china") == dict(counted)
        assert await status_counts_on(day, "no-such-relationship") == {}

        # the issue filter, with and without statuses
        for statuses in ((), (B,), (C, D)):
            criteria = IssueCriteria(
                as_of=day, statuses=statuses, include_archived=True
            )
            matching = await issues_matching(criteria)
            listed = {issue.slug for issue in await matching}
            assert listed == {
                slug
                for slug, status in expected.items()
                if not statuses or status in statuses
            }

    # spot checks of the reference itself
    assert await _expected(date(2023, 12, 31)) == {}
    assert await _expected(date(2024, 3, 1)) == {
        "backfilled": A,
        "tied": A,
        "retracted": C,
        "archived": C,
    }
    assert await _expected(date(2024, 6, 1)) == {
        "backfilled": B,
        "tied": C,
        "retracted": C,
        "archived": C,
    }
