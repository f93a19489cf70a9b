"""The Issue node and the inputs that filter and order issue lists."""

from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from api.context import Context
from api.core.enums import IssueCategory, IssueStatus, SortDirection
from api.core.loaders import (
    IssueDay,
    MeetingPageKey,
    PositionCountKey,
    PositionPageKey,
    SpanKey,
    StatusUpdateCountKey,
    StatusUpdatePageKey,
    when_loaded,
)
from api.core.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    Node,
    OldestFirst,
    connection_of,
    page_request,
)
from models.issue import split_countries
from models.pagination import Page, PageRequest
from models.status_spans import today

if TYPE_CHECKING:
    from api.issues.spans import StatusSpan
    from api.meetings.types import Meeting
    from api.positions.types import Position
    from api.relationships.types import Relationship
    from api.status_updates.types import StatusUpdate

LATEST = PageRequest.of(first=1)


@strawberry.type(
    description="An open question between the two countries, with its dated, sourced "
    "status history."
)
class Issue(Node):
    row: strawberry.Private[models.Issue]
    slug: str = strawberry.field(
        description="The URL-friendly name, unique within the relationship."
    )
    title: str = strawberry.field(description="A one-line title.")
    summary: str = strawberry.field(
        description="What the issue is about (may be empty)."
    )
    category: IssueCategory = strawberry.field(
        description="The broad area it belongs to."
    )
    raised_by: list[str] = strawberry.field(
        description="The countries that raised it (ISO 3166-1 alpha-2 codes)."
    )
    status: IssueStatus | None = strawberry.field(
        description="The current status: that of the latest non-retracted update by "
        "`occurredOn` (ties: recorded order); null while it has no update."
    )
    version: int = strawberry.field(
        description="Increments on every change; pass it back as `expectedVersion`."
    )
    created_at: datetime = strawberry.field(description="When the issue was recorded.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    archived_at: datetime | None = strawberry.field(
        description="When it was archived, or null while it is active."
    )

    @classmethod
    def from_row(cls, row: models.Issue) -> "Issue":
        """Expose one stored issue."""
        return cls(
            row=row,
            slug=row.slug,
            title=row.title,
            summary=row.summary,
            category=row.category,
            raised_by=split_countries(row.raised_by),
            status=row.status,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            archived_at=row.archived_at,
        )

    @strawberry.field(description="The relationship the issue belongs to.")
    async def relationship(
        self, info: strawberry.Info[Context]
    ) -> Annotated["Relationship", strawberry.lazy("api.relationships.types")]:
        from api.relationships.types import load_relationship

        return await load_relationship(info.context, self.row.relationship_id)

    @strawberry.field(
        description="The update that sets the current status, or null when none does."
    )
    def latest_update(
        self, info: strawberry.Info[Context]
    ) -> Annotated["StatusUpdate", strawberry.lazy("api.status_updates.types")] | None:
        key = latest_update_key(self.row.pk)
        loading = info.context.loaders.status_update_page_by_issue.load(key)
        return when_loaded(loading, _first_update)

    @strawberry.field(
        description="The status in effect on a day (a partial date counts from its "
        "first day); null before the first update."
    )
    async def status_as_of(
        self,
        info: strawberry.Info[Context],
        date: Annotated[date, strawberry.argument(description="The day to look at.")],
    ) -> IssueStatus | None:
        key = IssueDay(self.row.pk, date)
        return await info.context.loaders.status_by_issue_day.load(key)

    @strawberry.field(description="The status history, chronological by default.")
    def updates(
        self,
        info: strawberry.Info[Context],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order: OldestFirst = SortDirection.ASC,
        include_retracted: Annotated[
            bool,
            strawberry.argument(description="Also list retracted updates."),
        ] = False,
    ) -> Connection[
        Annotated["StatusUpdate", strawberry.lazy("api.status_updates.types")]
    ]:
        request = page_request(first, after, last, before)
        loaders = info.context.loaders
        loaders.issue_by_id.prime(self.row.pk, self.row)
        key = updates_key(self.row.pk, request, order, include_retracted)
        count_key = StatusUpdateCountKey(self.row.pk, include_retracted)
        return when_loaded(
            loaders.status_update_page_by_issue.load(key),
            lambda page: connection_of(
                page,
                _status_update_type().from_row,
                lambda: loaders.status_update_count_by_issue.load(count_key),
            ),
        )

    @strawberry.field(
        description="The periods the issue spent at each status, oldest first, from "
        "its live history (retracted updates do not count); the last is current."
    )
    async def status_spans(
        self,
        info: strawberry.Info[Context],
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Time travel: the spans as they stood on this day, "
                "counting only updates that had occurred by then."
            ),
        ] = None,
    ) -> list[Annotated["StatusSpan", strawberry.lazy("api.issues.spans")]]:
        from api.issues.spans import StatusSpan

        key = SpanKey(self.row.pk, today(), as_of)
        spans = await info.context.loaders.spans_by_issue.load(key)
        return [StatusSpan.of(span) for span in spans]

    @strawberry.field(
        description="What each side has said it wants on this issue, oldest "
        "`statedOn` first by default."
    )
    async def positions(
        self,
        info: strawberry.Info[Context],
        country: Annotated[
            str | None,
            strawberry.argument(description="Only this side's (e.g. 'IN')."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order: OldestFirst = SortDirection.ASC,
        include_retracted: Annotated[
            bool,
            strawberry.argument(description="Also list retracted positions."),
        ] = False,
    ) -> Connection[Annotated["Position", strawberry.lazy("api.positions.types")]]:
        from api.positions.queries import country_argument
        from api.positions.types import Position

        request = page_request(first, after, last, before)
        code = country_argument(country, "country")
        descending = order is SortDirection.DESC
        key = PositionPageKey(self.row.pk, request, descending, include_retracted, code)
        page = await info.context.loaders.position_page_by_issue.load(key)
        count_key = PositionCountKey(self.row.pk, include_retracted, code)
        return connection_of(
            page,
            Position.from_row,
            lambda: info.context.loaders.position_count_by_issue.load(count_key),
        )

    @strawberry.field(
        description="The meetings that discussed this issue, oldest first."
    )
    async def meetings(
        self,
        info: strawberry.Info[Context],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order: OldestFirst = SortDirection.ASC,
    ) -> Connection[Annotated["Meeting", strawberry.lazy("api.meetings.types")]]:
        from api.meetings.types import Meeting

        request = page_request(first, after, last, before)
        key = MeetingPageKey(self.row.pk, request, order is SortDirection.DESC)
        page = await info.context.loaders.meeting_page_by_issue.load(key)
        return connection_of(
            page,
            Meeting.from_row,
            lambda: info.context.loaders.meeting_count_by_issue.load(self.row.pk),
        )


@strawberry.input(description="Which issues a list returns; every field narrows it.")
class IssueFilter:
    relationship: str | None = strawberry.field(
        default=None, description="Only this relationship's issues (its slug)."
    )
    status: list[IssueStatus] | None = strawberry.field(
        default=None,
        description="Only issues at one of these statuses (on `asOf`, if given).",
    )
    category: list[IssueCategory] | None = strawberry.field(
        default=None, description="Only issues in one of these categories."
    )
    raised_by: str | None = strawberry.field(
        default=None, description="Only issues raised by this country (e.g. 'IN')."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Only issues whose title or summary contains this text "
        "(case-insensitive, at most 200 characters).",
    )
    include_archived: bool = strawberry.field(
        default=False, description="Also return archived issues."
    )
    updated_since: datetime | None = strawberry.field(
        default=None, description="Only issues changed at or after this instant."
    )
    as_of: date | None = strawberry.field(
        default=None,
        description="Time travel: judge `status` by the status in effect on this day, "
        "and leave out issues with no update by then.",
    )


@strawberry.enum(description="What an issue list can be ordered by (ties: by id).")
class IssueOrderField(Enum):
    SLUG = strawberry.enum_value("SLUG", description="By slug.")
    TITLE = strawberry.enum_value("TITLE", description="By title.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="By creation time.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="By last change.")


@strawberry.input(description="The order of an issue list.")
class IssueOrder:
    field: IssueOrderField = strawberry.field(description="What to order by.")
    direction: SortDirection = strawberry.field(
        default=SortDirection.ASC, description="Ascending (default) or descending."
    )


IssueFilterArgument = Annotated[
    IssueFilter | None, strawberry.argument(description="Which issues to return.")
]
IssueOrderArgument = Annotated[
    IssueOrder | None,
    strawberry.argument(description="The order (default: slug ascending)."),
]


def latest_update_key(issue_id: int) -> StatusUpdatePageKey:
    """The page `Issue.latestUpdate` reads: the newest live update."""
    return StatusUpdatePageKey(issue_id, LATEST, descending=True)


def updates_key(
    issue_id: int, request: PageRequest, order: SortDirection, include_retracted: bool
) -> StatusUpdatePageKey:
    """The page `Issue.updates` reads for these arguments."""
    descending = order is SortDirection.DESC
    return StatusUpdatePageKey(issue_id, request, descending, include_retracted)


def _first_update(page: Page[models.StatusUpdate]) -> "StatusUpdate | None":
    return _status_update_type().from_row(page.rows[0]) if page.rows else None


@cache
def _status_update_type() -> type["StatusUpdate"]:
    """The StatusUpdate type, imported once it exists (the two types refer to each
    other), then looked up without an import on every field."""
    from api.status_updates.types import StatusUpdate

    return StatusUpdate
