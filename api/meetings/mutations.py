"""The mutation that records a meeting."""

from typing import Annotated

import strawberry

from api.context import Context
from api.core.inputs import idempotency_key_field
from api.core.user_errors import NotFoundError, ValidationError, input_id
from api.core.values import SourceInput
from api.meetings.types import Meeting
from models.meeting_operations import record_meeting


@strawberry.input(description="A meeting that took place, and the issues it discussed.")
class MeetingRecordInput:
    relationship_id: strawberry.ID = strawberry.field(
        description="The relationship whose sides met."
    )
    held_on: str = strawberry.field(
        description="When: '2025-10-26', '2025-10' or '2025'; not in the future."
    )
    title: str = strawberry.field(description="What it was, 1 to 300 characters.")
    location: str | None = strawberry.field(
        default=None, description="Where (at most 200 characters)."
    )
    participants: list[str] | None = strawberry.field(
        default=None, description="Who took part (at most 50 names)."
    )
    summary: str | None = strawberry.field(
        default=None, description="What was said (at most 10,000 characters)."
    )
    source: SourceInput | None = strawberry.field(
        default=None, description="Where it was reported."
    )
    issue_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="The issues it discussed (at most 100), all of this relationship.",
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type(description="The meeting was recorded.")
class MeetingRecordSuccess:
    meeting: Meeting = strawberry.field(description="The new meeting.")
    replayed: bool = strawberry.field(
        description="True when this repeats an earlier call with the same "
        "idempotency key: nothing new was written, and the objects of the first "
        "call are returned as they stand now."
    )


MeetingRecordResult = Annotated[
    MeetingRecordSuccess | ValidationError | NotFoundError,
    strawberry.union(
        "MeetingRecordResult", description="The outcome of meetingRecord."
    ),
]


async def meeting_record(
    info: strawberry.Info[Context],
    input: Annotated[
        MeetingRecordInput, strawberry.argument(description="What to do.")
    ],
) -> MeetingRecordResult:
    issue_ids = [
        input_id("Issue", value, f"issue_ids[{index}]")
        for index, value in enumerate(input.issue_ids or [])
    ]
    written = await record_meeting(
        input_id("Relationship", input.relationship_id, "relationship_id"),
        held_on=input.held_on,
        title=input.title,
        location=input.location,
        participants=input.participants,
        summary=input.summary,
        source=SourceInput.to_domain(input.source),
        issue_ids=issue_ids,
        idempotency_key=input.idempotency_key,
        actor=info.context.actor,
        publish=info.context.services.publish,
    )
    return MeetingRecordSuccess(
        meeting=Meeting.from_row(written.meeting), replayed=written.replayed
    )
