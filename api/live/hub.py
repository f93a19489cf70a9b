"""The hub of one process: reads the feed once, hands each entry to its subscribers.
With none, it only follows the feed's end: the position a write announced, or
one statement when none was.

Subscribers never miss an entry and never see one twice. A new subscriber registers
first, then reads the table from its starting position; whatever the hub hands it
meanwhile waits in its queue and is skipped if the table read already returned it.
A subscriber that falls too far behind drops its queue and reads the table again
from its own position, so a slow client costs memory only up to its queue size.

A stream opened with a token ends with TokenRevokedError as soon as the hub hears
that the token was revoked: from the bus at once, or from its own check of the
tokens of its streams every `token_check_seconds`, whichever comes first.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator

from api.live.bus import EventBus
from api.observability import metrics
from models.feed import (
    BATCH,
    AnyFeedItem,
    FeedScope,
    latest_position,
    read_entries,
    with_issue_now,
)
from models.tokens import revoked_among

logger = logging.getLogger("bilateral.hub")

QUEUE_SIZE = 1000
RETRY_SECONDS = 1.0


class TokenRevokedError(Exception):
    """The token a stream was opened with has been revoked."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Subscriber:
    """One live stream's queue of entries handed over by the hub."""

    def __init__(self, scope: FeedScope, owner: str | None = None) -> None:
        self.scope = scope
        self.owner = owner
        self.queue: asyncio.Queue[AnyFeedItem | None] = asyncio.Queue(QUEUE_SIZE + 1)
        self.lagging = False
        self.revoked = False

    def offer(self, item: AnyFeedItem) -> None:
        """Queue an entry in scope; on overflow, ask the stream to re-read the table."""
        if self.lagging or self.revoked or not self.scope.includes(item):
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            metrics.EVENTS_DROPPED.inc(self.queue.qsize())
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

    def end(self) -> None:
        """The owner's token is revoked: wake the stream so that it ends."""
        self.revoked = True
        self.restart()
        self.queue.put_nowait(None)

    def check(self) -> None:
        """Raise TokenRevokedError once the owner's token is revoked."""
        if self.revoked:
            assert self.owner is not None
            raise TokenRevokedError(self.owner)


class Hub:
    """Wakes on the bus (or every `poll_seconds`), reads the feed, fans it out."""

    def __init__(
        self,
        bus: EventBus,
        poll_seconds: float = 5.0,
        token_check_seconds: float = 1.0,
    ) -> None:
        self.bus = bus
        self.poll_seconds = poll_seconds
        self.token_check_seconds = token_check_seconds
        self.position = 0
        self.subscribers: set[Subscriber] = set()
        self._woken = asyncio.Event()
        # Since the last read: the newest position announced, and whether a
        # wake-up (or the periodic check) came without one.
        self._heard = 0
        self._blind = False
        self._pump: asyncio.Task[None] | None = None
        self._token_watch: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def start(self) -> None:
        """Start listening, once; later calls return at once."""
        async with self._starting:
            if self._pump is not None:
                return
            self.position = await latest_position()
            await self.bus.start(self.wake, self.revoke)
            self._pump = asyncio.create_task(self._run(), name="bilateral-hub")
            self._token_watch = asyncio.create_task(
                self._watch_tokens(), name="bilateral-token-watch"
            )

    async def stop(self) -> None:
        """Stop listening; streams already open end with their connections."""
        await self.bus.stop()
        for task in (self._pump, self._token_watch):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._pump = self._token_watch = None

    def wake(self, position: int | None = None) -> None:
        """The feed may have moved (to `position`, when announced): read it."""
        if position is None:
            self._blind = True
        else:
            self._heard = max(self._heard, position)
        self._woken.set()

    def revoke(self, name: str) -> None:
        """End every stream opened with the token of this name."""
        for subscriber in list(self.subscribers):
            if subscriber.owner == name and not subscriber.revoked:
                subscriber.end()

    async def stream(
        self, scope: FeedScope, after: int | None, owner: str | None = None
    ) -> AsyncGenerator[AnyFeedItem, None]:
        """Entries in scope after `after` (or from now), oldest first, endlessly.

        With an `owner` (a token's name), it ends with TokenRevokedError once that
        token is revoked.
        """
        await self.start()
        subscriber = Subscriber(scope, owner)
        self.subscribers.add(subscriber)
        metrics.SUBSCRIPTIONS.inc()
        try:
            # "From now" is from what the hub had handed out when this subscriber
            # joined: everything later reaches its queue or the table read below.
            cursor = self.position if after is None else after
            while True:
                subscriber.check()
                subscriber.restart()
                async for stored in _table_after(cursor, scope):
                    subscriber.check()
                    cursor = stored.position
                    metrics.EVENTS_DELIVERED.inc()
                    yield stored
                while (live := await subscriber.queue.get()) is not None:
                    if live.position > cursor:
                        cursor = live.position
                        metrics.EVENTS_DELIVERED.inc()
                        yield live
        finally:
            metrics.SUBSCRIPTIONS.dec()
            self.subscribers.discard(subscriber)

    async def _watch_tokens(self) -> None:
        """The fallback for a lost announcement: look the owners' tokens up."""
        while True:
            await asyncio.sleep(self.token_check_seconds)
            owners = {s.owner for s in self.subscribers if s.owner and not s.revoked}
            if not owners:
                continue
            try:
                revoked = await revoked_among(owners)
            except Exception:
                logger.exception("Checking the tokens of open streams failed")
                continue
            for name in revoked:
                self.revoke(name)

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._woken.wait(), self.poll_seconds)
            except TimeoutError:
                self._blind = True  # the periodic check: look at the feed itself
            self._woken.clear()
            try:
                await self._fan_out()
            except Exception:
                logger.exception("Reading the update feed failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                self.wake()

    async def _fan_out(self) -> None:
        heard, blind = self._heard, self._blind
        self._heard, self._blind = 0, False
        if not self.subscribers:
            # Nobody here to hand entries to: follow the feed's end without
            # reading the entries. Positions become visible in order, so an
            # announced one is an end the feed has reached; otherwise ask the
            # table. A subscriber that joins during that read starts from the
            # old position, so the entries are then read for it after all.
            latest = heard if not blind else await latest_position()
            if not self.subscribers:
                self.position = max(self.position, latest)
                return
        while batch := await read_entries(self.position):
            for item in batch:
                for subscriber in list(self.subscribers):
                    subscriber.offer(item)
            self.position = batch[-1].position
            if len(batch) < BATCH:
                return


async def _table_after(cursor: int, scope: FeedScope) -> AsyncIterator[AnyFeedItem]:
    while batch := await read_entries(cursor, scope):
        for item in batch:
            # A replay can take a while: each item shows its issue as it is now.
            yield await with_issue_now(item)
        cursor = batch[-1].position
        if len(batch) < BATCH:
            return
