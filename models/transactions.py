"""The building blocks every write shares: retried transactions, locks, versions.

Writers are serialised per issue: PostgreSQL locks the row (SELECT ... FOR UPDATE),
SQLite lets one writer in at a time. The version is then bumped with a
compare-and-set UPDATE, which matches no row when another writer got there first,
so a stale read can never overwrite a newer state on either database.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.data_generation import bump_generation
from models.errors import (
    InvalidInputError,
    NotFoundError,
    UserErrorCode,
    VersionConflictError,
)
from models.issue import Issue
from models.nested_pages import hydrate
from models.relationship import Relationship
from models.sql import Statement

ATTEMPTS = 3
Result = TypeVar("Result")
Retractable = TypeVar("Retractable", bound=Model)


class StaleReadError(Exception):
    """Another writer changed the issue between our read and our write."""


async def atomically(work: Callable[[], Awaitable[Result]]) -> Result:
    """Run `work` in a transaction, again from the start after a lost race.

    A lost race is a unique constraint another writer satisfied first (a slug, an
    idempotency key) or a compare-and-set that matched no row. The retry re-reads
    everything, so it ends in a replay or a precise refusal, not a raw database error.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with in_transaction():
                result = await work()
                await bump_generation()
                return result
        except (IntegrityError, StaleReadError):
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def now() -> datetime:
    """The server's time, which every write records."""
    return datetime.now(UTC)


async def lock_issue(issue_id: int, field: str = "issue_id") -> Issue:
    """The issue, locked for this transaction, or NotFoundError.

    Every write runs this, so it is one prepared statement rather than an ORM
    query built afresh each time (SQLite has no row locks: it admits one writer).
    """
    statement = Statement()
    lock = "" if statement.is_sqlite else " FOR UPDATE"
    rows = await statement.fetch(
        f"SELECT * FROM issue WHERE id = {statement.param(issue_id)}{lock}"
    )
    if not rows:
        raise NotFoundError(field, "Issue", issue_id)
    return hydrate(Issue, rows[0])


async def find_relationship(relationship_id: int) -> Relationship:
    """The relationship a new row belongs to, or NotFoundError."""
    relationship = await Relationship.get_or_none(id=relationship_id)
    if relationship is None:
        raise NotFoundError("relationship_id", "Relationship", relationship_id)
    return relationship


def check_version(issue: Issue, expected_version: int | None) -> None:
    """Refuse a write based on an older version of the issue."""
    if expected_version is not None and expected_version != issue.version:
        raise VersionConflictError(expected_version, issue.version)


def check_active(issue: Issue, field: str = "issue_id") -> None:
    """Refuse to change an archived issue; it must be unarchived first."""
    if issue.archived_at is not None:
        raise InvalidInputError(
            field,
            f"The issue '{issue.slug}' is archived; unarchive it before changing it.",
            UserErrorCode.ARCHIVED,
        )


async def bump(issue: Issue, moves: int = 1, **changes: Any) -> None:
    """Apply changes and move the version on by `moves` (one per write the
    transaction made), only if nobody else moved it meanwhile."""
    changes = {**changes, "version": issue.version + moves, "updated_at": now()}
    statement = Statement()
    assignments = ", ".join(
        f"{name} = {statement.param(_stored(name, value))}"
        for name, value in changes.items()
    )
    matched = await statement.fetch(
        f"UPDATE issue SET {assignments} WHERE id = {statement.param(issue.id)} "
        f"AND version = {statement.param(issue.version)} RETURNING id"
    )
    if not matched:
        raise StaleReadError(issue.id)
    for name, value in changes.items():
        setattr(issue, name, value)


async def mark_retracted(
    model: type[Retractable],
    row: Retractable,
    reason: str,
    actor: str,
    *,
    field: str,
    noun: str,
) -> None:
    """Retract a live row of the history (an update or a position), never twice.

    The compare-and-set on `retracted_at IS NULL` refuses a second retraction
    even when two arrive together.
    """
    retraction = {"retracted_at": now(), "retraction_reason": reason}
    matched = await model.filter(id=row.pk, retracted_at__isnull=True).update(
        retracted_by=actor, **retraction
    )
    if matched == 0:
        raise InvalidInputError(
            field, f"This {noun} is already retracted.", UserErrorCode.ALREADY_RETRACTED
        )
    row.update_from_dict({**retraction, "retracted_by": actor})


def _stored(name: str, value: Any) -> Any:
    """A value as the ORM would store it in the issue's column of that name."""
    return Issue._meta.fields_map[name].to_db_value(value, Issue)
