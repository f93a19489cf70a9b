"""The StatusUpdate node and the filter of the update feed."""

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from api.context import Context
from api.core.enums import IssueStatus, SortDirection
from api.core.relay import (
    Node,
)
from api.core.values import PartialDate, Source
from models.feed import FeedItem

if TYPE_CHECKING:
    from api.issues.types import Issue


@strawberry.type(
    description="One dated, sourced report of an issue's status. History is "
    "append-only: an update can be retracted, never deleted."
)
class StatusUpdate(Node):
    row: strawberry.Private[models.StatusUpdate]
    # Set when the update comes from the feed, which read its issue and previous
    # status in the same batch: a subscriber then costs no query per event.
    feed_item: strawberry.Private[FeedItem | None] = None
    status: IssueStatus = strawberry.field(description="The status reported.")
    occurred_on: PartialDate = strawberry.field(
        description="When it happened, as precisely as known."
    )
    note: str = strawberry.field(description="What happened.")
    source: Source | None = strawberry.field(description="Where it was reported.")
    verified: bool = strawberry.field(
        description="Whether the report has been checked against its source."
    )
    recorded_at: datetime = strawberry.field(description="When it was recorded here.")
    recorded_by: str = strawberry.field(
        description="Who recorded it: the name of the token used, or 'seed'."
    )
    retracted_at: datetime | None = strawberry.field(
        description="When it was retracted, or null while it counts."
    )
    retraction_reason: str | None = strawberry.field(
        description="Why it was retracted, or null."
    )
    retracted_by: str | None = strawberry.field(
        description="Who retracted it (a token name), or null."
    )

    @classmethod
    def from_feed(cls, item: FeedItem) -> "StatusUpdate":
        """Expose an update read from the feed, with what the feed read beside it."""
        update = cls.from_row(item.update)
        update.feed_item = item
        return update

    @classmethod
    def from_row(cls, row: models.StatusUpdate) -> "StatusUpdate":
        """Expose one stored update."""
        return cls(
            row=row,
            status=row.status,
            occurred_on=PartialDate.of(row.occurred_on, row.occurred_precision),
            note=row.note,
            source=Source.of(row.source_url, row.source_title, row.source_publisher),
            verified=row.verified,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
            retracted_at=row.retracted_at,
            retraction_reason=row.retraction_reason,
            retracted_by=row.retracted_by,
        )

    @strawberry.field(description="The issue this update reports on.")
    async def issue(
        self, info: strawberry.Info[Context]
    ) -> Annotated["Issue", strawberry.lazy("api.issues.types")]:
        from api.issues.types import Issue

        if self.feed_item is not None:
            return Issue.from_row(self.feed_item.issue)
        row = await info.context.loaders.issue_by_id.load(self.row.issue_id)
        assert row is not None  # a foreign key guarantees it
        return Issue.from_row(row)

    @strawberry.field(
        description="The status in effect just before this update in history order "
        "(null for the first)."
    )
    async def previous_status(
        self, info: strawberry.Info[Context]
    ) -> IssueStatus | None:
        if self.feed_item is not None:
            return self.feed_item.previous_status
        return await info.context.loaders.previous_status_by_update.load(self.row.pk)


@strawberry.enum(description="What the update feed can be ordered by.")
class StatusUpdateOrderField(Enum):
    OCCURRED_ON = strawberry.enum_value(
        "OCCURRED_ON",
        description="By the day the update took effect (a partial date at its "
        "first day), ties in recorded order: the history's order.",
    )
    RECORDED = strawberry.enum_value(
        "RECORDED",
        description="In the order the updates were recorded. A subscription "
        "started `after` the newest recorded update (include retracted ones) "
        "replays only what was recorded or retracted since.",
    )


@strawberry.input(description="The order of the update feed.")
class StatusUpdateOrder:
    field: StatusUpdateOrderField = strawberry.field(description="What to order by.")
    direction: SortDirection = strawberry.field(
        default=SortDirection.DESC, description="Descending (default) or ascending."
    )


StatusUpdateOrderArgument = Annotated[
    StatusUpdateOrder | None,
    strawberry.argument(description="The order (default: OCCURRED_ON, newest first)."),
]


@strawberry.input(description="Which updates the feed returns; every field narrows it.")
class StatusUpdateFilter:
    relationship: str | None = strawberry.field(
        default=None, description="Only updates of this relationship's issues (slug)."
    )
    issue: strawberry.ID | None = strawberry.field(
        default=None, description="Only updates of this issue (its id)."
    )
    status: list[IssueStatus] | None = strawberry.field(
        default=None, description="Only updates reporting one of these statuses."
    )
    occurred_from: date | None = strawberry.field(
        default=None, description="Only updates that took effect on or after this day."
    )
    occurred_to: date | None = strawberry.field(
        default=None, description="Only updates that took effect on or before this day."
    )
    verified: bool | None = strawberry.field(
        default=None, description="Only verified (true) or unverified (false) updates."
    )
    include_retracted: bool = strawberry.field(
        default=False, description="Also return retracted updates."
    )
