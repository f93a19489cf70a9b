"""The live status-update stream, resumable from any update a client saw."""

from collections.abc import AsyncGenerator
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
from models.errors import NotFoundError
from models.feed import UPDATE_KINDS, FeedItem, FeedScope, position_of


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
    start = await _start(after)
    return _events(info.context, scope, start)


async def _events(
    context: Context, scope: FeedScope, start: int | None
) -> AsyncGenerator[StatusUpdate, None]:
    hub = context.services.hub
    try:
        async for item in hub.stream(scope, start, context.viewer.name):
            # Each event is a fresh read: nothing cached for an earlier one is reused.
            context.loaders = Loaders()
            if isinstance(item, FeedItem):
                yield StatusUpdate.from_feed(item)
    except TokenRevokedError as revoked:
        raise AuthorizationError(
            ErrorCode.UNAUTHENTICATED,
            f"The token '{revoked.name}' has been revoked; this subscription ends.",
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


async def _start(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        return await position_of(parse_id_of("StatusUpdate", after, "after"))
    except NotFoundError:
        raise BadUserInputError(
            f"No status update has the id '{after}'.", argument="after"
        ) from None
