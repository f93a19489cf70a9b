"""Time travel over histories: the status each issue had on a given day."""

from collections.abc import Sequence
from datetime import date

from models.enums import IssueStatus
from models.sql import Statement

# The update in effect on a day is the live one with no live successor by then.
_IN_EFFECT = """
SELECT su.issue_id AS issue_id, su.status AS status
FROM status_update su
JOIN issue i ON i.id = su.issue_id
WHERE su.retracted_at IS NULL AND su.occurred_on <= {day} {scope}
AND NOT EXISTS (
    SELECT 1 FROM status_update later
    WHERE later.issue_id = su.issue_id AND later.retracted_at IS NULL
    AND later.occurred_on <= {day_again}
    AND (later.occurred_on > su.occurred_on
         OR (later.occurred_on = su.occurred_on AND later.id > su.id))
)
"""


async def statuses_on(
    day: date,
    *,
    issue_ids: Sequence[int] | None = None,
    relationship_id: int | None = None,
) -> dict[int, IssueStatus]:
    """Each issue's status on `day`; issues with no update by then are absent."""
    statement = Statement()
    day_marker = statement.param(day)
    scope = ""
    if issue_ids is not None:
        if not issue_ids:
            return {}
        scope += f" AND su.issue_id IN ({statement.params(issue_ids)})"
    if relationship_id is not None:
        scope += f" AND i.relationship_id = {statement.param(relationship_id)}"
    again = statement.param(day)
    sql = _IN_EFFECT.format(day=day_marker, scope=scope, day_again=again)
    rows = await statement.fetch(sql)
    return {row["issue_id"]: IssueStatus(row["status"]) for row in rows}


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
