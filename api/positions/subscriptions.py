"""Live positions: each one as it is recorded or retracted, resumable."""

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from api.context import Context
from api.core.errors import BadUserInputError, ErrorCode
from api.core.loaders import Loaders
from api.core.relay import parse_id_of
from api.guards.permissions import AuthorizationError
from api.live.hub import TokenRevokedError
from api.positions.types import Position
from api.status_updates.subscriptions import feed_scope
from models.errors import NotFoundError
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
    start = await _start(after)
    return _events(info.context, scope, start)


async def _events(
    context: Context, scope: FeedScope, start: int | None
) -> AsyncGenerator[Position, None]:
    hub = context.services.hub
    try:
        async for item in hub.stream(scope, start, context.viewer.name):
            context.loaders = Loaders()
            if isinstance(item, PositionFeedItem):
                yield Position.from_feed(item)
    except TokenRevokedError as revoked:
        raise AuthorizationError(
            ErrorCode.UNAUTHENTICATED,
            f"The token '{revoked.name}' has been revoked; this subscription ends.",
        ) from None


async def _start(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        return await position_of_statement(parse_id_of("Position", after, "after"))
    except NotFoundError:
        raise BadUserInputError(
            f"No position has the id '{after}'.", argument="after"
        ) from None
