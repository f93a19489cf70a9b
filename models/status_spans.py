"""Time in status: the periods an issue's live history spent at each status.

A span starts with the update that moved the issue to a status (a later update at
the same status continues it) and ends on the day the next status took effect.
Days count from the first day of a partial date, and a current span counts to the
day it is judged on (today, or the time-travel day).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.queryset import QuerySet

from models.enums import IssueStatus
from models.issue import Issue
from models.status_update import StatusUpdate


def today() -> date:
    """The day spans are judged on when no time-travel day is given (UTC)."""
    return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class StatusSpan:
    """One period at one status; `until` is None while it lasts."""

    status: IssueStatus
    started_by: StatusUpdate
    until: date | None
    days: int

    @property
    def start(self) -> date:
        """The first day of the span."""
        return self.started_by.occurred_on


@dataclass(frozen=True, slots=True)
class Standing:
    """How long one issue has stood at its status on a day."""

    issue: Issue
    span: StatusSpan


def spans_of(
    history: Sequence[StatusUpdate], on: date, *, as_of: date | None = None
) -> list[StatusSpan]:
    """The spans of a live history in (occurred_on, id) order, judged on `on`.

    With `as_of`, only the updates that had occurred by then count, and the
    current span is judged on that day.
    """
    day = as_of or on
    runs: list[StatusUpdate] = []
    for update in history:
        if update.retracted_at is not None or update.occurred_on > day:
            continue
        if not runs or runs[-1].status != update.status:
            runs.append(update)
    spans = []
    for index, started_by in enumerate(runs):
        ends = runs[index + 1].occurred_on if index + 1 < len(runs) else None
        length = ((ends or day) - started_by.occurred_on).days
        spans.append(StatusSpan(started_by.status, started_by, ends, max(length, 0)))
    return spans


async def spans_by_issue(
    issue_ids: Iterable[int], on: date, *, as_of: date | None = None
) -> dict[int, list[StatusSpan]]:
    """The spans of many issues, read in one statement."""
    ids = list(issue_ids)
    histories = await _live_histories(StatusUpdate.filter(issue_id__in=ids), as_of)
    return {pk: spans_of(histories.get(pk, []), on, as_of=as_of) for pk in ids}


async def standings(
    relationship: str | None, on: date, *, as_of: date | None = None
) -> list[Standing]:
    """Every unarchived issue with a status, longest-standing first (ties: slug)."""
    scope = Issue.filter(archived_at__isnull=True)
    if relationship is not None:
        scope = scope.filter(relationship__slug=relationship)
    issues = {issue.pk: issue for issue in await scope}
    found = await spans_by_issue(issues, on, as_of=as_of)
    result = [Standing(issues[pk], spans[-1]) for pk, spans in found.items() if spans]
    result.sort(key=lambda s: (-s.span.days, s.issue.slug))
    return result


async def _live_histories(
    updates: QuerySet[StatusUpdate], as_of: date | None
) -> dict[int, list[StatusUpdate]]:
    query = updates.filter(retracted_at__isnull=True)
    if as_of is not None:
        query = query.filter(occurred_on__lte=as_of)
    grouped: dict[int, list[StatusUpdate]] = defaultdict(list)
    for update in await query.order_by("issue_id", "occurred_on", "id"):
        grouped[update.issue_id].append(update)
    return grouped
