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


# The update in effect on a day is the live one with no live successor by then:
# the one rule every time-travel statement below is built on.
_IN_EFFECT_ON = """su.retracted_at IS NULL AND su.occurred_on <= {day}
AND NOT EXISTS (
    SELECT 1 FROM status_update later
    WHERE later.issue_id = su.issue_id AND later.retracted_at IS NULL
    AND later.occurred_on <= {day_again}
    AND (later.occurred_on > su.occurred_on
         OR (later.occurred_on = su.occurred_on AND later.id > su.id))
)"""


def _in_effect_on(statement: Statement, day: date) -> str:
    """The rule, with the day as a parameter of `statement` (it appears twice)."""
    return _IN_EFFECT_ON.format(
        day=statement.param(day), day_again=statement.param(day)
    )


async def statuses_on(
    day: date,
    *,
    issue_ids: Sequence[int] | None = None,
    relationship_id: int | None = None,
) -> dict[int, IssueStatus]:
    """Each issue's status on `day`; issues with no update by then are absent."""
    statement = Statement()
    where = _in_effect_on(statement, day)
    if issue_ids is not None:
        if not issue_ids:
            return {}
        where += f" AND su.issue_id IN ({statement.params(issue_ids)})"
    if relationship_id is not None:
        where += f" AND i.relationship_id = {statement.param(relationship_id)}"
    rows = await statement.fetch(
        "SELECT su.issue_id AS issue_id, su.status AS status FROM status_update su "
        f"JOIN issue i ON i.id = su.issue_id WHERE {where}"
    )
    return {row["issue_id"]: IssueStatus(row["status"]) for row in rows}


def issues_at_status_on(day: date, statuses: Sequence[IssueStatus] = ()) -> str:
    """A subquery of the ids of the issues whose status on `day` is one of
    `statuses` (any, when empty), to filter an issue query by, in one statement.

    The day and the statuses are written into the SQL: a `date` and members of
    IssueStatus can only render as an ISO date and an enum value.
    """
    literal = f"'{date.isoformat(day)}'"
    where = _IN_EFFECT_ON.format(day=literal, day_again=literal)
    if statuses:
        values = ", ".join(f"'{IssueStatus(status).value}'" for status in statuses)
        where += f" AND su.status IN ({values})"
    return f"(SELECT su.issue_id FROM status_update su WHERE {where})"


async def status_counts_on(
    day: date, relationship_slug: str | None = None
) -> dict[IssueStatus, int]:
    """How many unarchived issues stood at each status on `day`, counted in one
    statement (issues with no update by then are not counted)."""
    statement = Statement()
    where = _in_effect_on(statement, day) + " AND i.archived_at IS NULL"
    if relationship_slug is not None:
        where += (
            " AND i.relationship_id IN (SELECT r.id FROM relationship r "
            f"WHERE r.slug = {statement.param(relationship_slug)})"
        )
    rows = await statement.fetch(
        "SELECT su.status AS status, COUNT(*) AS n FROM status_update su "
        f"JOIN issue i ON i.id = su.issue_id WHERE {where} GROUP BY su.status"
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
