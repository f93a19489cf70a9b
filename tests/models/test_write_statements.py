"""Writes cost a fixed, small number of SQL statements, whatever the history's size."""

from datetime import date, timedelta

from tortoise.context import TortoiseContext

from models.database import dialect
from models.enums import IssueStatus
from models.status_operations import post_status_update, retract_status_update
from tests.conftest import QueryCounter
from tests.factories import make_issue


async def test_posting_and_retracting_cost_the_same_for_long_histories(
    empty_db: TortoiseContext, sql_queries: QueryCounter
) -> None:
    # given an issue with 3 updates and one with 60
    start = date(2020, 1, 1)
    short = await make_issue(
        slug="short",
        history=[(start + timedelta(days=i), IssueStatus.PROPOSED) for i in range(3)],
    )
    long = await make_issue(
        slug="long",
        history=[(start + timedelta(days=i), IssueStatus.STALLED) for i in range(60)],
    )
    counts: dict[str, list[int]] = {}

    # when each gets an update (with an idempotency key) that is then retracted
    for issue in (short, long):
        sql_queries.statements.clear()
        posted = await post_status_update(
            issue.id,
            status=IssueStatus.RESOLVED,
            occurred_on="2025-01",
            note="Done.",
            idempotency_key=f"post-{issue.slug}",
            actor="editor",
        )
        after_post = sql_queries.count
        await retract_status_update(posted.update.id, reason="Wrong.", actor="editor")
        counts[issue.slug] = [after_post, sql_queries.count - after_post]

    # then both cost the same: lock, key lookup, insert, status, version, key,
    # feed entry, data generation; and read update, lock, retract, status,
    # version, feed entry, data generation; PostgreSQL adds the advisory lock
    # that orders feed positions to each
    ordering = 1 if dialect() == "postgres" else 0
    assert counts == {
        "short": [8 + ordering, 7 + ordering],
        "long": [8 + ordering, 7 + ordering],
    }
