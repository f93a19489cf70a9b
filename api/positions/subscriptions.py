"""Live positions: each one as it is recorded or retracted, resumable."""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from api.context import Context
from api.positions.types import Position
from api.status_updates.subscriptions import feed_scope, live_items, start_after
from models.feed import (
    POSITION_KINDS,
    FeedScope,
    PositionFeedItem,
    position_of_statement,
)


async def positions(
    info: strawberry.Info[Context],
    relationship: Annotated[
        str | None,
        strawberry.argument(description="Only this relationship's (its slug)."),
    ] = None,
    issue: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Only this issue's (its id)."),
    ] = None,
    after: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="The id of the last Position the client saw, from an event "
            "or a query: replay everything recorded or retracted since it was "
            "recorded, then go live."
        ),
    ] = None,
) -> AsyncGenerator[Position, None]:
    scope = await feed_scope(relationship, issue, POSITION_KINDS)
    start = await start_after(after, "Position", position_of_statement)
    return _events(info.context, scope, start)


async def _events(
    context: Context, scope: FeedScope, start: int | None
) -> AsyncGenerator[Position, None]:
    async for item in live_items(context, scope, start):
        if isinstance(item, PositionFeedItem):
            yield Position.from_feed(item)
