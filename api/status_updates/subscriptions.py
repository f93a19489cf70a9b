"""The live status-update stream, resumable from any update a client saw."""

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated

import strawberry

import models
from api.context import Context
from api.core.errors import BadUserInputError, ErrorCode
from api.core.loaders import Loaders
from api.core.relay import parse_id_of
from api.guards.permissions import AuthorizationError
from api.live.hub import TokenRevokedError
from api.status_updates.types import StatusUpdate
from models.enums import FeedKind
from models.errors import NotFoundError, words
from models.feed import (
    UPDATE_KINDS,
    AnyFeedItem,
    FeedItem,
    FeedScope,
    position_of,
)


async def status_updates(
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
            description="The id of the last StatusUpdate the client saw, from an "
            "event or a query: replay everything recorded or retracted since it "
            "was recorded, then go live."
        ),
    ] = None,
) -> AsyncGenerator[StatusUpdate, None]:
    scope = await feed_scope(relationship, issue, UPDATE_KINDS)
    start = await start_after(after, "StatusUpdate", position_of)
    return _events(info.context, scope, start)


async def _events(
    context: Context, scope: FeedScope, start: int | None
) -> AsyncGenerator[StatusUpdate, None]:
    async for item in live_items(context, scope, start):
        if isinstance(item, FeedItem):
            yield StatusUpdate.from_feed(item)


async def live_items(
    context: Context, scope: FeedScope, start: int | None
) -> AsyncGenerator[AnyFeedItem, None]:
    """The feed entries in scope after `start`, endlessly, each a fresh read; a
    revoked token ends the stream with UNAUTHENTICATED."""
    hub = context.services.hub
    try:
        async for item in hub.stream(scope, start, context.viewer.name):
            # Each event is a fresh read: nothing cached for an earlier one is reused.
            context.loaders = Loaders()
            yield item
    except TokenRevokedError as revoked:
        raise AuthorizationError(
            ErrorCode.UNAUTHENTICATED,
            f"The token '{revoked.name}' has been revoked; this subscription ends.",
        ) from None


async def start_after(
    after: str | None, type_name: str, find: Callable[[int], Awaitable[int]]
) -> int | None:
    """The feed position to replay from: where the `type_name` named by `after`
    was recorded (None: from now); an unknown id is refused."""
    if after is None:
        return None
    try:
        return await find(parse_id_of(type_name, after, "after"))
    except NotFoundError:
        raise BadUserInputError(
            f"No {words(type_name)} has the id '{after}'.", argument="after"
        ) from None


async def feed_scope(
    relationship: str | None, issue: str | None, kinds: frozenset[FeedKind]
) -> FeedScope:
    """The part of the live feed a subscription asked for; unknown names refused."""
    relationship_id = None
    if relationship is not None:
        row = await models.Relationship.get_or_none(slug=relationship)
        if row is None:
            raise BadUserInputError(
                f"No relationship has the slug '{relationship[:64]}'.",
                argument="relationship",
            )
        relationship_id = row.pk
    issue_id = None
    if issue is not None:
        issue_id = parse_id_of("Issue", issue, "issue")
        if not await models.Issue.exists(id=issue_id):
            raise BadUserInputError(f"No issue has the id '{issue}'.", argument="issue")
    return FeedScope(issue_id, relationship_id, kinds)
