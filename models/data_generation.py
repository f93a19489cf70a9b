"""The data generation: a number that every committed write moves on.

Whatever was read at generation n is still true while the generation is n, so an
answer cached under the generation it was computed at can be served until the
number moves, in any process: a reader pays one indexed read of one row to know.
The row is bumped as the last statement of each write's transaction, so the new
number becomes visible exactly when the write does.

On PostgreSQL the bump also locks the row until commit, so it serialises the
writers that take it; the feed relies on that to number its entries in commit
order (models/feed.py), bumping the generation in the very statement that adds an
entry. The generation moves once per transaction: atomically() leaves out its own
bump when such a statement has made it.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from tortoise import connections, fields
from tortoise.models import Model

ROW_ID = 1
BUMP = (
    "INSERT INTO data_generation (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = data_generation.value + 1"
)
# Locks the row until commit without moving the number: for a writer that must
# wait its turn, as a bump would, but changes nothing readers could have cached.
HOLD = (
    "INSERT INTO data_generation (id, value) VALUES (1, 0) "
    "ON CONFLICT (id) DO UPDATE SET value = data_generation.value"
)
READ = "SELECT value FROM data_generation WHERE id = 1"

# Whether a statement of the open write transaction has already bumped the row.
_bumped: ContextVar[bool] = ContextVar("generation_bumped", default=False)


class DataGeneration(Model):
    """One row: how many times the tracker's data has changed."""

    id = fields.IntField(primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "data_generation"
        table_description = "One row counting the committed writes to the data."


async def bump_generation() -> None:
    """Move the generation on, inside the write's transaction."""
    await connections.get("default").execute_query(BUMP)


async def hold_generation() -> None:
    """Wait for the writers ahead, then keep the others waiting until commit."""
    await connections.get("default").execute_query(HOLD)


def bumped_by_statement() -> None:
    """Note that the open transaction has moved the generation on."""
    _bumped.set(True)


@contextmanager
def bumping_once() -> Iterator[None]:
    """A scope, one per transaction, in which to ask whether it has bumped yet."""
    token = _bumped.set(False)
    try:
        yield
    finally:
        _bumped.reset(token)


async def bump_generation_once() -> None:
    """Move the generation on unless this transaction already did."""
    if not _bumped.get():
        await bump_generation()


async def current_generation() -> int:
    """The generation of the data as this connection sees it (0 before any write)."""
    _, rows = await connections.get("default").execute_query(READ)
    return int(rows[0]["value"]) if rows else 0


@dataclass
class _Read:
    """One read of the generation and the requests waiting for its result."""

    result: "asyncio.Future[int]"
    task: "asyncio.Task[int] | None" = None
    waiters: int = 0


class GenerationReads:
    """Reads of the generation shared by the requests of one process.

    A request may only be answered from a read sent after it arrived: a read
    already on its way could have been sent before a write the client saw
    acknowledged. So a request that finds a read in flight waits for the next
    one, which is sent when that one returns and serves every request that
    arrived meanwhile. Under load, one statement answers a whole wave of requests
    instead of one each, and no request ever gets a value older than its arrival.
    A read whose every waiter has gone (cancelled) is cancelled too, so no
    statement outlives the requests that asked for it.
    """

    def __init__(self) -> None:
        self._in_flight: _Read | None = None
        self._next: _Read | None = None

    async def read(self) -> int:
        """The generation, as read by a statement sent after this call began."""
        shared = self._join()
        shared.waiters += 1
        try:
            return await asyncio.shield(shared.result)
        finally:
            shared.waiters -= 1
            if shared.waiters == 0 and shared.task is not None:
                shared.task.cancel()  # a no-op once it is done

    def _join(self) -> _Read:
        loop = asyncio.get_running_loop()
        if self._next is not None:
            return self._next
        if self._in_flight is None:
            self._in_flight = self._send(_Read(loop.create_future()))
            return self._in_flight
        self._next = _Read(loop.create_future())
        return self._next

    def _send(self, shared: _Read) -> _Read:
        task = asyncio.ensure_future(current_generation())
        shared.task = task
        task.add_done_callback(lambda done: self._returned(shared, done))
        return shared

    def _returned(self, shared: _Read, done: "asyncio.Task[int]") -> None:
        _settle(shared, done)
        self._in_flight = None
        waiting, self._next = self._next, None
        if waiting is not None and waiting.waiters > 0:
            self._in_flight = self._send(waiting)


def _settle(shared: _Read, done: "asyncio.Task[int]") -> None:
    """Hand a finished statement's result, or its failure, to the waiters."""
    error = None if done.cancelled() else done.exception()
    if shared.result.done():
        return
    if done.cancelled() or shared.waiters == 0:
        shared.result.cancel()
    elif error is not None:
        shared.result.set_exception(error)
    else:
        shared.result.set_result(done.result())
