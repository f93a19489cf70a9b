"""The hub of one process: reads the feed once, hands each entry to its subscribers.

Subscribers never miss an entry and never see one twice. A new subscriber registers
first, then reads the table from its starting position; whatever the hub hands it
meanwhile waits in its queue and is skipped if the table read already returned it.
A subscriber that falls too far behind drops its queue and reads the table again
from its own position, so a slow client costs memory only up to its queue size.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator

from api.bus import EventBus
from models.feed import BATCH, FeedItem, FeedScope, latest_position, read_feed

logger = logging.getLogger("bilateral.hub")

QUEUE_SIZE = 1000
RETRY_SECONDS = 1.0


class Subscriber:
    """One live stream's queue of entries handed over by the hub."""

    def __init__(self, scope: FeedScope) -> None:
        self.scope = scope
        self.queue: asyncio.Queue[FeedItem | None] = asyncio.Queue(QUEUE_SIZE + 1)
        self.lagging = False

    def offer(self, item: FeedItem) -> None:
        """Queue an entry in scope; on overflow, ask the stream to re-read the table."""
        if self.lagging or not self.scope.includes(item):
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            self.restart()
            self.lagging = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(item)

    def restart(self) -> None:
        """Forget the queue: the stream is about to read the table instead."""
        self.lagging = False
        while not self.queue.empty():
            self.queue.get_nowait()


class Hub:
    """Wakes on the bus (or every `poll_seconds`), reads the feed, fans it out."""

    def __init__(self, bus: EventBus, poll_seconds: float = 5.0) -> None:
        self.bus = bus
        self.poll_seconds = poll_seconds
        self.position = 0
        self.subscribers: set[Subscriber] = set()
        self._woken = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def start(self) -> None:
        """Start listening, once; later calls return at once."""
        async with self._starting:
            if self._pump is not None:
                return
            self.position = await latest_position()
            await self.bus.start(self.wake)
            self._pump = asyncio.create_task(self._run(), name="bilateral-hub")

    async def stop(self) -> None:
        """Stop listening; streams already open end with their connections."""
        await self.bus.stop()
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
            self._pump = None

    def wake(self) -> None:
        """The feed may have moved: read it."""
        self._woken.set()

    async def stream(
        self, scope: FeedScope, after: int | None
    ) -> AsyncGenerator[FeedItem, None]:
        """Entries in scope after `after` (or from now), oldest first, endlessly."""
        await self.start()
        subscriber = Subscriber(scope)
        self.subscribers.add(subscriber)
        try:
            # "From now" is from what the hub had handed out when this subscriber
            # joined: everything later reaches its queue or the table read below.
            cursor = self.position if after is None else after
            while True:
                subscriber.restart()
                async for stored in _table_after(cursor, scope):
                    cursor = stored.position
                    yield stored
                while (live := await subscriber.queue.get()) is not None:
                    if live.position > cursor:
                        cursor = live.position
                        yield live
        finally:
            self.subscribers.discard(subscriber)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.poll_seconds)
            self._woken.clear()
            try:
                await self._fan_out()
            except Exception:
                logger.exception("Reading the update feed failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                self.wake()

    async def _fan_out(self) -> None:
        while batch := await read_feed(self.position):
            for item in batch:
                for subscriber in list(self.subscribers):
                    subscriber.offer(item)
            self.position = batch[-1].position
            if len(batch) < BATCH:
                return


async def _table_after(cursor: int, scope: FeedScope) -> AsyncIterator[FeedItem]:
    while batch := await read_feed(cursor, scope):
        for item in batch:
            yield item
        cursor = batch[-1].position
        if len(batch) < BATCH:
            return
