"""The Position node and the filter of position lists."""

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from api.context import Context
from api.core.enums import SortDirection
from api.core.relay import Node
from api.core.values import PartialDate, Source
from models.feed import PositionFeedItem

if TYPE_CHECKING:
    from api.issues.types import Issue


@strawberry.type(
    description="What one side has said it wants on an issue: a dated statement by "
    "a named speaker, in one sentence and verbatim, with its source. Positions are "
    "append-only: a position can be retracted, never changed or deleted."
)
class Position(Node):
    row: strawberry.Private[models.Position]
    # Set when the position comes from the live feed, which read its issue too.
    feed_item: strawberry.Private[PositionFeedItem | None] = None
    country: str = strawberry.field(
        description="The side that said it: one of the relationship's two countries "
        "(ISO 3166-1 alpha-2)."
    )
    stated_on: PartialDate = strawberry.field(
        description="When it was said, as precisely as known."
    )
    speaker: str = strawberry.field(
        description="Who said it, e.g. 'EAM S. Jaishankar (Lok Sabha)'."
    )
    statement: str = strawberry.field(
        description="What the side wants, in one sentence of our own."
    )
    quote: str = strawberry.field(description="The speaker's words, verbatim.")
    source: Source = strawberry.field(description="Where it was reported.")
    verified: bool = strawberry.field(
        description="Whether the quote has been checked against its source."
    )
    recorded_at: datetime = strawberry.field(description="When it was recorded here.")
    recorded_by: str = strawberry.field(
        description="Who recorded it: the name of the token used, or 'seed'."
    )
    retracted_at: datetime | None = strawberry.field(
        description="When it was retracted, or null while it stands."
    )
    retraction_reason: str | None = strawberry.field(
        description="Why it was retracted, or null."
    )
    retracted_by: str | None = strawberry.field(
        description="Who retracted it (a token name, or 'seed'), or null."
    )

    @classmethod
    def from_row(cls, row: models.Position) -> "Position":
        """Expose one stored position."""
        return cls(
            row=row,
            country=row.country,
            stated_on=PartialDate.of(row.stated_on, row.stated_precision),
            speaker=row.speaker,
            statement=row.statement,
            quote=row.quote,
            source=Source(
                url=row.source_url,
                title=row.source_title,
                publisher=row.source_publisher,
            ),
            verified=row.verified,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
            retracted_at=row.retracted_at,
            retraction_reason=row.retraction_reason,
            retracted_by=row.retracted_by,
        )

    @classmethod
    def from_feed(cls, item: PositionFeedItem) -> "Position":
        """Expose a position read from the live feed, with the issue read beside it."""
        position = cls.from_row(item.stated)
        position.feed_item = item
        return position

    @strawberry.field(description="The issue the position is on.")
    async def issue(
        self, info: strawberry.Info[Context]
    ) -> Annotated["Issue", strawberry.lazy("api.issues.types")]:
        from api.issues.types import Issue

        if self.feed_item is not None:
            return Issue.from_row(self.feed_item.issue)
        row = await info.context.loaders.issue_by_id.load(self.row.issue_id)
        assert row is not None  # a foreign key guarantees it
        return Issue.from_row(row)


@strawberry.enum(description="What a position list can be ordered by.")
class PositionOrderField(Enum):
    STATED_ON = strawberry.enum_value(
        "STATED_ON",
        description="By the day the position was stated (a partial date at its "
        "first day), ties in recorded order.",
    )
    RECORDED = strawberry.enum_value(
        "RECORDED",
        description="In the order the positions were recorded. A subscription "
        "started `after` the newest recorded position (include retracted ones) "
        "replays only what was recorded or retracted since.",
    )


@strawberry.input(description="The order of a position list.")
class PositionOrder:
    field: PositionOrderField = strawberry.field(description="What to order by.")
    direction: SortDirection = strawberry.field(
        default=SortDirection.DESC, description="Descending (default) or ascending."
    )


PositionOrderArgument = Annotated[
    PositionOrder | None,
    strawberry.argument(description="The order (default: STATED_ON, newest first)."),
]


@strawberry.input(description="Which positions a list returns; every field narrows it.")
class PositionFilter:
    relationship: str | None = strawberry.field(
        default=None,
        description="Only positions on this relationship's issues (its slug).",
    )
    issue: strawberry.ID | None = strawberry.field(
        default=None, description="Only positions on this issue (its id)."
    )
    country: str | None = strawberry.field(
        default=None, description="Only this side's positions (e.g. 'IN')."
    )
    stated_from: date | None = strawberry.field(
        default=None, description="Only positions stated on or after this day."
    )
    stated_to: date | None = strawberry.field(
        default=None, description="Only positions stated on or before this day."
    )
    as_of: date | None = strawberry.field(
        default=None,
        description="Time travel: what had been said by this day (a partial date "
        "counts from its first day). With `latestPerSide`, each side's latest "
        "position on each issue as it stood then.",
    )
    latest_per_side: bool = strawberry.field(
        default=False,
        description="Only the latest live position of each side on each issue "
        "(by `statedOn`, ties: recorded order); retracted ones never count.",
    )
    include_retracted: bool = strawberry.field(
        default=False, description="Also return retracted positions."
    )
