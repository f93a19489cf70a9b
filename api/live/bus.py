"""The event bus: how a committed write wakes the subscribers of every process.

A bus carries wake-ups, not data. In one process (the SQLite default) a publish
wakes the local hub directly. On PostgreSQL a NOTIFY carries the feed position
(sent by the write's own statement, delivered as it commits; a publish sends one
only for an event not announced that way), and every process LISTENs on a
dedicated connection; the hub then reads what changed from the feed table. A
lost notification or a dropped listener therefore delays an event, never loses
it: the next wake-up, the reconnect or the hub's periodic check reads everything
after the last position seen.

A revoked token travels the same way, on a channel of its own carrying the token's
name, so every process ends that token's subscriptions at once; the hub's periodic
token check is the fallback for an announcement that was lost.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

import asyncpg
from tortoise import connections

from models.config import is_postgres, normalise_url
from models.enums import EventKind
from models.events import Event
from models.feed import FEED_CHANNEL

logger = logging.getLogger("bilateral.bus")

CHANNEL = FEED_CHANNEL
REVOCATIONS = "bilateral_revocations"
LISTENER_NAME = "bilateral-listener"
RECONNECT_DELAYS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
PROBE_SECONDS = 15.0

# Called with the feed position a write announced, or None when not known.
Wake = Callable[[int | None], None]
Revoked = Callable[[str], None]


def _ignore(name: str) -> None:
    """Revocations nobody listens for."""


class EventBus(Protocol):
    """Publishes committed events and wakes this process when any process does."""

    async def publish(self, event: Event) -> None:
        """Announce a committed event (the app's Publish)."""

    async def start(self, wake: Wake, revoked: Revoked = _ignore) -> None:
        """Call `wake` whenever any process may have appended to the feed, and
        `revoked` with a token's name whenever any process revokes it."""

    async def stop(self) -> None:
        """Stop listening."""


class LocalBus:
    """One process: a publish wakes the hub of this process."""

    def __init__(self) -> None:
        self._wake: Wake | None = None
        self._revoked: Revoked = _ignore

    async def publish(self, event: Event) -> None:
        if event.kind is EventKind.TOKEN_REVOKED and event.token_name is not None:
            self._revoked(event.token_name)
        if self._wake is not None and event.position is not None:
            self._wake(event.position)

    async def start(self, wake: Wake, revoked: Revoked = _ignore) -> None:
        self._wake = wake
        self._revoked = revoked

    async def stop(self) -> None:
        self._wake = None
        self._revoked = _ignore


class PostgresBus:
    """Many processes over one PostgreSQL: NOTIFY on publish, LISTEN per process."""

    def __init__(self, database_url: str) -> None:
        self.dsn = normalise_url(database_url).replace("postgres://", "postgresql://")
        self._task: asyncio.Task[None] | None = None

    async def publish(self, event: Event) -> None:
        if event.kind is EventKind.TOKEN_REVOKED and event.token_name is not None:
            await _notify(REVOCATIONS, event.token_name)
        if event.position is not None and not event.announced:
            await _notify(CHANNEL, str(event.position))

    async def start(self, wake: Wake, revoked: Revoked = _ignore) -> None:
        if self._task is None:
            self._task = asyncio.create_task(
                self._listen(wake, revoked), name=LISTENER_NAME
            )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _listen(self, wake: Wake, revoked: Revoked) -> None:
        """Stay subscribed: reconnect after every drop, then catch up by position."""
        failures = 0
        while True:
            try:
                await self._listen_once(wake, revoked)
                failures = 0
            except Exception as error:  # whatever broke, listen again
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                logger.warning("Event listener: %s; retrying in %.2fs", error, delay)
                await asyncio.sleep(delay)

    async def _listen_once(self, wake: Wake, revoked: Revoked) -> None:
        dropped = asyncio.Event()
        connection = await asyncpg.connect(
            self.dsn, server_settings={"application_name": LISTENER_NAME}
        )
        try:
            connection.add_termination_listener(lambda _: dropped.set())

            def notified(*arguments: Any) -> None:
                wake(_position(arguments[-1]))  # (connection, pid, channel, payload)

            def revocation(*arguments: Any) -> None:
                revoked(str(arguments[-1]))  # (connection, pid, channel, payload)

            await connection.add_listener(CHANNEL, notified)
            await connection.add_listener(REVOCATIONS, revocation)
            wake(None)  # whatever was appended while we were not listening
            while not dropped.is_set():
                # A silent network failure closes nothing: probe now and then.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(dropped.wait(), PROBE_SECONDS)
                    break
                await asyncio.wait_for(connection.fetchval("SELECT 1"), PROBE_SECONDS)
            logger.warning("Event listener: connection lost; reconnecting")
        finally:
            if not connection.is_closed():
                await connection.close(timeout=1)
            else:
                connection.terminate()


def _position(payload: object) -> int | None:
    """The feed position a notification carries, or None for any other payload."""
    text = str(payload)
    return int(text) if text.isdigit() and len(text) < 19 else None


async def _notify(channel: str, payload: str) -> None:
    await connections.get("default").execute_query(
        "SELECT pg_notify($1, $2)", [channel, payload]
    )


def bus_for(database_url: str) -> EventBus:
    """PostgreSQL LISTEN/NOTIFY for a PostgreSQL database, else in-process."""
    if is_postgres(database_url):
        return PostgresBus(database_url)
    return LocalBus()
