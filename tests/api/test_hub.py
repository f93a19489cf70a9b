"""The hub of one process: every subscriber gets every entry once, in order."""

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
from tortoise.context import TortoiseContext

from api.live import hub as hub_module
from api.live.bus import LocalBus
from api.live.hub import Hub
from models.enums import IssueStatus
from models.feed import (
    BATCH,
    EVERYTHING,
    AnyFeedItem,
    FeedScope,
    latest_position,
    read_entries,
)
from models.status_operations import UpdateWritten, post_status_update
from tests.factories import make_issue
from tests.live import eventually

UPDATES = 12


async def post_many(hub: Hub, count: int) -> list[int]:
    """Post `count` updates to a new issue, publishing on the hub's bus."""
    issue = await make_issue(slug=f"issue-{count}")
    positions = []
    for day in range(1, count + 1):
        written = await post_status_update(
            issue.id,
            status=IssueStatus.IN_PROGRESS,
            occurred_on=f"2025-01-{day:02d}",
            note=f"Day {day}.",
            actor="editor",
            publish=hub.bus.publish,
        )
        positions.append(written.position)
    return [p for p in positions if p is not None]


async def post_unheard(slug: str, note: str) -> UpdateWritten:
    """Post an update to a new issue without waking any hub (its wake-up lost)."""
    issue = await make_issue(slug=slug)
    return await post_status_update(
        issue.id,
        status=IssueStatus.STALLED,
        occurred_on="2025-03-01",
        note=note,
        actor="editor",
    )


async def take(stream: AsyncGenerator[AnyFeedItem, None], count: int) -> list[int]:
    """The positions of the next `count` entries of a stream."""
    return [(await anext(stream)).position for _ in range(count)]


@pytest.fixture
async def hub(empty_db: TortoiseContext) -> AsyncIterator[Hub]:
    """A started hub on the in-process bus."""
    started = Hub(LocalBus(), poll_seconds=60)
    await started.start()
    yield started
    await started.stop()


async def test_a_subscriber_that_falls_behind_reads_the_rest_from_the_table(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a subscriber whose queue holds 3 entries, and which reads nothing yet
    monkeypatch.setattr(hub_module, "QUEUE_SIZE", 3)
    stream = hub.stream(EVERYTHING, after=None)
    first = asyncio.create_task(anext(stream))
    await eventually(lambda: len(hub.subscribers) == 1)

    # when 12 updates are fanned out to it
    positions = await post_many(hub, UPDATES)
    await eventually(lambda: hub.position == positions[-1])

    # then its queue overflowed, and it still gets all 12, in order, once each
    (subscriber,) = hub.subscribers
    assert subscriber.queue.qsize() <= 1
    assert [(await first).position, *await take(stream, UPDATES - 1)] == positions
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(stream), 0.2)
    await stream.aclose()
    assert hub.subscribers == set()


async def test_a_subscriber_resumes_from_a_position_without_a_repeat(
    hub: Hub,
) -> None:
    # given six updates, the third of which a client saw last
    positions = await post_many(hub, 6)

    # when it subscribes after the third, and three more are posted
    stream = hub.stream(EVERYTHING, after=positions[2])
    replayed = await take(stream, 3)
    later = await post_many(hub, 3)

    # then it gets the three it missed, then the three new ones, nothing twice
    assert replayed == positions[3:]
    assert await take(stream, 3) == later
    await stream.aclose()


async def test_an_entry_committed_before_the_hub_read_it_still_reaches_a_new_subscriber(
    hub: Hub,
) -> None:
    # given an update committed without waking the hub (its wake-up was lost)
    written = await post_unheard("quiet", "Quiet.")

    # when a client subscribes "from now"
    stream = hub.stream(EVERYTHING, after=None)

    # then it still gets that update: "now" is what the hub had handed out
    assert await take(stream, 1) == [written.position]
    await stream.aclose()


