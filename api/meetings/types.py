"""The Meeting node and the filter of meeting lists."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from api.context import Context
from api.core.relay import (
    Node,
)
from api.core.values import PartialDate, Source

if TYPE_CHECKING:
    from api.issues.types import Issue
    from api.relationships.types import Relationship


@strawberry.type(description="A dated engagement between the two sides.")
class Meeting(Node):
    row: strawberry.Private[models.Meeting]
    held_on: PartialDate = strawberry.field(description="When it was held.")
    title: str = strawberry.field(description="What the meeting was.")
    location: str | None = strawberry.field(description="Where it was held, if known.")
    participants: list[str] = strawberry.field(description="Who took part.")
    summary: str = strawberry.field(description="What was discussed (may be empty).")
    source: Source | None = strawberry.field(description="Where it was reported.")
    recorded_at: datetime = strawberry.field(description="When it was recorded here.")

    @classmethod
    def from_row(cls, row: models.Meeting) -> "Meeting":
        """Expose one stored meeting."""
        return cls(
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
    async def relationship(
        self, info: strawberry.Info[Context]
    ) -> Annotated["Relationship", strawberry.lazy("api.relationships.types")]:
        from api.relationships.types import load_relationship

        return await load_relationship(info.context, self.row.relationship_id)

    @strawberry.field(description="The issues the meeting discussed, by slug.")
    async def issues(
        self, info: strawberry.Info[Context]
    ) -> list[Annotated["Issue", strawberry.lazy("api.issues.types")]]:
        from api.issues.types import Issue

        rows = await info.context.loaders.issues_by_meeting.load(self.row.pk)
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
