"""Fetching any object by its global id, batched through the request's loaders."""

from collections.abc import Awaitable, Callable
from typing import Any

from api.context import Context
from api.core.relay import Node, parse_global_id
from api.issues.types import Issue
from api.meetings.types import Meeting
from api.positions.types import Position
from api.relationships.types import Relationship
from api.status_updates.types import StatusUpdate


def _fetchers(context: Context) -> dict[str, Callable[[int], Awaitable[Any]]]:
    loaders = context.loaders
    return {
        "Relationship": loaders.relationship_by_id.load,
        "Issue": loaders.issue_by_id.load,
        "StatusUpdate": loaders.status_update_by_id.load,
        "Meeting": loaders.meeting_by_id.load,
        "Position": loaders.position_by_id.load,
    }


_EXPOSE: dict[str, Callable[[Any], Node]] = {
    "Relationship": Relationship.from_row,
    "Issue": Issue.from_row,
    "StatusUpdate": StatusUpdate.from_row,
    "Meeting": Meeting.from_row,
    "Position": Position.from_row,
}


async def resolve_node(context: Context, value: str) -> Node | None:
    """The object a global id names, or None when there is no such object."""
    return await fetch_node(context, *parse_global_id(value))


async def fetch_node(context: Context, type_name: str, pk: int) -> Node | None:
    """The object of a type with a primary key, or None."""
    fetch = _fetchers(context).get(type_name)
    if fetch is None:
        return None
    row = await fetch(pk)
    return _EXPOSE[type_name](row) if row is not None else None
