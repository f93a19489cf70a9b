"""Recording what a side has said on an issue, and retracting it.

Positions are append-only like the status history: a position is never changed
except to be retracted. Each write moves the issue's version, so a client that read
the issue can guard a write with `expected_version`, and each is a live-feed entry.
"""

from dataclasses import dataclass
from typing import Any

from models.enums import EventKind, FeedKind
from models.errors import InvalidInputError, NotFoundError, UserErrorCode
from models.events import Event, Publish, discard, publish_committed
from models.feed import announced_on_commit, finish_with_entry
from models.idempotency import Idempotency
from models.issue import Issue
from models.position import Position
from models.relationship import Relationship
from models.rows import insert
from models.transactions import (
    atomically,
    bump_of,
    check_active,
    check_version,
    lock_for_write,
    lock_issue,
    mark_retracted,
    now,
)
from models.validation import (
    NOTE_MAX,
    Source,
    clean_countries,
    clean_past_date,
    clean_source,
    clean_text,
    source_columns,
)

SPEAKER_MAX = 300
QUOTE_MAX = 2_000


@dataclass(frozen=True)
class PositionWritten:
    """The issue and the position a write left; `replayed` when a key matched."""

    issue: Issue
    stated: Position
    replayed: bool = False
    position: int | None = None


@dataclass(frozen=True)
class Statement:
    """What was said: by whom, when, in a sentence and verbatim, and where."""

    country: str
    stated_on: str
    speaker: str
    statement: str
    quote: str
    source: Source


async def record_position(
    issue_id: int,
    said: Statement,
    *,
    verified: bool = True,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    actor: str,
    publish: Publish = discard,
) -> PositionWritten:
    """Add a position to an issue and bump its version.

    Raises InvalidInputError (stated_on malformed or in the future, a country
    outside the relationship, blank or over-long speaker, statement or quote, a
    source that is missing or not a web address, archived issue, reused
    idempotency key), NotFoundError and VersionConflictError. Appends a
    POSITION_RECORDED feed entry and publishes POSITION_RECORDED.
    """
    row = _columns(said, verified)
    given = {**row, "issue_id": issue_id, "expected_version": expected_version}
    key = Idempotency.of(actor, idempotency_key, "record_position", given)

    async def write() -> PositionWritten:
        issue, stored = await lock_for_write(issue_id, key, expected_version)
        if stored is not None:
            stated = await Position.get(id=stored["position"])
            return PositionWritten(issue, stated, replayed=True)
        await _check_country(issue, row["country"])
        stated = await insert(
            Position,
            {"issue_id": issue.id, "recorded_by": actor, "recorded_at": now(), **row},
        )
        remembering = key.remembering({"issue": issue.id, "position": stated.id})
        position = await finish_with_entry(
            FeedKind.POSITION_RECORDED, stated, bump_of(issue), remembering
        )
        return PositionWritten(issue, stated, position=position)

    written = await atomically(write)
    if not written.replayed:
        await publish_committed(publish, _event(EventKind.POSITION_RECORDED, written))
    return written


async def retract_position(
    position_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    actor: str,
    publish: Publish = discard,
) -> PositionWritten:
    """Mark a position retracted (never deleted) and bump its issue's version.

    `expected_version` is the issue's. Raises InvalidInputError (reason, position
    already retracted, archived issue), NotFoundError and VersionConflictError.
    Appends a POSITION_RETRACTED feed entry and publishes POSITION_RETRACTED.
    """
    cleaned_reason = clean_text(reason, "reason", NOTE_MAX)

    async def write() -> PositionWritten:
        stated = await _position(position_id)
        issue = await lock_issue(stated.issue_id, "position_id")
        check_version(issue, expected_version)
        check_active(issue, "position_id")
        await mark_retracted(
            Position,
            stated,
            cleaned_reason,
            actor,
            field="position_id",
            noun="position",
        )
        position = await finish_with_entry(
            FeedKind.POSITION_RETRACTED, stated, bump_of(issue)
        )
        return PositionWritten(issue, stated, position=position)

    written = await atomically(write)
    await publish_committed(publish, _event(EventKind.POSITION_RETRACTED, written))
    return written


def _columns(said: Statement, verified: bool) -> dict[str, Any]:
    day = clean_past_date(said.stated_on, "stated_on")
    source = clean_source(said.source)
    return {
        "country": said.country.strip().upper(),
        "stated_on": day.first_day,
        "stated_precision": day.precision,
        "speaker": clean_text(said.speaker, "speaker", SPEAKER_MAX),
        "statement": clean_text(said.statement, "statement", NOTE_MAX),
        "quote": clean_text(said.quote, "quote", QUOTE_MAX),
        "verified": verified,
        **source_columns(source),
    }


async def _check_country(issue: Issue, country: str) -> None:
    relationship = await Relationship.get(id=issue.relationship_id)
    if not country:
        raise InvalidInputError(
            "country", "The country must not be blank.", UserErrorCode.REQUIRED
        )
    clean_countries([country], relationship.countries, "country")


async def _position(position_id: int) -> Position:
    stated = await Position.get_or_none(id=position_id)
    if stated is None:
        raise NotFoundError("position_id", "Position", position_id)
    return stated


def _event(kind: EventKind, written: PositionWritten) -> Event:
    return Event(
        kind,
        issue_id=written.issue.id,
        position_id=written.stated.id,
        version=written.issue.version,
        position=written.position,
        announced=written.position is not None and announced_on_commit(),
    )
