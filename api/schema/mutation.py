"""The root mutation type: every change to the tracker, each behind a permission."""

import strawberry

from api.guards.permissions import ADMIN, WRITE
from api.issues.mutations import (
    IssueArchiveResult,
    IssueCreateResult,
    IssueEditResult,
    issue_archive,
    issue_create,
    issue_edit,
)
from api.meetings.mutations import MeetingRecordResult, meeting_record
from api.positions.mutations import (
    PositionRecordResult,
    PositionRetractResult,
    position_record,
    position_retract,
)
from api.status_updates.mutations import (
    IssueUpdateStatusResult,
    StatusUpdateRetractResult,
    issue_update_status,
    status_update_retract,
)
from api.tokens.mutations import (
    TokenCreateResult,
    TokenRevokeResult,
    token_create,
    token_revoke,
)


@strawberry.type(
    description="Every change to the tracker. Each needs an editor or admin token, "
    "returns a union of a success type and the UserError types, and writes nothing "
    "when it returns an error."
)
class Mutation:
    issue_create: IssueCreateResult = strawberry.mutation(
        resolver=issue_create, permission_classes=WRITE, description="Create an issue."
    )
    issue_edit: IssueEditResult = strawberry.mutation(
        resolver=issue_edit,
        permission_classes=WRITE,
        description="Change an issue's title, summary, category or raisedBy.",
    )
    issue_archive: IssueArchiveResult = strawberry.mutation(
        resolver=issue_archive,
        permission_classes=WRITE,
        description="Archive an issue, or unarchive it with `archived: false`.",
    )
    issue_update_status: IssueUpdateStatusResult = strawberry.mutation(
        resolver=issue_update_status,
        permission_classes=WRITE,
        description="Append a dated, sourced status update to an issue's history; "
        "the current status is re-derived and the version bumped.",
    )
    status_update_retract: StatusUpdateRetractResult = strawberry.mutation(
        resolver=status_update_retract,
        permission_classes=WRITE,
        description="Retract a status update (it is kept, marked retracted); the "
        "current status is re-derived and the version bumped.",
    )
    meeting_record: MeetingRecordResult = strawberry.mutation(
        resolver=meeting_record,
        permission_classes=WRITE,
        description="Record a meeting and the issues it discussed.",
    )
    position_record: PositionRecordResult = strawberry.mutation(
        resolver=position_record,
        permission_classes=WRITE,
        description="Record what one side has said it wants on an issue: a dated, "
        "sourced statement; the issue's version is bumped.",
    )
    position_retract: PositionRetractResult = strawberry.mutation(
        resolver=position_retract,
        permission_classes=WRITE,
        description="Retract a position (it is kept, marked retracted); the issue's "
        "version is bumped.",
    )
    token_create: TokenCreateResult = strawberry.mutation(
        resolver=token_create,
        permission_classes=ADMIN,
        description="Create an API token (admins only); its secret is returned once.",
    )
    token_revoke: TokenRevokeResult = strawberry.mutation(
        resolver=token_revoke,
        permission_classes=ADMIN,
        description="Revoke an API token for good (admins only).",
    )
