"""Mutations that post status updates and retract them."""

from typing import Annotated

import strawberry

from api.context import Context
from api.core.enums import IssueStatus
from api.core.inputs import expected_version_field, idempotency_key_field
from api.core.user_errors import (
    NotFoundError,
    ValidationError,
    VersionConflictError,
    input_id,
)
from api.core.values import SourceInput
from api.issues.types import Issue
from api.status_updates.types import StatusUpdate
from models.status_operations import (
    UpdateWritten,
    post_status_update,
    retract_status_update,
)


@strawberry.input(description="A new dated, sourced status report on an issue.")
class IssueUpdateStatusInput:
    issue_id: strawberry.ID = strawberry.field(description="The issue.")
    status: IssueStatus = strawberry.field(description="The status reported.")
    occurred_on: str = strawberry.field(
        description="When it happened: '2025-10-26', '2025-10' or '2025'; a real "
        "date, not in the future. An older date back-fills history and leaves the "
        "current status as it is."
    )
    note: str = strawberry.field(description="What happened, 1 to 2,000 characters.")
    source: SourceInput | None = strawberry.field(
        default=None, description="Where it was reported."
    )
    verified: bool | None = strawberry.field(
        default=None,
        description="Whether it was checked against its source; defaults to whether "
        "a source is given, and cannot be true without one.",
    )
    expected_version: int | None = expected_version_field()
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Withdraw a status update; it stays in the record.")
class StatusUpdateRetractInput:
    update_id: strawberry.ID = strawberry.field(description="The update to retract.")
    reason: str = strawberry.field(
        description="Why it is withdrawn, 1 to 2,000 characters."
    )
    expected_version: int | None = expected_version_field()


@strawberry.type(description="The update was recorded.")
class IssueUpdateStatusSuccess:
    issue: Issue = strawberry.field(
        description="The issue, with its re-derived status and new version."
    )
    update: StatusUpdate = strawberry.field(description="The new update.")
    replayed: bool = strawberry.field(
        description="True when this repeats an earlier call with the same "
        "idempotency key: nothing new was written, and the objects of the first "
        "call are returned as they stand now."
    )


@strawberry.type(description="The update was retracted.")
class StatusUpdateRetractSuccess:
    issue: Issue = strawberry.field(
        description="The issue, with its re-derived status and new version."
    )
    update: StatusUpdate = strawberry.field(description="The retracted update.")


IssueUpdateStatusResult = Annotated[
    IssueUpdateStatusSuccess | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union(
        "IssueUpdateStatusResult", description="The outcome of issueUpdateStatus."
    ),
]
StatusUpdateRetractResult = Annotated[
    StatusUpdateRetractSuccess | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union(
        "StatusUpdateRetractResult", description="The outcome of statusUpdateRetract."
    ),
]


async def issue_update_status(
    info: strawberry.Info[Context],
    input: Annotated[
        IssueUpdateStatusInput, strawberry.argument(description="What to do.")
    ],
) -> IssueUpdateStatusResult:
    written = await post_status_update(
        input_id("Issue", input.issue_id, "issue_id"),
        status=input.status,
        occurred_on=input.occurred_on,
        note=input.note,
        source=SourceInput.to_domain(input.source),
        verified=input.verified,
        expected_version=input.expected_version,
        idempotency_key=input.idempotency_key,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    issue, update = _expose(info.context, written)
    return IssueUpdateStatusSuccess(
        issue=issue, update=update, replayed=written.replayed
    )


async def status_update_retract(
    info: strawberry.Info[Context],
    input: Annotated[
        StatusUpdateRetractInput, strawberry.argument(description="What to do.")
    ],
) -> StatusUpdateRetractResult:
    written = await retract_status_update(
        input_id("StatusUpdate", input.update_id, "update_id"),
        reason=input.reason,
        expected_version=input.expected_version,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    issue, update = _expose(info.context, written)
    return StatusUpdateRetractSuccess(issue=issue, update=update)


def _expose(context: Context, written: UpdateWritten) -> tuple[Issue, StatusUpdate]:
    # The update's `issue` field can reuse the row we already hold.
    context.loaders.issue_by_id.prime(written.issue.id, written.issue)
    return Issue.from_row(written.issue), StatusUpdate.from_row(written.update)
