"""Closed vocabularies of the domain, shared by tables, operations and the API."""

from enum import StrEnum


class IssueStatus(StrEnum):
    """Where an issue stands, as reported by its latest status update."""

    PROPOSED = "PROPOSED"
    UNDER_DISCUSSION = "UNDER_DISCUSSION"
    AGREED_IN_PRINCIPLE = "AGREED_IN_PRINCIPLE"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    SUSPENDED = "SUSPENDED"
    STALLED = "STALLED"


class IssueCategory(StrEnum):
    """The broad area an issue belongs to."""

    BORDER = "BORDER"
    CONNECTIVITY = "CONNECTIVITY"
    VISAS = "VISAS"
    TECHNOLOGY = "TECHNOLOGY"
    PILGRIMAGE = "PILGRIMAGE"
    WATER = "WATER"
    TRADE = "TRADE"
    CULTURE = "CULTURE"
    MEDIA = "MEDIA"


class DatePrecision(StrEnum):
    """How much of a partial date is known."""

    DAY = "DAY"
    MONTH = "MONTH"
    YEAR = "YEAR"


class SortDirection(StrEnum):
    """Ascending or descending order."""

    ASC = "ASC"
    DESC = "DESC"


class TokenRole(StrEnum):
    """What an API token may do: read, also write, or also manage tokens."""

    READER = "READER"
    EDITOR = "EDITOR"
    ADMIN = "ADMIN"


class EventKind(StrEnum):
    """What a published event reports."""

    ISSUE_CREATED = "ISSUE_CREATED"
    ISSUE_EDITED = "ISSUE_EDITED"
    ISSUE_ARCHIVED = "ISSUE_ARCHIVED"
    ISSUE_UNARCHIVED = "ISSUE_UNARCHIVED"
    STATUS_UPDATED = "STATUS_UPDATED"
    UPDATE_RETRACTED = "UPDATE_RETRACTED"
    MEETING_RECORDED = "MEETING_RECORDED"
    POSITION_RECORDED = "POSITION_RECORDED"
    POSITION_RETRACTED = "POSITION_RETRACTED"
    TOKEN_REVOKED = "TOKEN_REVOKED"


class FeedKind(StrEnum):
    """What one entry of the live feed records."""

    RECORDED = "RECORDED"
    RETRACTED = "RETRACTED"
    POSITION_RECORDED = "POSITION_RECORDED"
    POSITION_RETRACTED = "POSITION_RETRACTED"
