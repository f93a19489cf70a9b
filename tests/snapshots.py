"""A picture of every row that writes can touch, to prove a refusal changed nothing."""

from typing import Any

from models.api_token import ApiToken
from models.feed_entry import FeedEntry
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.position import Position
from models.relationship import Relationship
from models.status_update import StatusUpdate


async def snapshot() -> dict[str, Any]:
    """Every row of every table, as plain values, in id order."""
    return {
        model.__name__: await model.all().order_by("id").values()
        for model in (
            Relationship,
            Issue,
            StatusUpdate,
            Meeting,
            MeetingIssue,
            Position,
            ApiToken,
            IdempotencyKey,
            FeedEntry,
        )
    }
