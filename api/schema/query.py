"""The root query: everything that can be read from the tracker."""

import asyncio
from datetime import date
from typing import Annotated

import strawberry

import models
from api.context import Context
from api.core.enums import IssueStatus, SortDirection
from api.core.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    NewestFirst,
    NewestFirstOr,
    Node,
    parse_global_id,
)
from api.guards.permissions import ADMIN, READ
from api.issues.prefetch import prefetched
from api.issues.queries import list_issues
from api.issues.types import Issue, IssueFilterArgument, IssueOrderArgument
from api.meetings.queries import list_meetings
from api.meetings.types import Meeting, MeetingFilter
from api.positions.queries import list_positions
from api.positions.types import Position, PositionFilter, PositionOrderArgument
from api.relationships.types import Relationship
from api.schema.budget import RateLimit, rate_limit
from api.schema.nodes import fetch_node, resolve_node
from api.status_updates.queries import list_updates
from api.status_updates.types import (
    StatusUpdate,
    StatusUpdateFilter,
    StatusUpdateOrderArgument,
)
from api.tokens.queries import tokens, viewer
from api.tokens.types import ApiToken, ViewerProfile
from models.queries import status_counts

MAX_NODES = 100


@strawberry.type(description="How many issues stand at one status.")
class StatusCount:
    status: IssueStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="How many unarchived issues stand at it.")


@strawberry.type(description="Everything that can be read from the tracker.")
class Query:
    @strawberry.field(
        permission_classes=READ,
        description="Any object by its global id; null if none has it.",
    )
    async def node(
        self,
        info: strawberry.Info[Context],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field(
        permission_classes=READ,
        description=f"Several objects by global id, in the order given (at most "
        f"{MAX_NODES}); null where an id names nothing.",
    )
    async def nodes(
        self,
        info: strawberry.Info[Context],
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids.")
        ],
    ) -> list[Node | None]:
        from api.core.errors import BadUserInputError

        if len(ids) > MAX_NODES:
            raise BadUserInputError(
                f"`ids` is limited to {MAX_NODES} ids; {len(ids)} given."
            )
        keys = [parse_global_id(value) for value in ids]  # refuse before any lookup
        return list(await asyncio.gather(*(fetch_node(info.context, *k) for k in keys)))

    @strawberry.field(
        permission_classes=READ, description="Every tracked relationship, by slug."
    )
    async def relationships(self) -> list[Relationship]:
        return [Relationship.from_row(row) for row in await models.Relationship.all()]

    @strawberry.field(
        permission_classes=READ,
        description="One relationship by its slug, e.g. 'india-china'.",
    )
    async def relationship(
        self,
        slug: Annotated[
            str, strawberry.argument(description="The relationship's slug.")
        ],
    ) -> Relationship | None:
        row = await models.Relationship.get_or_none(slug=slug)
        return Relationship.from_row(row) if row else None

    @strawberry.field(
        permission_classes=READ,
        description="Issues, filtered and ordered, a page at a time.",
    )
    async def issues(
        self,
        info: strawberry.Info[Context],
        filter: IssueFilterArgument = None,
        order_by: IssueOrderArgument = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Issue]:
        issues = await list_issues(filter, order_by, first, after, last, before)
        return await prefetched(info, issues)

    @strawberry.field(
        permission_classes=READ,
        description="The status updates of all issues, newest `occurredOn` first by "
        "default (ties: newest recorded first).",
    )
    async def status_updates(
        self,
        filter: Annotated[
            StatusUpdateFilter | None,
            strawberry.argument(description="Which updates to return."),
        ] = None,
        order_by: StatusUpdateOrderArgument = None,
        order: NewestFirstOr = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StatusUpdate]:
        return await list_updates(filter, order, order_by, first, after, last, before)

    @strawberry.field(
        permission_classes=READ,
        description="What each side has said it wants, across issues, newest "
        "`statedOn` first by default (ties: newest recorded first).",
    )
    async def positions(
        self,
        filter: Annotated[
            PositionFilter | None,
            strawberry.argument(description="Which positions to return."),
        ] = None,
        order_by: PositionOrderArgument = None,
        order: NewestFirstOr = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Position]:
        return await list_positions(filter, order, order_by, first, after, last, before)

    @strawberry.field(
        permission_classes=READ, description="Meetings, newest first by default."
    )
    async def meetings(
        self,
        filter: Annotated[
            MeetingFilter | None,
            strawberry.argument(description="Which meetings to return."),
        ] = None,
        order: NewestFirst = SortDirection.DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Meeting]:
        return await list_meetings(filter, order, first, after, last, before)

    @strawberry.field(
        permission_classes=READ,
        description="How many unarchived issues stand at each status, every status "
        "listed (zero included), today or on `asOf`.",
    )
    async def status_counts(
        self,
        relationship: Annotated[
            str | None,
            strawberry.argument(description="Count only this relationship (its slug)."),
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Count the statuses in effect on this day; issues with no "
                "update by then are not counted."
            ),
        ] = None,
    ) -> list[StatusCount]:
        counts = await status_counts(relationship, as_of)
        return [StatusCount(status=s, count=n) for s, n in counts.items()]

    rate_limit: RateLimit | None = strawberry.field(
        resolver=rate_limit,
        description="What this operation cost and what is left of the client's "
        "budget; null only where the operation was not priced.",
    )
    viewer: ViewerProfile = strawberry.field(
        resolver=viewer,
        description="Who the client is: the token's name and role, or anonymous.",
    )
    tokens: list[ApiToken] = strawberry.field(
        resolver=tokens,
        permission_classes=ADMIN,
        description="Every API token ever issued, oldest first (admins only).",
    )
