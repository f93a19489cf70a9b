"""Mutations that create, edit and archive issues."""

from typing import Annotated

import strawberry

from api.context import Context
from api.core.enums import IssueCategory
from api.core.inputs import expected_version_field, idempotency_key_field
from api.core.user_errors import (
    NotFoundError,
    ValidationError,
    VersionConflictError,
    input_id,
)
from api.issues.types import Issue
from models.issue_operations import IssueChanges, create_issue, edit_issue, set_archived


@strawberry.input(description="A new issue; it starts with no history.")
class IssueCreateInput:
    relationship_id: strawberry.ID = strawberry.field(
        description="The relationship it belongs to."
    )
    slug: str = strawberry.field(
        description="Lowercase letters, digits and single hyphens (at most 100), "
        "unique within the relationship."
    )
    title: str = strawberry.field(description="A one-line title, 1 to 200 characters.")
    category: IssueCategory = strawberry.field(description="The broad area.")
    summary: str | None = strawberry.field(
        default=None, description="What it is about (at most 10,000 characters)."
    )
    raised_by: list[str] | None = strawberry.field(
        default=None, description="Country codes of the relationship that raised it."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="The fields of an issue to change; omitted ones stay.")
class IssueEditInput:
    issue_id: strawberry.ID = strawberry.field(description="The issue to edit.")
    title: str | None = strawberry.field(
        default=None, description="A new title, 1 to 200 characters."
    )
    summary: str | None = strawberry.field(
        default=None, description="A new summary; an empty string clears it."
    )
    category: IssueCategory | None = strawberry.field(
        default=None, description="A new category."
    )
    raised_by: list[str] | None = strawberry.field(
        default=None,
        description="The countries that raised it; an empty list clears it.",
    )
    expected_version: int | None = expected_version_field()


@strawberry.input(description="Archive an issue, or bring it back.")
class IssueArchiveInput:
    issue_id: strawberry.ID = strawberry.field(description="The issue.")
    archived: bool = strawberry.field(
        default=True,
        description="true archives it (hidden from lists and counts); false "
        "restores it.",
    )
    expected_version: int | None = expected_version_field()


@strawberry.type(description="The issue was created.")
class IssueCreateSuccess:
    issue: Issue = strawberry.field(description="The new issue.")
    replayed: bool = strawberry.field(
        description="True when this repeats an earlier call with the same "
        "idempotency key: nothing new was written, and the objects of the first "
        "call are returned as they stand now."
    )


@strawberry.type(description="The issue as it now stands.")
class IssueEditSuccess:
    issue: Issue = strawberry.field(description="The issue after the edit.")
    changed: bool = strawberry.field(
        description="False when it already had these values: nothing was written "
        "and the version did not move."
    )


@strawberry.type(description="The issue as it now stands.")
class IssueArchiveSuccess:
    issue: Issue = strawberry.field(description="The issue, archived or restored.")
    changed: bool = strawberry.field(
        description="False when it was already in that state: nothing was written."
    )


IssueCreateResult = Annotated[
    IssueCreateSuccess | ValidationError | NotFoundError,
    strawberry.union("IssueCreateResult", description="The outcome of issueCreate."),
]
IssueEditResult = Annotated[
    IssueEditSuccess | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union("IssueEditResult", description="The outcome of issueEdit."),
]
IssueArchiveResult = Annotated[
    IssueArchiveSuccess | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union("IssueArchiveResult", description="The outcome of issueArchive."),
]


async def issue_create(
    info: strawberry.Info[Context],
    input: Annotated[IssueCreateInput, strawberry.argument(description="What to do.")],
) -> IssueCreateResult:
    written = await create_issue(
        input_id("Relationship", input.relationship_id, "relationship_id"),
        slug=input.slug,
        title=input.title,
        category=input.category,
        summary=input.summary,
        raised_by=input.raised_by,
        idempotency_key=input.idempotency_key,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    return IssueCreateSuccess(
        issue=Issue.from_row(written.issue), replayed=written.replayed
    )


async def issue_edit(
    info: strawberry.Info[Context],
    input: Annotated[IssueEditInput, strawberry.argument(description="What to do.")],
) -> IssueEditResult:
    changes = IssueChanges(
        title=input.title,
        summary=input.summary,
        category=input.category,
        raised_by=input.raised_by,
    )
    written = await edit_issue(
        input_id("Issue", input.issue_id, "issue_id"),
        changes,
        expected_version=input.expected_version,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    return IssueEditSuccess(
        issue=Issue.from_row(written.issue), changed=written.changed
    )


async def issue_archive(
    info: strawberry.Info[Context],
    input: Annotated[IssueArchiveInput, strawberry.argument(description="What to do.")],
) -> IssueArchiveResult:
    written = await set_archived(
        input_id("Issue", input.issue_id, "issue_id"),
        input.archived,
        expected_version=input.expected_version,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    return IssueArchiveSuccess(
        issue=Issue.from_row(written.issue), changed=written.changed
    )
