"""Concurrent writers on one issue: nothing lost or doubled, one winner per version.

On PostgreSQL the calls run on separate pooled connections and really overlap; the
row lock and the compare-and-set version update keep them apart. SQLite admits one
writer at a time.
"""

import asyncio
from datetime import date
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models import status_operations
from models.derived_status import current_status
from models.enums import IssueStatus
from models.errors import VersionConflictError
from models.feed import finish_with_entry
from models.issue import Issue
from models.status_operations import UpdateWritten, post_status_update
from models.status_update import StatusUpdate
from tests.conftest import EventRecorder
from tests.factories import make_issue

# Several connections write at once: each test needs real commits.
pytestmark = pytest.mark.commits

CALLS = 20
STATUSES = list(IssueStatus)


async def post(issue: Issue, index: int, **extra: object) -> UpdateWritten:
    """One editor's update, dated index days into 2025."""
    return await post_status_update(
        issue.id,
        status=STATUSES[index % len(STATUSES)],
        occurred_on=f"2025-01-{index + 1:02d}",
        note=f"Report {index}",
        actor="editor",
        **extra,  # type: ignore[arg-type]
    )


async def test_concurrent_updates_are_all_kept(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue with one update, at version 2
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])

    # when 20 editors post at once, each with their own idempotency key
    results = await asyncio.gather(
        *(
            post(issue, index, idempotency_key=f"key-{index}", publish=events)
            for index in range(CALLS)
        )
    )

    # then every update is stored once, the version moved by exactly 20, and the
    # current status is that of the latest update
    stored = await Issue.get(id=issue.id)
    updates = await StatusUpdate.filter(issue_id=issue.id).order_by("id")
    assert len(updates) == 1 + CALLS
    assert sorted(result.issue.version for result in results) == list(
        range(3, 3 + CALLS)
    )
    assert stored.version == 2 + CALLS
    latest = max(updates, key=lambda update: (update.occurred_on, update.id))
    assert latest.occurred_on == date(2025, 1, CALLS)
    assert stored.status == latest.status == await current_status(issue.id)
    assert len(events.events) == CALLS


async def test_concurrent_updates_on_one_version_have_one_winner(
    empty_db: TortoiseContext, events: EventRecorder
) -> None:
    # given an issue at version 2
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])

    # when 20 editors post at once, all having read version 2
    outcomes = await asyncio.gather(
        *(
            post(issue, index, expected_version=2, publish=events)
            for index in range(CALLS)
        ),
        return_exceptions=True,
    )

    # then exactly one wins and 19 are told the issue is now at version 3
    winners = [o for o in outcomes if isinstance(o, UpdateWritten)]
    conflicts = [o for o in outcomes if isinstance(o, VersionConflictError)]
    assert len(winners) == 1
    assert len(conflicts) == CALLS - 1
    assert {(c.expected, c.current) for c in conflicts} == {(2, 3)}
    stored = await Issue.get(id=issue.id)
    assert stored.version == 3
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert stored.status == winners[0].update.status
    assert len(events.events) == 1


async def test_a_retry_sent_while_its_first_call_commits_replays_it(
    empty_db: TortoiseContext, monkeypatch: pytest.MonkeyPatch, events: EventRecorder
) -> None:
    # given an issue at version 2, and a first call that is slow to commit, so
    # that its retry waits for the issue's lock while it finishes
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    finishing: list[int] = []

    async def slow_first(*args: Any, **kwargs: Any) -> int:
        finishing.append(1)
        if len(finishing) == 1:
            await asyncio.sleep(0.2)
        return await finish_with_entry(*args, **kwargs)

    monkeypatch.setattr(status_operations, "finish_with_entry", slow_first)

    # when the same call (key and expected version) is sent twice at once
    first, retry = await asyncio.gather(
        post(issue, 1, expected_version=2, idempotency_key="once", publish=events),
        post(issue, 1, expected_version=2, idempotency_key="once", publish=events),
    )

    # then the retry replays the first call's update instead of refusing it
    assert (first.replayed, retry.replayed) == (False, True)
    assert first.update.id == retry.update.id
    assert await StatusUpdate.filter(issue_id=issue.id).count() == 2
    assert (await Issue.get(id=issue.id)).version == 3
    assert len(events.events) == 1
