"""Time in status: the StatusSpan and StatusStanding types."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.core.enums import IssueStatus
from api.status_updates.types import StatusUpdate
from models import status_spans

if TYPE_CHECKING:
    from api.issues.types import Issue


@strawberry.type(
    description="A period an issue spent at one status: from the update that moved "
    "it there (later updates at the same status continue the span) until the next "
    "status took effect."
)
class StatusSpan:
    status: IssueStatus = strawberry.field(description="The status held.")
    from_: date = strawberry.field(
        name="from",
        description="The first day (a partial date counts from its first day).",
    )
    until: date | None = strawberry.field(
        description="The day the next status took effect (the span ends the day "
        "before), or null while the span is current."
    )
    days: int = strawberry.field(
        description="Its length in days: `until` minus `from`, or for the current "
        "span, today (or the `asOf` day) minus `from`."
    )
    started_by: StatusUpdate = strawberry.field(
        description="The update that moved the issue to this status."
    )

    @classmethod
    def of(cls, span: status_spans.StatusSpan) -> "StatusSpan":
        """Expose one computed span."""
        return cls(
            status=span.status,
            from_=span.start,
            until=span.until,
            days=span.days,
            started_by=StatusUpdate.from_row(span.started_by),
        )


@strawberry.type(description="How long one issue has stood at its status.")
class StatusStanding:
    issue: Annotated["Issue", strawberry.lazy("api.issues.types")] = strawberry.field(
        description="The issue."
    )
    status: IssueStatus = strawberry.field(description="The status it stands at.")
    since: date = strawberry.field(
        description="The first day of its current span at that status."
    )
    days: int = strawberry.field(
        description="How many days it has stood there (to today, or the `asOf` day)."
    )

    @classmethod
    def of(cls, standing: status_spans.Standing) -> "StatusStanding":
        """Expose one issue's standing."""
        from api.issues.types import Issue

        return cls(
            issue=Issue.from_row(standing.issue),
            status=standing.span.status,
            since=standing.span.start,
            days=standing.span.days,
        )
