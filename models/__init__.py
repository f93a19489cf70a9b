"""The tracker's domain: tables, rules and operations (no HTTP, no GraphQL).

The tables are re-exported here, so callers write `models.Issue`.
"""

from models.api_token import ApiToken
from models.data_generation import DataGeneration
from models.feed_entry import FeedEntry
from models.idempotency import IdempotencyKey
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.position import Position
from models.rate_window import RateWindow
from models.relationship import Relationship
from models.status_update import StatusUpdate

__all__ = [
    "ApiToken",
    "DataGeneration",
    "FeedEntry",
    "IdempotencyKey",
    "Issue",
    "Meeting",
    "MeetingIssue",
    "Position",
    "RateWindow",
    "Relationship",
    "StatusUpdate",
]
