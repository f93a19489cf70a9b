"""Mutations that record what a side has said, and retract it."""

from typing import Annotated

import strawberry

from api.context import Context
from api.core.inputs import expected_version_field, idempotency_key_field
from api.core.user_errors import (
    NotFoundError,
    ValidationError,
    VersionConflictError,
    input_id,
)
from api.core.values import SourceInput
from api.issues.types import Issue
from api.positions.types import Position
from models.position_operations import (
    PositionWritten,
    Statement,
    record_position,
    retract_position,
)
from models.validation import Source


@strawberry.input(description="A side's dated, sourced statement on an issue.")
class PositionRecordInput:
    issue_id: strawberry.ID = strawberry.field(description="The issue.")
    country: str = strawberry.field(
        description="The side that said it: one of the relationship's two countries "
        "(e.g. 'IN')."
    )
    stated_on: str = strawberry.field(
        description="When it was said: '2025-10-26', '2025-10' or '2025'; a real "
        "date, not in the future."
    )
    speaker: str = strawberry.field(description="Who said it, 1 to 300 characters.")
    statement: str = strawberry.field(
        description="What the side wants, in one sentence (1 to 2,000 characters)."
    )
    quote: str = strawberry.field(
        description="The speaker's words, verbatim (1 to 2,000 characters)."
    )
    source: SourceInput = strawberry.field(
        description="Where it was reported; a position always cites one."
    )
    verified: bool = strawberry.field(
        default=True,
        description="Whether the quote was checked against its source (default true).",
    )
    expected_version: int | None = expected_version_field()
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input(description="Withdraw a position; it stays in the record.")
class PositionRetractInput:
    position_id: strawberry.ID = strawberry.field(
        description="The position to retract."
    )
    reason: str = strawberry.field(
        description="Why it is withdrawn, 1 to 2,000 characters."
    )
    expected_version: int | None = expected_version_field()


@strawberry.type(description="The position was recorded.")
class PositionRecordSuccess:
    issue: Issue = strawberry.field(description="The issue, with its new version.")
    position: Position = strawberry.field(description="The new position.")
    replayed: bool = strawberry.field(
        description="True when this repeats an earlier call with the same "
        "idempotency key: nothing new was written, and the objects of the first "
        "call are returned as they stand now."
    )


@strawberry.type(description="The position was retracted.")
class PositionRetractSuccess:
    issue: Issue = strawberry.field(description="The issue, with its new version.")
    position: Position = strawberry.field(description="The retracted position.")


PositionRecordResult = Annotated[
    PositionRecordSuccess | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union(
        "PositionRecordResult", description="The outcome of positionRecord."
    ),
]
PositionRetractResult = Annotated[
    PositionRetractSuccess | ValidationError | NotFoundError | VersionConflictError,
    strawberry.union(
        "PositionRetractResult", description="The outcome of positionRetract."
    ),
]


async def position_record(
    info: strawberry.Info[Context],
    input: Annotated[
        PositionRecordInput, strawberry.argument(description="What to do.")
    ],
) -> PositionRecordResult:
    said = Statement(
        country=input.country,
        stated_on=input.stated_on,
        speaker=input.speaker,
        statement=input.statement,
        quote=input.quote,
        source=Source(input.source.url, input.source.title, input.source.publisher),
    )
    written = await record_position(
        input_id("Issue", input.issue_id, "issue_id"),
        said,
        verified=input.verified,
        expected_version=input.expected_version,
        idempotency_key=input.idempotency_key,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    issue, position = _expose(info.context, written)
    return PositionRecordSuccess(
        issue=issue, position=position, replayed=written.replayed
    )


async def position_retract(
    info: strawberry.Info[Context],
    input: Annotated[
        PositionRetractInput, strawberry.argument(description="What to do.")
    ],
) -> PositionRetractResult:
    written = await retract_position(
        input_id("Position", input.position_id, "position_id"),
        reason=input.reason,
        expected_version=input.expected_version,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    issue, position = _expose(info.context, written)
    return PositionRetractSuccess(issue=issue, position=position)


def _expose(context: Context, written: PositionWritten) -> tuple[Issue, Position]:
    context.loaders.issue_by_id.prime(written.issue.id, written.issue)
    return Issue.from_row(written.issue), Position.from_row(written.stated)
