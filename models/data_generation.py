"""The data generation: a number that every committed write moves on.

Whatever was read at generation n is still true while the generation is n, so an
answer cached under the generation it was computed at can be served until the
number moves, in any process: a reader pays one indexed read of one row to know.
The row is bumped as the last statement of each write's transaction, so the new
number becomes visible exactly when the write does.
"""

import asyncio

from tortoise import connections, fields
from tortoise.models import Model

ROW_ID = 1
BUMP = (
    "INSERT INTO data_generation (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = data_generation.value + 1"
)
READ = "SELECT value FROM data_generation WHERE id = 1"


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


async def current_generation() -> int:
    """The generation of the data as this connection sees it (0 before any write)."""
    _, rows = await connections.get("default").execute_query(READ)
    return int(rows[0]["value"]) if rows else 0


class GenerationReads:
    """Reads of the generation shared by the requests of one process.

    A request may only be answered from a read sent after it arrived: a read
    already on its way could have been sent before a write the client saw
    acknowledged. So a request that finds a read in flight waits for the next
    one, which starts when that one returns and serves every request that
    arrived meanwhile. Under load, one statement answers a whole wave of requests
    instead of one each, and no request ever gets a value older than its arrival.
    """

    def __init__(self) -> None:
        self._in_flight: asyncio.Future[int] | None = None
        self._next: asyncio.Future[int] | None = None

    async def read(self) -> int:
        """The generation, as read by a statement sent after this call began."""
        if self._next is not None:
            return await asyncio.shield(self._next)
        if self._in_flight is None:
            self._in_flight = self._start()
            return await asyncio.shield(self._in_flight)
        self._next = asyncio.get_running_loop().create_future()
        return await asyncio.shield(self._next)

    def _start(self) -> "asyncio.Future[int]":
        read = asyncio.ensure_future(current_generation())
        read.add_done_callback(self._finished)
        return read

    def _finished(self, read: "asyncio.Future[int]") -> None:
        self._in_flight = None
        waiting, self._next = self._next, None
        if waiting is None:
            return
        follow_up = self._start()
        self._in_flight = follow_up
        follow_up.add_done_callback(lambda done: _settle(waiting, done))


def _settle(waiting: "asyncio.Future[int]", done: "asyncio.Future[int]") -> None:
    if waiting.cancelled():
        return
    if done.cancelled():
        waiting.cancel()
    elif (error := done.exception()) is not None:
        waiting.set_exception(error)
    else:
        waiting.set_result(done.result())
