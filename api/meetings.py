"""The Meeting node, its filter and the meeting list."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Context
from api.enums import SortDirection
from api.filters import checked_search
from api.relay import (
    Connection,
    Node,
    connection_of,
    global_id,
    page_request,
    parse_id_of,
)
from api.shared_types import PartialDate, Source
from models.meeting import Meeting as MeetingRow
from models.pagination import fetch_page
from models.queries import MeetingCriteria, meeting_ordering, meetings_matching

if TYPE_CHECKING:
    from api.issues.types import Issue
    from api.relationships import Relationship

IssueType = Annotated["Issue", strawberry.lazy("api.issues.types")]
RelationshipType = Annotated["Relationship", strawberry.lazy("api.relationships")]


@strawberry.type(description="A dated engagement between the two sides.")
class Meeting(Node):
    row: strawberry.Private[MeetingRow]
    held_on: PartialDate = strawberry.field(description="When it was held.")
    title: str = strawberry.field(description="What the meeting was.")
    location: str | None = strawberry.field(description="Where it was held, if known.")
    participants: list[str] = strawberry.field(description="Who took part.")
    summary: str = strawberry.field(description="What was discussed (may be empty).")
    source: Source | None = strawberry.field(description="Where it was reported.")
    recorded_at: datetime = strawberry.field(description="When it was recorded here.")

    @classmethod
    def from_row(cls, row: MeetingRow) -> "Meeting":
        """Expose one stored meeting."""
        return cls(
            id=global_id("Meeting", row.pk),
            row=row,
            held_on=PartialDate.of(row.held_on, row.held_precision),
            title=row.title,
            location=row.location,
            participants=list(row.participants),
            summary=row.summary,
            source=Source.of(row.source_url, row.source_title, row.source_publisher),
            recorded_at=row.recorded_at,
        )

    @strawberry.field(description="The relationship the meeting belongs to.")
    async def relationship(self, info: strawberry.Info[Context]) -> RelationshipType:
        from api.relationships import load_relationship

        return await load_relationship(info.context, self.row.relationship_id)

    @strawberry.field(description="The issues the meeting discussed, by slug.")
    async def issues(self, info: strawberry.Info[Context]) -> list[IssueType]:
        from api.issues.types import Issue

        rows = await info.context.loaders.issues_of_meetings.load(self.row.pk)
        return [Issue.from_row(row) for row in rows]


@strawberry.input(description="Which meetings a list returns; every field narrows it.")
class MeetingFilter:
    relationship: str | None = strawberry.field(
        default=None, description="Only this relationship's meetings (its slug)."
    )
    issue: strawberry.ID | None = strawberry.field(
        default=None, description="Only meetings that discussed this issue (its id)."
    )
    held_from: date | None = strawberry.field(
        default=None, description="Only meetings held on or after this day."
    )
    held_to: date | None = strawberry.field(
        default=None, description="Only meetings held on or before this day."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Only meetings whose title or summary contains this text "
        "(case-insensitive, at most 200 characters).",
    )


async def list_meetings(
    filter: MeetingFilter | None,
    order: SortDirection,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Meeting]:
    """A keyset page of meetings."""
    request = page_request(first, after, last, before)
    given = filter or MeetingFilter()
    criteria = MeetingCriteria(
        relationship=given.relationship,
        issue_id=parse_id_of("Issue", given.issue, "filter.issue")
        if given.issue is not None
        else None,
        held_from=given.held_from,
        held_to=given.held_to,
        search=checked_search(given.search),
    )
    queryset = meetings_matching(criteria)
    ordering = meeting_ordering(descending=order is SortDirection.DESC)
    page = await fetch_page(queryset, ordering, request)
    return connection_of(page, Meeting.from_row, queryset.count)
