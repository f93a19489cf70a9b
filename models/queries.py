"""The read side of the domain: filtered lists, orderings and counts.

Nothing here opens a transaction; each function is one or two statements.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from models.derived_status import issues_at_status_on, status_counts_on
from models.enums import IssueCategory, IssueStatus
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.nested_pages import ChildSource
from models.pagination import Ordering
from models.position import Position
from models.status_update import StatusUpdate

ISSUE_ORDERINGS: dict[str, tuple[str, type]] = {
    "SLUG": ("slug", str),
    "TITLE": ("title", str),
    "CREATED_AT": ("created_at", datetime),
    "UPDATED_AT": ("updated_at", datetime),
}

UPDATES_OF_ISSUE = ChildSource(
    model=StatusUpdate,
    alias="su",
    from_sql="status_update su",
    parent_column="su.issue_id",
)
LIVE_UPDATES_OF_ISSUE = ChildSource(
    model=StatusUpdate,
    alias="su",
    from_sql="status_update su",
    parent_column="su.issue_id",
    where_sql="AND su.retracted_at IS NULL",
)
MEETINGS_OF_ISSUE = ChildSource(
    model=Meeting,
    alias="m",
    from_sql="meeting m JOIN meeting_issue mi ON mi.meeting_id = m.id",
    parent_column="mi.issue_id",
)


_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def positions_of_issue(
    country: str | None, *, include_retracted: bool
) -> ChildSource[Position]:
    """Where an issue's positions live, of one country or both, retracted or not.

    `country` is written into the SQL, so it must be a two-letter code.
    """
    where = "" if include_retracted else "AND p.retracted_at IS NULL"
    if country is not None:
        if not _COUNTRY_CODE.fullmatch(country):
            raise ValueError(f"not a country code: {country!r}")
        where += f" AND p.country = '{country}'"
    return ChildSource(
        model=Position,
        alias="p",
        from_sql="position p",
        parent_column="p.issue_id",
        where_sql=where,
    )


def position_ordering(*, descending: bool) -> Ordering:
    """Positions by the day they were stated, then in recorded order."""
    return Ordering("stated", "stated_on", descending, date)


def recorded_ordering(*, descending: bool) -> Ordering:
    """Updates or positions in the order they were recorded (ids are handed out
    as rows are inserted): the order the live feed sends them in."""
    return Ordering("recorded", "id", descending, int)


def history_ordering(*, descending: bool) -> Ordering:
    """Updates in history order: occurred_on, then recorded order."""
    return Ordering("occurred", "occurred_on", descending, date)


def meeting_ordering(*, descending: bool) -> Ordering:
    """Meetings by the day they were held."""
    return Ordering("held", "held_on", descending, date)


def issue_ordering(name: str, *, descending: bool) -> Ordering:
    """Issues by one of ISSUE_ORDERINGS."""
    column, kind = ISSUE_ORDERINGS[name]
    return Ordering(name.lower(), column, descending, kind)


@dataclass(frozen=True)
class IssueCriteria:
    """What an issue list is filtered on; empty lists and None mean no filter."""

    relationship: str | None = None
    statuses: Sequence[IssueStatus] = ()
    categories: Sequence[IssueCategory] = ()
    raised_by: str | None = None
    search: str | None = None
    include_archived: bool = False
    updated_since: datetime | None = None
    as_of: date | None = None


async def issues_matching(criteria: IssueCriteria) -> QuerySet[Issue]:
    """The issues meeting the criteria, as one queryset (time travel a subquery)."""
    queryset = Issue.all()
    if criteria.relationship is not None:
        queryset = queryset.filter(relationship__slug=criteria.relationship)
    if criteria.categories:
        queryset = queryset.filter(category__in=list(criteria.categories))
    if criteria.raised_by is not None:
        queryset = queryset.filter(raised_by__contains=criteria.raised_by.upper())
    if criteria.search:
        text = criteria.search.strip()
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text)
        )
    if not criteria.include_archived:
        queryset = queryset.filter(archived_at__isnull=True)
    if criteria.updated_since is not None:
        queryset = queryset.filter(updated_at__gte=criteria.updated_since)
    if criteria.as_of is None:
        if criteria.statuses:
            queryset = queryset.filter(status__in=list(criteria.statuses))
        return queryset
    in_effect = issues_at_status_on(criteria.as_of, criteria.statuses)
    return queryset.filter(id__in=RawSQL(in_effect))


async def status_counts(
    relationship: str | None, as_of: date | None
) -> dict[IssueStatus, int]:
    """How many unarchived issues stand at each status (today, or on `as_of`)."""
    counts = dict.fromkeys(IssueStatus, 0)
    scope = Issue.filter(archived_at__isnull=True)
    if relationship is not None:
        scope = scope.filter(relationship__slug=relationship)
    if as_of is None:
        rows = (
            await scope.group_by("status").annotate(n=Count("id")).values("status", "n")
        )
        for row in rows:
            if row["status"] is not None:
                counts[IssueStatus(row["status"])] += row["n"]
        return counts
    counts.update(await status_counts_on(as_of, relationship))
    return counts


@dataclass(frozen=True)
class UpdateCriteria:
    """What the cross-issue update feed is filtered on."""

    relationship: str | None = None
    issue_id: int | None = None
    statuses: Sequence[IssueStatus] = ()
    occurred_from: date | None = None
    occurred_to: date | None = None
    verified: bool | None = None
    include_retracted: bool = False


def updates_matching(criteria: UpdateCriteria) -> QuerySet[StatusUpdate]:
    """The status updates meeting the criteria."""
    queryset = StatusUpdate.all()
    if criteria.relationship is not None:
        queryset = queryset.filter(issue__relationship__slug=criteria.relationship)
    if criteria.issue_id is not None:
        queryset = queryset.filter(issue_id=criteria.issue_id)
    if criteria.statuses:
        queryset = queryset.filter(status__in=list(criteria.statuses))
    if criteria.occurred_from is not None:
        queryset = queryset.filter(occurred_on__gte=criteria.occurred_from)
    if criteria.occurred_to is not None:
        queryset = queryset.filter(occurred_on__lte=criteria.occurred_to)
    if criteria.verified is not None:
        queryset = queryset.filter(verified=criteria.verified)
    if not criteria.include_retracted:
        queryset = queryset.filter(retracted_at__isnull=True)
    return queryset


@dataclass(frozen=True)
class MeetingCriteria:
    """What the meeting list is filtered on."""

    relationship: str | None = None
    issue_id: int | None = None
    held_from: date | None = None
    held_to: date | None = None
    search: str | None = None


def meetings_matching(criteria: MeetingCriteria) -> QuerySet[Meeting]:
    """The meetings meeting the criteria."""
    queryset = Meeting.all()
    if criteria.relationship is not None:
        queryset = queryset.filter(relationship__slug=criteria.relationship)
    if criteria.issue_id is not None:
        linked = MeetingIssue.filter(issue_id=criteria.issue_id).values("meeting_id")
        queryset = queryset.filter(id__in=Subquery(linked))
    if criteria.held_from is not None:
        queryset = queryset.filter(held_on__gte=criteria.held_from)
    if criteria.held_to is not None:
        queryset = queryset.filter(held_on__lte=criteria.held_to)
    if criteria.search:
        text = criteria.search.strip()
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text)
        )
    return queryset


@dataclass(frozen=True)
class PositionCriteria:
    """What the cross-issue position list is filtered on."""

    relationship: str | None = None
    issue_id: int | None = None
    country: str | None = None
    stated_from: date | None = None
    stated_to: date | None = None
    as_of: date | None = None
    latest_per_side: bool = False
    include_retracted: bool = False


# The latest live position of its side on its issue (by the day, if one is given).
_LATEST_OF_SIDE = """NOT EXISTS (
    SELECT 1 FROM position later
    WHERE later.issue_id = position.issue_id AND later.country = position.country
    AND later.retracted_at IS NULL {by_then}
    AND (later.stated_on > position.stated_on
         OR (later.stated_on = position.stated_on AND later.id > position.id))
)"""


def positions_matching(criteria: PositionCriteria) -> QuerySet[Position]:
    """The positions meeting the criteria."""
    queryset = Position.all()
    if criteria.relationship is not None:
        queryset = queryset.filter(issue__relationship__slug=criteria.relationship)
    if criteria.issue_id is not None:
        queryset = queryset.filter(issue_id=criteria.issue_id)
    if criteria.country is not None:
        queryset = queryset.filter(country=criteria.country)
    if criteria.stated_from is not None:
        queryset = queryset.filter(stated_on__gte=criteria.stated_from)
    if criteria.stated_to is not None:
        queryset = queryset.filter(stated_on__lte=criteria.stated_to)
    if criteria.as_of is not None:
        queryset = queryset.filter(stated_on__lte=criteria.as_of)
    if criteria.latest_per_side:
        return _latest_per_side(queryset, criteria.as_of)
    if not criteria.include_retracted:
        queryset = queryset.filter(retracted_at__isnull=True)
    return queryset


def _latest_per_side(
    queryset: QuerySet[Position], as_of: date | None
) -> QuerySet[Position]:
    # The day is a date object, so its ISO text is safe to write into the SQL.
    by_then = "" if as_of is None else f"AND later.stated_on <= '{as_of.isoformat()}'"
    latest = RawSQL(
        "(SELECT position.id FROM position WHERE position.retracted_at IS NULL AND "
        + _LATEST_OF_SIDE.format(by_then=by_then)
        + ")"
    )
    return queryset.filter(retracted_at__isnull=True, id__in=latest)
