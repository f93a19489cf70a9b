"""One admission policy for every operation, whatever transport it came by.

Before an operation runs it is priced (api.cost), an expensive one takes one of a
few slots of this process, and its price is charged to its client's budget. A
refusal spends nothing and costs no query beyond the charge itself.
"""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

from graphql import GraphQLError
from starlette.requests import HTTPConnection

from api.auth import Viewer
from api.cost import Price
from api.rate_limit import Charge, RateLimiter, rate_key

RATE_LIMITED = "RATE_LIMITED"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
BUSY_RETRY_SECONDS = 1
SLICE_SECONDS = 0.002


class RateLimitedError(GraphQLError):
    """The client's budget cannot pay for this operation."""

    def __init__(self, charge: Charge) -> None:
        super().__init__(
            f"Too many requests: this operation costs {_points(charge.cost)} and "
            f"{charge.remaining:,} of the {charge.limit:,} points a minute are left. "
            f"Retry in {charge.reset_seconds} s.",
            extensions={"code": RATE_LIMITED, "retryAfter": charge.reset_seconds},
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
                "code": SERVICE_UNAVAILABLE,
                "reason": "busy",
                "retryAfter": BUSY_RETRY_SECONDS,
            },
        )


class Pacer:
    """Expensive operations share each turn of the event loop: at most a slice.

    Python runs one piece of one request at a time per process. When the pieces of
    expensive operations that are ready in one turn of the loop have used up the
    slice, the rest wait for the next turn, so the requests whose network reads
    and database answers arrived meanwhile run in between.
    """

    def __init__(self, slice_seconds: float = SLICE_SECONDS) -> None:
        self.slice_seconds = slice_seconds
        self.running = 0
        self.turn_started = 0.0
        self.ticking = False

    def start(self) -> None:
        """An expensive operation begins: time the turns while any runs."""
        self.running += 1
        if not self.ticking:
            self.ticking = True
            self._tick()

    def stop(self) -> None:
        """An expensive operation has ended."""
        self.running -= 1

    def is_spent(self) -> bool:
        """Whether this turn's slice is used up."""
        return self.running > 0 and time.perf_counter() - self.turn_started > (
            self.slice_seconds
        )

    async def wait_for_turn(self) -> None:
        """Wait until a turn of the loop has slice left."""
        # Not an Event: what is awaited is the next turn of the loop itself.
        while self.is_spent():  # noqa: ASYNC110
            await asyncio.sleep(0)

    def _tick(self) -> None:
        # Runs once per turn of the loop: a callback queued now runs in the next.
        self.turn_started = time.perf_counter()
        if self.running > 0:
            asyncio.get_running_loop().call_soon(self._tick)
        else:
            self.ticking = False


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
            yield
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