async def test_a_failed_read_is_retried_and_nothing_is_lost(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a subscriber, and a feed read that fails once
    stream = hub.stream(EVERYTHING, after=None)
    first = asyncio.create_task(anext(stream))
    await eventually(lambda: len(hub.subscribers) == 1)
    failures = [RuntimeError("connection reset")]

    async def flaky_read(
        after: int, scope: FeedScope | None = None, limit: int = BATCH
    ) -> list[AnyFeedItem]:
        if failures and scope is None:  # the hub's own read, not the stream's
            raise failures.pop()
        return await read_entries(after, scope or EVERYTHING, limit)

    monkeypatch.setattr(hub_module, "read_entries", flaky_read)
    monkeypatch.setattr(hub_module, "RETRY_SECONDS", 0.01)

    # when two updates are posted
    positions = await post_many(hub, 2)

    # then both still arrive once the read is retried
    assert [(await first).position, *await take(stream, 1)] == positions
    await stream.aclose()


@pytest.fixture
def hub_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The positions the hub itself read the feed's entries after."""
    reads: list[int] = []

    async def counted(
        after: int, scope: FeedScope | None = None, limit: int = BATCH
    ) -> list[AnyFeedItem]:
        if scope is None:  # the hub's own read, not a stream's
            reads.append(after)
        return await read_entries(after, scope or EVERYTHING, limit)

    monkeypatch.setattr(hub_module, "read_entries", counted)
    return reads


async def test_a_hub_without_subscribers_only_follows_the_feeds_end(
    hub: Hub, hub_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[int] = []

    async def latest() -> int:
        looked_up.append(1)
        return await latest_position()

    monkeypatch.setattr(hub_module, "latest_position", latest)

    # when updates are posted while nobody subscribes
    positions = await post_many(hub, 5)

    # then the hub keeps up with the positions announced, reading nothing
    await eventually(lambda: hub.position == positions[-1])
    assert hub_reads == []
    assert looked_up == []

    # and a wake-up that names no position has it look the feed's end up
    written = await post_unheard("quiet", "Quiet.")
    hub.wake()
    await eventually(lambda: hub.position == written.position)
    assert hub_reads == []
    assert len(looked_up) == 1

    # and a client subscribing "from now" gets what follows, and only that
    stream = hub.stream(EVERYTHING, after=None)
    first = asyncio.create_task(anext(stream))
    await eventually(lambda: len(hub.subscribers) == 1)
    later = await post_many(hub, 2)
    assert [(await first).position, *await take(stream, 1)] == later
    assert hub_reads != []
    await stream.aclose()


async def test_a_subscriber_joining_while_the_hub_follows_the_end_misses_nothing(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a hub looking up the feed's end with nobody subscribed, held there
    real = latest_position
    looking, release = asyncio.Event(), asyncio.Event()

    async def held() -> int:
        looking.set()
        await release.wait()
        return await real()

    monkeypatch.setattr(hub_module, "latest_position", held)
    hub.wake()
    await asyncio.wait_for(looking.wait(), 5)

    # when a client subscribes "from now" and has read the table, and only then
    # an update is committed (its wake-up lost) before the hub reads the end
    stream = hub.stream(EVERYTHING, after=None)
    first = asyncio.create_task(anext(stream))
    await eventually(lambda: len(hub.subscribers) == 1)
    await asyncio.sleep(0.05)
    written = await post_unheard("meanwhile", "Meanwhile.")
    release.set()

    # then the hub reads the entries for it instead of skipping past them
    assert (await asyncio.wait_for(first, 5)).position == written.position
    await stream.aclose()


async def test_a_replayed_entry_shows_its_issue_as_it_is_when_it_is_handed_out(
    hub: Hub,
) -> None:
    # given two updates of one issue, replayed from before the first
    positions = await post_many(hub, 2)
    stream = hub.stream(EVERYTHING, after=positions[0] - 1)
    first = await anext(stream)  # the replay has read both entries by now
    assert first.position == positions[0]

    # when the issue changes before the second is handed out
    issue_id = first.issue.pk
    later = await post_status_update(
        issue_id,
        status=IssueStatus.RESOLVED,
        occurred_on="2025-02-01",
        note="Resolved.",
        actor="editor",
    )

    # then the second shows the issue as it is now, not as the batch read it
    second = await anext(stream)
    assert second.position == positions[1]
    assert second.issue.status is IssueStatus.RESOLVED
    assert second.issue.version == later.issue.version
    await stream.aclose()
