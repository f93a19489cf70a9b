"""Plain async helpers that write rows for tests: make_issue(**overrides) and more."""

from datetime import date
from typing import Any

from models.derived_status import derive_status
from models.enums import DatePrecision, FeedKind, IssueCategory, IssueStatus
from models.feed_entry import FeedEntry
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.relationship import Relationship
from models.status_update import StatusUpdate


async def india_china() -> Relationship:
    """The seeded relationship, or a fresh one in an empty database."""
    relationship, _ = await Relationship.get_or_create(
        slug="india-china", defaults={"name": "India-China", "countries": ["IN", "CN"]}
    )
    return relationship


async def make_issue(**overrides: Any) -> Issue:
    """An issue with defaults; `history=[(date, status), ...]` adds its updates."""
    history: list[tuple[date, IssueStatus]] = overrides.pop("history", [])
    fields: dict[str, Any] = {
        "relationship": overrides.pop("relationship", None) or await india_china(),
        "slug": "test-issue",
        "title": "A test issue",
        "summary": "",
        "category": IssueCategory.TRADE,
        "raised_by": "IN",
        **overrides,
    }
    issue = await Issue.create(**fields)
    updates = [await make_update(issue, day, status) for day, status in history]
    issue.status = derive_status(updates)  # type: ignore[assignment]
    issue.version += len(updates)
    await issue.save()
    return issue


async def make_update(issue: Issue, day: date, status: IssueStatus) -> StatusUpdate:
    """One sourced update of an issue (the issue's status is not re-derived)."""
    return await StatusUpdate.create(
        issue=issue,
        status=status,
        occurred_on=day,
        occurred_precision=DatePrecision.DAY,
        note=f"{status.value} on {day.isoformat()}",
        source_url=f"https://example.org/{issue.slug}/{day.isoformat()}",
        source_title="A report",
        source_publisher="Example",
        recorded_by="test",
    )


async def make_meeting(day: date, title: str, issues: list[Issue]) -> Meeting:
    """A meeting that discussed the given issues."""
    meeting = await Meeting.create(
        relationship=await india_china(),
        held_on=day,
        held_precision=DatePrecision.DAY,
        title=title,
        participants=["A", "B"],
        source_url="https://example.org/meeting",
        recorded_by="test",
    )
    for issue in issues:
        await MeetingIssue.create(meeting=meeting, issue=issue)
    return meeting


async def feed_position(update_id: int, kind: FeedKind = FeedKind.RECORDED) -> int:
    """Where the update feed entered the recording (or retraction) of an update."""
    return int((await FeedEntry.get(update_id=update_id, kind=kind)).id)
