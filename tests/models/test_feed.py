"""The update feed: one entry per recording and retraction, in commit order."""

import asyncio
import random
from datetime import date
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models import status_operations
from models.enums import FeedKind, IssueStatus
from models.errors import InvalidInputError, NotFoundError
from models.feed import (
    FeedScope,
    finish_with_entry,
    latest_position,
    position_of,
    read_feed,
    record_missing_entries,
)
from models.feed_entry import FeedEntry
from models.relationship import Relationship
from models.status_operations import (
    UpdateWritten,
    post_status_update,
    retract_status_update,
)
from models.status_update import StatusUpdate
from tests.factories import make_issue, make_update
from tests.snapshots import snapshot

WRITERS = 20


async def post(
    issue_id: int, day: str, status: IssueStatus = IssueStatus.STALLED
) -> UpdateWritten:
    """An editor's update with a plain note."""
    return await post_status_update(
        issue_id, status=status, occurred_on=day, note="Reported.", actor="editor"
    )


def feed_position(written: UpdateWritten) -> int:
    """The feed position of a committed write (every write has one)."""
    assert written.position is not None
    return written.position


async def entries() -> list[tuple[int, FeedKind, int, int, int]]:
    """Every feed entry as (position, kind, update, issue, relationship)."""
    return (
        await FeedEntry.all()
        .order_by("id")
        .values_list("id", "kind", "update_id", "issue_id", "relationship_id")
    )


async def test_posting_and_retracting_append_entries_in_order(
    empty_db: TortoiseContext,
) -> None:
    # given an issue
    issue = await make_issue()

    # when two updates are posted and the first is retracted
    first = await post(issue.id, "2025-01-01")
    second = await post(issue.id, "2025-02-01")
    retracted = await retract_status_update(
        first.update.id, reason="Wrong.", actor="editor"
    )

    # then the feed holds three entries, numbered as they committed
    rel = issue.relationship_id
    assert await entries() == [
        (first.position, FeedKind.RECORDED, first.update.id, issue.id, rel),
        (second.position, FeedKind.RECORDED, second.update.id, issue.id, rel),
        (retracted.position, FeedKind.RETRACTED, first.update.id, issue.id, rel),
    ]
    assert [e[0] for e in await entries()] == sorted(e[0] for e in await entries())
    assert await latest_position() == retracted.position


async def test_a_refused_write_appends_nothing(empty_db: TortoiseContext) -> None:
    # given an issue with one update
    issue = await make_issue()
    await post(issue.id, "2025-01-01")
    before = await snapshot()

    # when a post is refused (a date in the future)
    with pytest.raises(InvalidInputError):
        await post(issue.id, "2999-01-01")

    # then the feed is unchanged
    assert await snapshot() == before


async def test_reading_the_feed_returns_the_rows_a_subscriber_shows(
    empty_db: TortoiseContext,
) -> None:
    # given an update that was recorded and then retracted
    issue = await make_issue(history=[(date(2024, 6, 1), IssueStatus.PROPOSED)])
    written = await post(issue.id, "2025-01-01", IssueStatus.RESOLVED)
    await retract_status_update(written.update.id, reason="Wrong.", actor="editor")

    # when the feed is read from the start
    items = await read_feed(0)

    # then both entries show the update as it stands now, with its previous status
    assert [(i.kind, i.update.id, i.issue.id) for i in items] == [
        (FeedKind.RECORDED, written.update.id, issue.id),
        (FeedKind.RETRACTED, written.update.id, issue.id),
    ]
    assert all(i.update.retracted_at is not None for i in items)
    assert [i.previous_status for i in items] == [IssueStatus.PROPOSED] * 2


async def test_reading_after_a_position_pages_and_narrows(
    empty_db: TortoiseContext,
) -> None:
    # given two issues in two relationships, with three updates each
    nepal = await Relationship.create(
        slug="india-nepal", name="India-Nepal", countries=["IN", "NP"]
    )
    china_issue = await make_issue(slug="flights")
    nepal_issue = await make_issue(slug="rivers", relationship=nepal)
    written = [
        await post(issue.id, f"2025-01-0{day}")
        for day in (1, 2, 3)
        for issue in (china_issue, nepal_issue)
    ]
    positions = [feed_position(w) for w in written]

    # when the feed is read in pages of two, and by scope
    first_page = await read_feed(0, limit=2)
    second_page = await read_feed(first_page[-1].position, limit=2)
    nepal_only = await read_feed(0, FeedScope(relationship_id=nepal.id))
    flights_after = await read_feed(positions[0], FeedScope(issue_id=china_issue.id))

    # then each read returns exactly its entries, oldest first
    assert [i.position for i in first_page] == positions[:2]
    assert [i.position for i in second_page] == positions[2:4]
    assert [i.position for i in nepal_only] == positions[1::2]
    assert [i.position for i in flights_after] == positions[2::2]
    assert FeedScope(issue_id=nepal_issue.id).includes(nepal_only[0])
    assert not FeedScope(issue_id=china_issue.id).includes(nepal_only[0])


