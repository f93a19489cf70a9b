"""One admission policy for every operation, whatever transport it came by.

Before an operation runs it is priced (api.guards.cost), an expensive one takes one of a
few slots of this process, and its price is charged to its client's budget. A
refusal spends nothing and costs no query beyond the charge itself.
"""

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from graphql import GraphQLError
from starlette.requests import HTTPConnection

from api.core.errors import ErrorCode
from api.guards.auth import Viewer
from api.guards.cost import Price
from api.guards.rate_limit import Charge, RateLimiter, rate_key
from api.observability import metrics

BUSY_RETRY_SECONDS = 1
SLICE_SECONDS = 0.002
YIELD_SECONDS = 0.010
FIRST_BATCH = 8
MAX_BATCH = 4096


class RateLimitedError(GraphQLError):
    """The client's budget cannot pay for this operation."""

    def __init__(self, charge: Charge) -> None:
        super().__init__(
            f"Too many requests: this operation costs {_points(charge.cost)} and "
            f"{charge.remaining:,} of the {charge.limit:,} points a minute are left. "
            f"Retry in {charge.reset_seconds} s.",
            extensions={
                "code": ErrorCode.RATE_LIMITED,
                "retryAfter": charge.reset_seconds,
            },
        )
        self.charge = charge


class BusyError(GraphQLError):
    """Every slot for expensive operations in this process is taken."""

    def __init__(self, price: Price, slots: int) -> None:
        super().__init__(
            "The service is running as many expensive operations as it takes at "
            f"once ({slots}); this one costs {_points(price.cost)}. Retry in "
            f"{BUSY_RETRY_SECONDS} s, or ask for smaller pages.",
            extensions={
                "code": ErrorCode.SERVICE_UNAVAILABLE,
                "reason": "busy",
                "retryAfter": BUSY_RETRY_SECONDS,
            },
        )


class Pacer:
    """Expensive operations run in the gaps that cheap ones leave.

    Python runs one piece of one request at a time per process. The pieces of
    expensive operations take at most a slice of a turn of the event loop; while
    any cheap operation is in flight they take a slice only every so often, so a
    cheap read waits for little more than its own database answers. The pieces
    beyond a slice queue here and are woken a batch per turn, in order; the batch
    grows while the woken find slice left and shrinks when they do not, so a
    queue of thousands costs a turn no more than the batch it wakes.
    """

    def __init__(
        self,
        slice_seconds: float = SLICE_SECONDS,
        yield_seconds: float = YIELD_SECONDS,
    ) -> None:
        self.slice_seconds = slice_seconds
        self.yield_seconds = yield_seconds
        self.running = 0
        self.cheap = 0
        self.turn_started = 0.0
        self.last_open = 0.0
        self.open = True
        self.ticking = False
        self.batch = FIRST_BATCH
        self.overslept = 0
        self.queue: deque[asyncio.Future[None]] = deque()

    def start(self) -> None:
        """An expensive operation begins: time the turns while any runs."""
        self.running += 1
        if not self.ticking:
            self.ticking = True
            self._tick()

    def stop(self) -> None:
        """An expensive operation has ended."""
        self.running -= 1
        if self.running == 0:
            self._wake(len(self.queue))

    def is_spent(self) -> bool:
        """Whether expensive operations must wait for a later turn."""
        if self.running == 0:
            return False
        if not self.open:
            return True
        return time.perf_counter() - self.turn_started > self.slice_seconds

    async def wait_for_turn(self) -> None:
        """Wait in line for a turn of the loop with slice left."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        self.queue.append(waiter)
        await waiter
        while self.is_spent():
            # Woken, but earlier ones used the slice up: first in line next turn.
            self.overslept += 1
            waiter = loop.create_future()
            self.queue.appendleft(waiter)
            await waiter

    def _tick(self) -> None:
        # Runs once per turn of the loop: a callback queued now runs in the next,
        # and so do the waiters woken now.
        now = time.perf_counter()
        if self.open:
            if self.overslept:
                self.batch = max(1, self.batch // 2)
            elif self.queue:
                self.batch = min(MAX_BATCH, self.batch * 2)
        self.overslept = 0
        self.turn_started = now
        self.open = self.cheap == 0 or now - self.last_open >= self.yield_seconds
        if self.open:
            self.last_open = now
            self._wake(self.batch)
        if self.running > 0 and self.open:
            asyncio.get_running_loop().call_soon(self._tick)
        elif self.running > 0:
            # Closed to expensive work: sleep rather than spin until it may open.
            wait = self.last_open + self.yield_seconds - now
            asyncio.get_running_loop().call_later(wait, self._tick)
        else:
            self.ticking = False
            self.open = True

    def _wake(self, count: int) -> None:
        while count > 0 and self.queue:
            waiter = self.queue.popleft()
            if not waiter.done():  # a cancelled request leaves its waiter done
                waiter.set_result(None)
                count -= 1


class Gate:
    """Prices, slots and charges: the same checks for HTTP and WebSocket."""

    def __init__(self, limiter: RateLimiter, heavy_cost: int, heavy_slots: int) -> None:
        self.limiter = limiter
        self.heavy_cost = heavy_cost
        self.heavy_slots = heavy_slots
        self.running_heavy = 0
        self.pacer = Pacer()

    async def charge(
        self,
        viewer: Viewer,
        connection: HTTPConnection,
        cost: int,
        paid: Charge | None = None,
    ) -> Charge:
        """Charge `cost` points to the client, less what it `paid` already for the
        same operation; RateLimitedError past its budget."""
        owed = cost - (paid.cost if paid else 0)
        if paid is not None and owed <= 0:
            return paid
        charge = await self.limiter.charge(rate_key(viewer, connection), owed)
        if paid is not None:
            charge = paid.plus(charge)
        if not charge.allowed:
            metrics.RATE_LIMITED.inc()
            raise RateLimitedError(charge)
        return charge

    def is_expensive(self, price: Price) -> bool:
        """Whether an operation needs a slot: what it may return, not a mutation's
        surcharge, makes it expensive."""
        return self.heavy_slots > 0 and price.read_points >= self.heavy_cost

    @contextmanager
    def slot(self, price: Price) -> Iterator[None]:
        """Hold a slot while an expensive operation runs; BusyError if none is free.

        Cheap operations need no slot, so they keep their latency under load.
        """
        if not self.is_expensive(price):
            self.pacer.cheap += 1
            try:
                yield
            finally:
                self.pacer.cheap -= 1
            return
        if self.running_heavy >= self.heavy_slots:
            raise BusyError(price, self.heavy_slots)
        self.running_heavy += 1
        self.pacer.start()
        try:
            yield
        finally:
            self.running_heavy -= 1
            self.pacer.stop()


def rate_limit_headers(charge: Charge | None) -> dict[str, str]:
    """The client's budget after this request, as the RateLimit-* headers."""
    if charge is None or charge.limit == 0:
        return {}
    return {
        "RateLimit-Limit": str(charge.limit),
        "RateLimit-Remaining": str(charge.remaining),
        "RateLimit-Reset": str(charge.reset_seconds),
    }


def _points(count: int) -> str:
    return f"{count:,} point" if count == 1 else f"{count:,} points"
