"""Recording meetings and linking them to the issues they discussed."""

from dataclasses import dataclass
from typing import Any

from models.enums import EventKind
from models.errors import InvalidInputError, NotFoundError, UserErrorCode
from models.events import Event, Publish, discard, publish_committed
from models.idempotency import Idempotency
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.transactions import atomically, find_relationship
from models.validation import (
    SUMMARY_MAX,
    Source,
    clean_list,
    clean_optional_text,
    clean_past_date,
    clean_source,
    clean_text,
    source_columns,
)

MEETING_TITLE_MAX = 300
LOCATION_MAX = 200
PARTICIPANTS_MAX = 50
PARTICIPANT_MAX = 200
LINKED_ISSUES_MAX = 100


@dataclass(frozen=True)
class MeetingWritten:
    """A recorded meeting; `replayed` when an idempotency key matched."""

    meeting: Meeting
    replayed: bool = False


async def record_meeting(
    relationship_id: int,
    *,
    held_on: str,
    title: str,
    location: str | None = None,
    participants: list[str] | None = None,
    summary: str | None = None,
    source: Source | None = None,
    issue_ids: list[int] | None = None,
    idempotency_key: str | None = None,
    actor: str,
    publish: Publish = discard,
) -> MeetingWritten:
    """Record a meeting that has taken place and link the issues it discussed.

    Linking does not change the issues' versions. Raises InvalidInputError
    (held_on malformed or in the future, title, location, participants, summary,
    source, an issue of another relationship, too many issues, a reused key) and
    NotFoundError (relationship or an issue). Publishes MEETING_RECORDED.
    """
    day = clean_past_date(held_on, "held_on")
    row: dict[str, Any] = {
        "held_on": day.first_day,
        "held_precision": day.precision,
        "title": clean_text(title, "title", MEETING_TITLE_MAX),
        "location": clean_optional_text(location, "location", LOCATION_MAX),
        "participants": clean_list(
            participants or [], "participants", PARTICIPANTS_MAX, PARTICIPANT_MAX
        ),
        "summary": clean_text(summary or "", "summary", SUMMARY_MAX, required=False),
        **source_columns(clean_source(source)),
    }
    given_ids = issue_ids or []
    linked = _unique_ids(given_ids)
    given = {**row, "relationship_id": relationship_id, "issue_ids": sorted(linked)}
    key = Idempotency.of(actor, idempotency_key, "record_meeting", given)

    async def write() -> MeetingWritten:
        if (stored := await key.recall()) is not None:
            return MeetingWritten(await Meeting.get(id=stored["meeting"]), True)
        await find_relationship(relationship_id)
        await _check_issues(relationship_id, given_ids)
        meeting = await Meeting.create(
            relationship_id=relationship_id, recorded_by=actor, **row
        )
        await MeetingIssue.bulk_create(
            [MeetingIssue(meeting_id=meeting.id, issue_id=pk) for pk in linked]
        )
        await key.remember({"meeting": meeting.id})
        return MeetingWritten(meeting)

    written = await atomically(write)
    if not written.replayed:
        event = Event(EventKind.MEETING_RECORDED, meeting_id=written.meeting.id)
        await publish_committed(publish, event)
    return written


def _unique_ids(issue_ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(issue_ids))
    if len(unique) > LINKED_ISSUES_MAX:
        raise InvalidInputError(
            "issue_ids",
            f"A meeting can link at most {LINKED_ISSUES_MAX} issues; "
            f"{len(unique)} given.",
            UserErrorCode.TOO_MANY,
        )
    return unique


async def _check_issues(relationship_id: int, issue_ids: list[int]) -> None:
    """Every id names an issue of the relationship; errors name the input position."""
    if not issue_ids:
        return
    found = dict(
        await Issue.filter(id__in=issue_ids).values_list("id", "relationship_id")
    )
    for index, pk in enumerate(issue_ids):
        if pk not in found:
            raise NotFoundError(f"issue_ids[{index}]", "Issue", pk)
        if found[pk] != relationship_id:
            raise InvalidInputError(
                f"issue_ids[{index}]",
                "This issue belongs to another relationship.",
                UserErrorCode.NOT_IN_RELATIONSHIP,
            )
