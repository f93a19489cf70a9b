"""The newest news of a relationship or an issue, as the Atom feeds show it.

News is in history order, newest first (the day it happened, then recorded
order), as the `statusUpdates` list has it; a retracted update stays in, as it
stands now, so that a reader learns of the retraction.
"""

from dataclasses import dataclass
from datetime import datetime

from models.derived_status import previous_statuses
from models.enums import IssueStatus
from models.issue import Issue
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
    def updated_at(self) -> datetime:
        """When it last changed here: its retraction, or its recording."""
        return self.update.retracted_at or self.update.recorded_at


async def newest_status_news(scope: NewsScope, limit: int) -> list[StatusNews]:
    """At most `limit` updates of the scope, newest first."""
    query = StatusUpdate.filter(issue__relationship_id=scope.relationship_id)
    if scope.issue_id is not None:
        query = query.filter(issue_id=scope.issue_id)
    else:
        query = query.filter(issue__archived_at__isnull=True)
    updates = await query.order_by("-occurred_on", "-id").limit(limit)
    if not updates:
        return []
    issues = {
        issue.pk: issue
        for issue in await Issue.filter(id__in={u.issue_id for u in updates})
    }
    previous = await previous_statuses([u.pk for u in updates])
    return [
        StatusNews(update, issues[update.issue_id], previous.get(update.pk))
        for update in updates
    ]
