"""The domain's enums, exposed to GraphQL with a description for every value."""

from enum import Enum

import strawberry

from models.enums import (
    DatePrecision,
    IssueCategory,
    IssueStatus,
    SortDirection,
    TokenRole,
)
from models.errors import UserErrorCode


def _expose(enum: type[Enum], description: str, values: dict[str, str]) -> type[Enum]:
    exposed = strawberry.enum(enum, description=description)
    for value in exposed.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return exposed


_expose(
    IssueStatus,
    "Where an issue stands, as reported by its latest status update.",
    {
        "PROPOSED": "One side has put the matter forward; no talks yet.",
        "UNDER_DISCUSSION": "The sides are talking about it.",
        "AGREED_IN_PRINCIPLE": "Agreed in principle; details or dates still open.",
        "IN_PROGRESS": "Being carried out or restored step by step.",
        "RESOLVED": "Done: the measure is in force or the question is settled.",
        "SUSPENDED": "Halted or frozen by one or both sides.",
        "STALLED": "Nothing has moved for a long time.",
    },
)
_expose(
    IssueCategory,
    "The broad area an issue belongs to.",
    {
        "BORDER": "The boundary, patrolling and military de-escalation.",
        "CONNECTIVITY": "Flights and other transport links.",
        "VISAS": "Visas and travel for each other's nationals.",
        "TECHNOLOGY": "Apps, technology companies and digital restrictions.",
        "PILGRIMAGE": "Pilgrimages such as the Kailash Mansarovar Yatra.",
        "WATER": "Trans-border rivers and hydrological data.",
        "TRADE": "Trade, investment and border trade.",
        "CULTURE": "Films, culture and people-to-people exchanges.",
        "MEDIA": "Journalists and media access.",
    },
)
_expose(
    DatePrecision,
    "How much of a partial date is known.",
    {
        "DAY": "Known to the day, e.g. 2025-10-26.",
        "MONTH": "Known to the month, e.g. 2024-11.",
        "YEAR": "Known to the year, e.g. 2021.",
    },
)
_expose(
    SortDirection,
    "The direction of an ordering.",
    {"ASC": "Oldest or smallest first.", "DESC": "Newest or largest first."},
)

_expose(
    TokenRole,
    "What an API token may do.",
    {
        "READER": "Read, also where reads are not public.",
        "EDITOR": "Read and change the tracker through mutations.",
        "ADMIN": "Everything an editor may do, and create and revoke tokens.",
    },
)

_expose(
    UserErrorCode,
    "Why a mutation refused its input. Nothing was written when a mutation "
    "returns a user error.",
    {
        "INVALID": "A value is malformed or outside what the field allows.",
        "REQUIRED": "A required value is missing or blank.",
        "TOO_LONG": "A text is longer than its field allows.",
        "TOO_MANY": "A list holds more items than allowed.",
        "ALREADY_EXISTS": "Something with this unique value (e.g. a slug) exists.",
        "IN_FUTURE": "A date lies after today.",
        "NOT_IN_RELATIONSHIP": "An issue belongs to another relationship.",
        "ARCHIVED": "The issue is archived and takes no more changes.",
        "ALREADY_RETRACTED": "The status update was retracted before.",
        "IDEMPOTENCY_KEY_REUSED": "The idempotency key was used for other input.",
        "NOT_FOUND": "An id names nothing of the kind expected.",
        "VERSION_CONFLICT": "The issue changed since the client read it.",
    },
)

__all__ = [
    "DatePrecision",
    "IssueCategory",
    "IssueStatus",
    "SortDirection",
    "TokenRole",
    "UserErrorCode",
]
