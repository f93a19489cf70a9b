"""Creating, editing and archiving issues.

Each operation validates its input before it opens a transaction, writes in one
transaction, and publishes its event only after that transaction commits. When it
raises a DomainError nothing was written and nothing was published.
"""

from dataclasses import dataclass
from typing import Any, NoReturn

from models.enums import EventKind, IssueCategory
from models.errors import InvalidInputError, UserErrorCode
from models.events import Event, Publish, discard, publish_committed
from models.idempotency import Idempotency
from models.issue import Issue, join_countries
from models.relationship import Relationship
from models.transactions import (
    atomically,
    bump,
    check_active,
    check_version,
    find_relationship,
    lock_issue,
    now,
)
from models.validation import (
    SUMMARY_MAX,
    TITLE_MAX,
    clean_countries,
    clean_slug,
    clean_text,
    country_codes,
)


@dataclass(frozen=True)
class IssueWritten:
    """An issue as a write left it.

    `replayed` when an idempotency key matched an earlier call; `changed` is False
    when the call asked for the state the issue was already in.
    """

    issue: Issue
    replayed: bool = False
    changed: bool = True


@dataclass(frozen=True)
class IssueChanges:
    """The fields an edit sets; None leaves a field as it is."""

    title: str | None = None
    summary: str | None = None
    category: IssueCategory | None = None
    raised_by: list[str] | None = None


async def create_issue(
    relationship_id: int,
    *,
    slug: str,
    title: str,
    category: IssueCategory,
    summary: str | None = None,
    raised_by: list[str] | None = None,
    idempotency_key: str | None = None,
    actor: str,
    publish: Publish = discard,
) -> IssueWritten:
    """Create an issue with no history yet (status null, version 1).

    Raises InvalidInputError (slug format or already taken in the relationship,
    title, summary, raised_by outside the relationship, a reused idempotency key)
    and NotFoundError (relationship). Publishes ISSUE_CREATED.
    """
    fields: dict[str, Any] = {
        "slug": clean_slug(slug),
        "title": clean_text(title, "title", TITLE_MAX),
        "summary": clean_text(summary or "", "summary", SUMMARY_MAX, required=False),
        "category": IssueCategory(category),
    }
    codes = country_codes(raised_by or [])
    given = {**fields, "relationship_id": relationship_id, "raised_by": codes}
    key = Idempotency.of(actor, idempotency_key, "create_issue", given)

    async def write() -> IssueWritten:
        if (replay := await _replay(key)) is not None:
            return replay
        relationship = await find_relationship(relationship_id)
        countries = clean_countries(codes, relationship.countries, "raised_by")
        if await Issue.exists(relationship_id=relationship_id, slug=fields["slug"]):
            # The first call with this key may have committed since we looked.
            return await _replay(key) or _slug_taken(fields["slug"])
        issue = await Issue.create(
            relationship=relationship, raised_by=join_countries(countries), **fields
        )
        await key.remember({"issue": issue.id})
        return IssueWritten(issue)

    written = await atomically(write)
    if not written.replayed:
        event = Event(EventKind.ISSUE_CREATED, issue_id=written.issue.id, version=1)
        await publish_committed(publish, event)
    return written


async def edit_issue(
    issue_id: int,
    changes: IssueChanges,
    *,
    expected_version: int | None = None,
    actor: str,
    publish: Publish = discard,
) -> IssueWritten:
    """Change an issue's title, summary, category or raised_by, bumping its version.

    An edit that changes nothing writes nothing and keeps the version. Raises
    InvalidInputError (no field given, a field's rule, archived issue),
    NotFoundError and VersionConflictError. Publishes ISSUE_EDITED.
    """
    wanted = _clean_changes(changes)

    async def write() -> IssueWritten:
        issue = await lock_issue(issue_id)
        check_version(issue, expected_version)
        check_active(issue)
        values = await _stored_values(issue, wanted)
        different = {k: v for k, v in values.items() if getattr(issue, k) != v}
        if different:
            await bump(issue, **different)
        return IssueWritten(issue, changed=bool(different))

    written = await atomically(write)
    if written.changed:
        event = Event(EventKind.ISSUE_EDITED, issue_id, version=written.issue.version)
        await publish_committed(publish, event)
    return written


async def set_archived(
    issue_id: int,
    archived: bool,
    *,
    expected_version: int | None = None,
    actor: str,
    publish: Publish = discard,
) -> IssueWritten:
    """Archive an issue (hidden from lists and counts) or bring it back.

    Asking for the state it is already in writes nothing and keeps the version.
    Raises NotFoundError and VersionConflictError. Publishes ISSUE_ARCHIVED or
    ISSUE_UNARCHIVED.
    """

    async def write() -> IssueWritten:
        issue = await lock_issue(issue_id)
        check_version(issue, expected_version)
        if (issue.archived_at is not None) == archived:
            return IssueWritten(issue, changed=False)
        await bump(issue, archived_at=now() if archived else None)
        return IssueWritten(issue)

    written = await atomically(write)
    if written.changed:
        kind = EventKind.ISSUE_ARCHIVED if archived else EventKind.ISSUE_UNARCHIVED
        await publish_committed(
            publish, Event(kind, issue_id, version=written.issue.version)
        )
    return written


def _clean_changes(changes: IssueChanges) -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    if changes.title is not None:
        wanted["title"] = clean_text(changes.title, "title", TITLE_MAX)
    if changes.summary is not None:
        wanted["summary"] = clean_text(
            changes.summary, "summary", SUMMARY_MAX, required=False
        )
    if changes.category is not None:
        wanted["category"] = IssueCategory(changes.category)
    if changes.raised_by is not None:
        wanted["raised_by"] = changes.raised_by
    if not wanted:
        raise InvalidInputError(
            "input",
            "Give at least one field to change: title, summary, category or raised by.",
            UserErrorCode.REQUIRED,
        )
    return wanted


async def _stored_values(issue: Issue, wanted: dict[str, Any]) -> dict[str, Any]:
    """The wanted changes as columns; raised_by is checked against the countries."""
    if "raised_by" not in wanted:
        return wanted
    relationship = await Relationship.get(id=issue.relationship_id)
    codes = clean_countries(wanted["raised_by"], relationship.countries, "raised_by")
    return {**wanted, "raised_by": join_countries(codes)}


async def _replay(key: Idempotency) -> IssueWritten | None:
    stored = await key.recall()
    if stored is None:
        return None
    return IssueWritten(await Issue.get(id=stored["issue"]), replayed=True)


def _slug_taken(slug: str) -> NoReturn:
    raise InvalidInputError(
        "slug",
        f"An issue with the slug '{slug}' already exists in this relationship.",
        UserErrorCode.ALREADY_EXISTS,
    )
