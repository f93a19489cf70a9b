"""The status a history gives: now, on a given day, and just before each update.

The current status is that of the latest non-retracted update ordered by
(occurred_on, id): a partial date takes effect at its first day, and ties fall to
the order in which updates were recorded. Time travel applies the same rule to the
updates that had occurred by a given day.
"""

from collections.abc import Sequence
from datetime import date

from models.enums import IssueStatus
from models.sql import Statement
from models.status_update import StatusUpdate


def derive_status(
    updates_in_recorded_order: Sequence[StatusUpdate],
) -> IssueStatus | None:
    """The status in effect after these updates, or None when none counts."""
    live = [
        (update.occurred_on, position, update.status)
        for position, update in enumerate(updates_in_recorded_order)
        if update.retracted_at is None
    ]
    if not live:
        return None
    return max(live)[2]


def current_status_sql(statement: Statement, issue_id: int) -> str:
    """The same rule as derive_status, as a subquery of `statement` (NULL for no
    live update), so a write can set the status in the statement that bumps the
    version."""
    return (
        "(SELECT status FROM status_update WHERE issue_id = "
        f"{statement.param(issue_id)} AND retracted_at IS NULL "
        "ORDER BY occurred_on DESC, id DESC LIMIT 1)"
    )


async def current_status(issue_id: int) -> IssueStatus | None:
    """The same rule as derive_status, read from the table in one statement."""
    statement = Statement()
    subquery = current_status_sql(statement, issue_id)
    rows = await statement.fetch(f"SELECT {subquery} AS status")
    status = rows[0]["status"]
    return IssueStatus(status) if status else None


# The status in effect on a day, for the issue `{issue}`: that of its latest live
# update by then, in history order. One index probe per issue (issue_id,
# occurred_on, id): the one rule every time-travel statement below is built on.
_STATUS_ON = """(SELECT su.status FROM status_update su
WHERE su.issue_id = {issue} AND su.retracted_at IS NULL AND su.occurred_on <= {day}
ORDER BY su.occurred_on DESC, su.id DESC LIMIT 1)"""


async def statuses_on(
    day: date,
    *,
    issue_ids: Sequence[int] | None = None,
    relationship_id: int | None = None,
) -> dict[int, IssueStatus]:
    """Each issue's status on `day`; issues with no update by then are absent."""
    statement = Statement()
    status = _STATUS_ON.format(issue="i.id", day=statement.param(day))
    where = ""
    if issue_ids is not None:
        if not issue_ids:
            return {}
        where += f" AND i.id IN ({statement.params(issue_ids)})"
    if relationship_id is not None:
        where += f" AND i.relationship_id = {statement.param(relationship_id)}"
    rows = await statement.fetch(
        f"SELECT i.id AS issue_id, {status} AS status FROM issue i WHERE 1 = 1{where}"
    )
    return {
        row["issue_id"]: IssueStatus(row["status"]) for row in rows if row["status"]
    }


def issues_at_status_on(day: date, statuses: Sequence[IssueStatus] = ()) -> str:
    """A subquery of the ids of the issues whose status on `day` is one of
    `statuses` (any, when empty), to filter an issue query by, in one statement.

    The day and the statuses are written into the SQL: a `date` and members of
    IssueStatus can only render as an ISO date and an enum value.
    """
    status = _STATUS_ON.format(issue="i.id", day=f"'{date.isoformat(day)}'")
    if statuses:
        values = ", ".join(f"'{IssueStatus(each).value}'" for each in statuses)
        return f"(SELECT i.id FROM issue i WHERE {status} IN ({values}))"
    return f"(SELECT i.id FROM issue i WHERE {status} IS NOT NULL)"


async def status_counts_on(
    day: date, relationship_slug: str | None = None
) -> dict[IssueStatus, int]:
    """How many unarchived issues stood at each status on `day`, counted in one
    statement (issues with no update by then are not counted)."""
    statement = Statement()
    status = _STATUS_ON.format(issue="i.id", day=statement.param(day))
    where = "i.archived_at IS NULL"
    if relationship_slug is not None:
        where += (
            " AND i.relationship_id IN (SELECT r.id FROM relationship r "
            f"WHERE r.slug = {statement.param(relationship_slug)})"
        )
    rows = await statement.fetch(
        f"SELECT status, COUNT(*) AS n FROM (SELECT {status} AS status FROM issue i "
        f"WHERE {where}) on_day WHERE status IS NOT NULL GROUP BY status"
    )
    return {IssueStatus(row["status"]): int(row["n"]) for row in rows}


_PREVIOUS = """
SELECT su.id AS id, (
    SELECT p.status FROM status_update p
    WHERE p.issue_id = su.issue_id AND p.retracted_at IS NULL
    AND (p.occurred_on < su.occurred_on
         OR (p.occurred_on = su.occurred_on AND p.id < su.id))
    ORDER BY p.occurred_on DESC, p.id DESC
    LIMIT 1
) AS previous_status
FROM status_update su
WHERE su.id IN ({ids})
"""


async def previous_statuses(update_ids: Sequence[int]) -> dict[int, IssueStatus | None]:
    """For each update, the status in effect just before it in history order."""
    if not update_ids:
        return {}
    statement = Statement()
    rows = await statement.fetch(_PREVIOUS.format(ids=statement.params(update_ids)))
    return {
        row["id"]: IssueStatus(row["previous_status"])
        if row["previous_status"]
        else None
        for row in rows
    }
