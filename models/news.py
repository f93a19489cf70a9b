"""The newest news of a relationship or an issue, as the Atom feeds show it:
status updates and the positions the sides stated.

News is newest first by the day it happened (an update's `occurred_on`, a
position's `stated_on`), then recorded order, as the `statusUpdates` and
`positions` lists have it; on one day, updates come before positions. A
retracted item stays in, as it stands now, so that a reader learns of it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from tortoise.queryset import QuerySet

from models.derived_status import previous_statuses
from models.enums import IssueStatus
from models.issue import Issue
from models.position import Position
from models.status_update import StatusUpdate


@dataclass(frozen=True)
class NewsScope:
    """Whose news: one issue's, or one relationship's unarchived issues'."""

    relationship_id: int
    issue_id: int | None = None


@dataclass(frozen=True)
class StatusNews:
    """One status update with what a reader of the news needs beside it."""

    update: StatusUpdate
    issue: Issue
    previous_status: IssueStatus | None

    @property
    def day(self) -> date:
        """When it happened."""
        return self.update.occurred_on

    @property
    def updated_at(self) -> datetime:
        """When it last changed here: its retraction, or its recording."""
        return self.update.retracted_at or self.update.recorded_at


@dataclass(frozen=True)
class PositionNews:
    """One stated position with its issue."""

    position: Position
    issue: Issue

    @property
    def day(self) -> date:
        """When it was stated."""
        return self.position.stated_on

    @property
    def updated_at(self) -> datetime:
        """When it last changed here: its retraction, or its recording."""
        return self.position.retracted_at or self.position.recorded_at


News = StatusNews | PositionNews


async def newest_news(scope: NewsScope, limit: int) -> list[News]:
    """At most `limit` updates and positions of the scope, newest first."""
    updates = await newest_status_news(scope, limit)
    positions = await newest_position_news(scope, limit)
    # A stable sort: each list keeps its own order within a day.
    merged: list[News] = sorted([*updates, *positions], key=_day, reverse=True)
    return merged[:limit]


def _day(news: News) -> date:
    return news.day


RowT = TypeVar("RowT", StatusUpdate, Position)


def _in_scope(query: QuerySet[RowT], scope: NewsScope) -> QuerySet[RowT]:
    query = query.filter(issue__relationship_id=scope.relationship_id)
    if scope.issue_id is not None:
        return query.filter(issue_id=scope.issue_id)
    return query.filter(issue__archived_at__isnull=True)


async def _issues_of(issue_ids: set[int]) -> dict[int, Issue]:
    return {issue.pk: issue for issue in await Issue.filter(id__in=issue_ids)}


async def newest_position_news(scope: NewsScope, limit: int) -> list[PositionNews]:
    """At most `limit` positions of the scope, newest first."""
    query = _in_scope(Position.all(), scope)
    positions = await query.order_by("-stated_on", "-id").limit(limit)
    issues = await _issues_of({p.issue_id for p in positions})
    return [PositionNews(p, issues[p.issue_id]) for p in positions]


async def newest_status_news(scope: NewsScope, limit: int) -> list[StatusNews]:
    """At most `limit` updates of the scope, newest first."""
    query = _in_scope(StatusUpdate.all(), scope)
    updates = await query.order_by("-occurred_on", "-id").limit(limit)
    if not updates:
        return []
    issues = await _issues_of({u.issue_id for u in updates})
    previous = await previous_statuses([u.pk for u in updates])
    return [
        StatusNews(update, issues[update.issue_id], previous.get(update.pk))
        for update in updates
    ]
