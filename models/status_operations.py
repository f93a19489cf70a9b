"""Posting status updates to an issue's history and retracting them.

History is append-only: an update is never changed except to be retracted, and the
issue's current status is re-derived from the history after every write, by the
rule in models/derived_status.py.
"""

from dataclasses import dataclass
from typing import Any

from models.enums import EventKind, FeedKind, IssueStatus
from models.errors import InvalidInputError, NotFoundError
from models.events import Event, Publish, discard, publish_committed
from models.feed import announced_on_commit, finish_with_entry
from models.idempotency import Idempotency
from models.issue import Issue
from models.rows import insert
from models.status_update import StatusUpdate
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
    clean_past_date,
    clean_source,
    clean_text,
    source_columns,
)


@dataclass(frozen=True)
class UpdateWritten:
    """The issue and the update a write left; `replayed` when a key matched.

    `position` is the write's update-feed position (None for a replay).
    """

    issue: Issue
    update: StatusUpdate
    replayed: bool = False
    position: int | None = None


async def post_status_update(
    issue_id: int,
    *,
    status: IssueStatus,
    occurred_on: str,
    note: str,
    source: Source | None = None,
    verified: bool | None = None,
    expected_version: int | None = None,
    idempotency_key: str | None = None,
    actor: str,
    publish: Publish = discard,
) -> UpdateWritten:
    """Append an update, re-derive the current status and bump the version.

    A back-filled update (older than the latest) leaves the status unchanged.
    `verified` defaults to whether a source is cited. Raises InvalidInputError
    (occurred_on malformed or in the future, note, source, verified without a
    source, archived issue, reused idempotency key), NotFoundError and
    VersionConflictError. Appends a RECORDED feed entry and publishes STATUS_UPDATED.
    """
    day = clean_past_date(occurred_on, "occurred_on")
    row: dict[str, Any] = {
        "status": IssueStatus(status),
        "occurred_on": day.first_day,
        "occurred_precision": day.precision,
        "note": clean_text(note, "note", NOTE_MAX),
        "verified": _verified(verified, source),
        **source_columns(clean_source(source)),
    }
    given = {**row, "issue_id": issue_id, "expected_version": expected_version}
    key = Idempotency.of(actor, idempotency_key, "post_status_update", given)

    async def write() -> UpdateWritten:
        issue, stored = await lock_for_write(issue_id, key, expected_version)
        if stored is not None:
            update = await StatusUpdate.get(id=stored["update"])
            return UpdateWritten(issue, update, replayed=True)
        update = await insert(
            StatusUpdate,
            {"issue_id": issue.id, "recorded_by": actor, "recorded_at": now(), **row},
        )
        remembering = key.remembering({"issue": issue.id, "update": update.id})
        position = await finish_with_entry(
            FeedKind.RECORDED, update, bump_of(issue, rederive_status=True), remembering
        )
        return UpdateWritten(issue, update, position=position)

    written = await atomically(write)
    if not written.replayed:
        await publish_committed(publish, _event(EventKind.STATUS_UPDATED, written))
    return written


async def retract_status_update(
    update_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    actor: str,
    publish: Publish = discard,
) -> UpdateWritten:
    """Mark an update retracted (never deleted), re-derive the status, bump the version.

    `expected_version` is the issue's. Raises InvalidInputError (reason, update
    already retracted, archived issue), NotFoundError and VersionConflictError.
    Appends a RETRACTED feed entry and publishes UPDATE_RETRACTED.
    """
    cleaned_reason = clean_text(reason, "reason", NOTE_MAX)

    async def write() -> UpdateWritten:
        update = await _update(update_id)
        issue = await lock_issue(update.issue_id, "update_id")
        check_version(issue, expected_version)
        check_active(issue, "update_id")
        await mark_retracted(
            StatusUpdate,
            update,
            cleaned_reason,
            actor,
            field="update_id",
            noun="update",
        )
        position = await finish_with_entry(
            FeedKind.RETRACTED, update, bump_of(issue, rederive_status=True)
        )
        return UpdateWritten(issue, update, position=position)

    written = await atomically(write)
    await publish_committed(publish, _event(EventKind.UPDATE_RETRACTED, written))
    return written


async def _update(update_id: int) -> StatusUpdate:
    update = await StatusUpdate.get_or_none(id=update_id)
    if update is None:
        raise NotFoundError("update_id", "StatusUpdate", update_id)
    return update


def _verified(verified: bool | None, source: Source | None) -> bool:
    if verified and source is None:
        raise InvalidInputError(
            "verified", "An update can only be verified against a source; cite one."
        )
    return source is not None if verified is None else verified


def _event(kind: EventKind, written: UpdateWritten) -> Event:
    return Event(
        kind,
        issue_id=written.issue.id,
        update_id=written.update.id,
        version=written.issue.version,
        position=written.position,
        announced=written.position is not None and announced_on_commit(),
    )
