"""Seed entries as rows, and the content that says whether a row matches an entry."""

from typing import Any

from models.enums import IssueStatus
from models.issue import Issue
from models.partial_date import PartialDate
from models.position import Position
from models.status_update import StatusUpdate

SEED_ACTOR = "seed"

# Everything a seeded row is compared on: two rows with the same content are the
# same entry, whatever their ids.
Content = tuple[Any, ...]


def build_update(issue: Issue, entry: dict[str, Any]) -> StatusUpdate:
    """A status update of the seed history, not yet saved."""
    occurred = PartialDate.parse(entry["date"])
    source = entry.get("source") or {}
    return StatusUpdate(
        issue=issue,
        status=IssueStatus(entry["status"]),
        occurred_on=occurred.first_day,
        occurred_precision=occurred.precision,
        note=entry["note"],
        source_url=source.get("url"),
        source_title=source.get("title"),
        source_publisher=source.get("publisher"),
        verified=bool(entry.get("verified", True)),
        recorded_by=SEED_ACTOR,
    )


def build_position(issue: Issue, entry: dict[str, Any]) -> Position:
    """A stated position of the seed data, not yet saved."""
    stated = PartialDate.parse(entry["stated_on"])
    source = entry["source"]
    return Position(
        issue=issue,
        country=entry["country"],
        stated_on=stated.first_day,
        stated_precision=stated.precision,
        speaker=entry["speaker"],
        statement=entry["statement"],
        quote=entry["quote"],
        source_url=source["url"],
        source_title=source.get("title"),
        source_publisher=source.get("publisher"),
        verified=bool(entry.get("verified", True)),
        recorded_by=SEED_ACTOR,
    )


def update_content(row: StatusUpdate) -> Content:
    """What an update says: date, status, note, source and whether it is verified."""
    return (
        row.occurred_on,
        row.occurred_precision,
        row.status,
        row.note,
        row.source_url,
        row.source_title,
        row.source_publisher,
        row.verified,
    )


def position_content(row: Position) -> Content:
    """What a position says: who, when, what, verbatim, where, whether verified."""
    return (
        row.country,
        row.stated_on,
        row.stated_precision,
        row.speaker,
        row.statement,
        row.quote,
        row.source_url,
        row.source_title,
        row.source_publisher,
        row.verified,
    )
