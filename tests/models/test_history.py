"""The current status is the latest live update's (occurred_on, then recorded)."""

from datetime import UTC, date, datetime

from models.derived_status import derive_status
from models.enums import DatePrecision, IssueStatus
from models.status_update import StatusUpdate


def _update(day: date, status: IssueStatus, *, retracted: bool = False) -> StatusUpdate:
    return StatusUpdate(
        status=status,
        occurred_on=day,
        occurred_precision=DatePrecision.DAY,
        note="n",
        recorded_by="test",
        retracted_at=datetime(2025, 1, 1, tzinfo=UTC) if retracted else None,
    )


def test_latest_by_occurrence_wins_over_recording_order() -> None:
    updates = [
        _update(date(2025, 3, 1), IssueStatus.RESOLVED),
        _update(date(2024, 1, 1), IssueStatus.SUSPENDED),  # back-filled later
    ]

    assert derive_status(updates) is IssueStatus.RESOLVED


def test_ties_on_the_same_day_fall_to_the_later_recorded() -> None:
    day = date(2025, 1, 27)
    updates = [
        _update(day, IssueStatus.UNDER_DISCUSSION),
        _update(day, IssueStatus.STALLED),
    ]

    assert derive_status(updates) is IssueStatus.STALLED


def test_retracted_updates_do_not_count() -> None:
    updates = [
        _update(date(2024, 1, 1), IssueStatus.PROPOSED),
        _update(date(2025, 1, 1), IssueStatus.RESOLVED, retracted=True),
    ]

    assert derive_status(updates) is IssueStatus.PROPOSED


def test_no_live_update_means_no_status() -> None:
    assert derive_status([]) is None
    assert (
        derive_status([_update(date(2024, 1, 1), IssueStatus.PROPOSED, retracted=True)])
        is None
    )
