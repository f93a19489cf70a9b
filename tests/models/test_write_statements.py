"""Writes cost a fixed, small number of SQL statements, whatever the history's size."""

from datetime import date, timedelta

import pytest
from tortoise.context import TortoiseContext

from models.data_generation import current_generation
from models.database import dialect
from models.enums import IssueStatus
from models.errors import VersionConflictError
from models.position_operations import Statement, record_position
from models.status_operations import post_status_update, retract_status_update
from models.validation import Source
from tests.conftest import QueryCounter
from tests.factories import make_issue
from tests.snapshots import snapshot

# Per write, on SQLite: lock (with the key lookup), insert, version and status, key,
# feed entry, data generation; and read update, lock, retract, version and status,
# feed entry, data generation. PostgreSQL ends each write with one statement that
# bumps the version, stores the key, moves the generation on and adds the entry.
STATEMENTS = {"sqlite": [6, 6], "postgres": [3, 4]}
SAID = Statement(
    country="IN",
    stated_on="2025-01",
    speaker="A spokesperson",
    statement="It must be resolved.",
    quote="It must be resolved.",
    source=Source(url="https://example.org/said"),
)


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

    # then both cost the same, few statements
    expected = STATEMENTS[dialect()]
    assert counts == {"short": expected, "long": expected}


async def test_a_write_moves_the_generation_on_once_in_its_last_statement(
    empty_db: TortoiseContext, sql_queries: QueryCounter
) -> None:
    # given an issue
    issue = await make_issue()
    before = await current_generation()

    # when an update is posted and a position recorded, each with a key
    for write in range(2):
        sql_queries.statements.clear()
        if write == 0:
            await post_status_update(
                issue.id,
                status=IssueStatus.STALLED,
                occurred_on="2025-01-01",
                note="Stalled.",
                idempotency_key="post",
                actor="editor",
            )
        else:
            await record_position(
                issue.id, SAID, idempotency_key="said", actor="editor"
            )

        # then one statement moves the generation on, the last, after the entry
        generation = [s for s in sql_queries.statements if "data_generation" in s]
        assert generation == [sql_queries.statements[-1]]
        assert "feed_entry" in " ".join(sql_queries.statements[-2:])
        assert "pg_advisory" not in " ".join(sql_queries.statements)
    assert await current_generation() == before + 2


async def test_a_refused_write_sends_no_write_and_leaves_the_generation(
    empty_db: TortoiseContext, sql_queries: QueryCounter
) -> None:
    # given an issue at version 2
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    before, generation = await snapshot(), await current_generation()
    sql_queries.statements.clear()

    # when a post based on version 1 is refused
    with pytest.raises(VersionConflictError) as refused:
        await post_status_update(
            issue.id,
            status=IssueStatus.STALLED,
            occurred_on="2025-01-01",
            note="Stale.",
            expected_version=1,
            idempotency_key="stale",
            actor="editor",
        )

    # then it only read: the lock, then the key again before refusing
    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert [s.split()[0] for s in sql_queries.statements] == ["SELECT", "SELECT"]
    assert await snapshot() == before
    assert await current_generation() == generation
