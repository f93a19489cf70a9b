"""The building blocks every write shares: retried transactions, locks, versions.

Writers are serialised per issue: PostgreSQL locks the row (SELECT ... FOR UPDATE),
SQLite lets one writer in at a time. The version is then bumped with a
compare-and-set UPDATE, which matches no row when another writer got there first,
so a stale read can never overwrite a newer state on either database.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.data_generation import bump_generation_once, bumping_once
from models.derived_status import current_status_sql
from models.enums import IssueStatus
from models.errors import (
    DomainError,
    InvalidInputError,
    NotFoundError,
    UserErrorCode,
    VersionConflictError,
)
from models.hydration import hydrate
from models.idempotency import Idempotency, Recalled
from models.issue import Issue
from models.relationship import Relationship
from models.rows import stored
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
            with bumping_once():
                async with in_transaction():
                    result = await work()
                    await bump_generation_once()
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
    issue, _ = await _lock(issue_id, field, None)
    return issue


async def lock_for_write(
    issue_id: int,
    key: Idempotency,
    expected_version: int | None,
    field: str = "issue_id",
) -> tuple[Issue, Recalled]:
    """The issue, locked and checked for a write (check_version, check_active),
    or with what an earlier call with `key` produced, read in the same statement.

    A first call with the same key may commit while this one waits for the lock,
    after the statement read the keys. If this call then passes the checks, its
    own key collides with that one and the write is retried, which sees it; if it
    fails them, the key is read again first, so that it is replayed, not refused.
    """
    issue, recalled = await _lock(issue_id, field, key)
    if recalled is not None:
        return issue, recalled
    try:
        check_version(issue, expected_version)
        check_active(issue, field)
    except DomainError:
        if (recalled := await key.recall()) is None:
            raise
    return issue, recalled


async def _lock(
    issue_id: int, field: str, key: Idempotency | None
) -> tuple[Issue, Recalled]:
    statement = Statement()
    columns, join = key.recall_join(statement) if key else ("", "")
    lock = "" if statement.is_sqlite else " FOR UPDATE OF i"
    rows = await statement.fetch(
        f"SELECT i.*{columns} FROM issue i{join} "
        f"WHERE i.id = {statement.param(issue_id)}{lock}"
    )
    if not rows:
        raise NotFoundError(field, "Issue", issue_id)
    recalled = key.recalled(rows[0]) if key else None
    return hydrate(Issue, rows[0]), recalled


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


@dataclass(frozen=True)
class Bump:
    """An issue's changes and its next version, set by one compare-and-set UPDATE
    that matches no row if anybody else moved the version meanwhile.

    With `rederive_status`, the UPDATE also sets the status the history now gives
    (models/derived_status.py): it sees the rows earlier statements of the
    transaction wrote, but not rows written by the statement it is part of.
    """

    issue: Issue
    changes: dict[str, Any]
    rederive_status: bool = False

    def sql(self, statement: Statement) -> str:
        """The UPDATE, its values collected by `statement`; it returns the status."""
        assignments = [
            f"{name} = {statement.param(stored(Issue, name, value))}"
            for name, value in self.changes.items()
        ]
        if self.rederive_status:
            status = current_status_sql(statement, self.issue.id)
            assignments.append(f"status = {status}")
        return (
            f"UPDATE issue SET {', '.join(assignments)} "
            f"WHERE id = {statement.param(self.issue.id)} "
            f"AND version = {statement.param(self.issue.version)} RETURNING status"
        )

    async def run(self) -> None:
        """Run the UPDATE on its own."""
        statement = Statement()
        self.apply(await statement.fetch(self.sql(statement)))

    def apply(self, returned: list[dict[str, Any]]) -> None:
        """Update the issue from what the UPDATE returned, or StaleReadError."""
        if not returned:
            raise StaleReadError(self.issue.id)
        status = returned[0]["status"]
        derived = {"status": None if status is None else IssueStatus(status)}
        for name, value in {**self.changes, **derived}.items():
            setattr(self.issue, name, value)


def bump_of(
    issue: Issue, moves: int = 1, *, rederive_status: bool = False, **changes: Any
) -> Bump:
    """Changes to apply and the version moved on by `moves` (one per write the
    transaction made)."""
    version = {"version": issue.version + moves, "updated_at": now()}
    return Bump(issue, {**changes, **version}, rederive_status)


async def bump(
    issue: Issue, moves: int = 1, *, rederive_status: bool = False, **changes: Any
) -> None:
    """Apply changes and move the version on by `moves`, only if nobody else
    moved it meanwhile (StaleReadError otherwise)."""
    await bump_of(issue, moves, rederive_status=rederive_status, **changes).run()


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