async def test_position_of_names_where_an_update_was_recorded(
    empty_db: TortoiseContext,
) -> None:
    # given an update posted through the operations, and one written directly
    issue = await make_issue()
    written = await post(issue.id, "2025-01-01")
    direct = await make_update(issue, date(2024, 1, 1), IssueStatus.PROPOSED)

    # when their positions are asked for
    # then the posted one has its entry; the direct one counts as before the feed
    assert await position_of(written.update.id) == written.position
    assert await position_of(direct.id) == 0
    with pytest.raises(NotFoundError) as refused:
        await position_of(direct.id + 100)
    assert (refused.value.field, refused.value.kind) == ("after", "StatusUpdate")


async def test_updates_written_outside_the_operations_are_entered_once(
    empty_db: TortoiseContext,
) -> None:
    # given two updates written directly (as seeds do), the second retracted
    issue = await make_issue()
    kept = await make_update(issue, date(2024, 1, 1), IssueStatus.PROPOSED)
    gone = await make_update(issue, date(2024, 2, 1), IssueStatus.STALLED)
    await StatusUpdate.filter(id=gone.id).update(retracted_at=gone.recorded_at)

    # when the missing entries are recorded, twice
    await record_missing_entries()
    await record_missing_entries()

    # then each recording and the retraction are entered once, in that order
    assert [entry[1:3] for entry in await entries()] == [
        (FeedKind.RECORDED, kept.id),
        (FeedKind.RECORDED, gone.id),
        (FeedKind.RETRACTED, gone.id),
    ]


@pytest.mark.postgres_only  # SQLite runs one transaction at a time
@pytest.mark.commits  # concurrent writers on connections of their own
async def test_positions_become_visible_in_increasing_order(
    empty_db: TortoiseContext,
) -> None:
    # given 20 issues, and a reader that keeps reading after the last position seen
    issues = [await make_issue(slug=f"issue-{n}") for n in range(WRITERS)]
    seen: list[int] = []
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set() or (await latest_position()) > (seen or [0])[-1]:
            seen.extend(i.position for i in await read_feed(seen[-1] if seen else 0))
            await asyncio.sleep(0)

    # when 20 writers post to different issues at once while it reads
    reading = asyncio.create_task(reader())
    written = await asyncio.gather(*(post(i.id, "2025-01-01") for i in issues))
    done.set()
    await reading

    # then the reader saw every position, each once, never one below a later one
    assert seen == sorted(feed_position(w) for w in written)


@pytest.mark.postgres_only  # SQLite runs one transaction at a time
@pytest.mark.commits  # concurrent writers on connections of their own
async def test_positions_stay_in_commit_order_when_commits_are_slow(
    empty_db: TortoiseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given writers that each wait a little after adding their entry, before
    # committing, and a reader that keeps a copy of every position it sees
    issues = [await make_issue(slug=f"issue-{n}") for n in range(WRITERS)]
    snapshots: list[list[int]] = []
    done = asyncio.Event()

    async def slow_to_commit(*args: Any, **kwargs: Any) -> int:
        position = await finish_with_entry(*args, **kwargs)
        await asyncio.sleep(random.uniform(0, 0.01))
        return position

    async def reader() -> None:
        while not done.is_set():
            snapshots.append(await _positions())
            await asyncio.sleep(0)

    monkeypatch.setattr(status_operations, "finish_with_entry", slow_to_commit)

    # when 20 writers post to different issues at once while it reads
    reading = asyncio.create_task(reader())
    written = await asyncio.gather(*(post(i.id, "2025-01-01") for i in issues))
    done.set()
    await reading

    # then every copy holds every position below the highest it holds
    final = sorted(feed_position(w) for w in written)
    assert await _positions() == final
    assert len(snapshots) > 1
    for seen in snapshots:
        assert seen == [p for p in final if p <= max(seen, default=0)]


async def _positions() -> list[int]:
    found = await FeedEntry.all().order_by("id").values_list("id", flat=True)
    return [int(position) for position in found]  # type: ignore[call-overload]
