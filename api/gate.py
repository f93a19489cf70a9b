"""One admission policy for every operation, whatever transport it came by.

Before an operation runs it is priced (api.cost), an expensive one takes one of a
few slots of this process, and its price is charged to its client's budget. A
refusal spends nothing and costs no query beyond the charge itself.
"""

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
            extensions={"code": SERVICE_UNAVAILABLE, "retryAfter": BUSY_RETRY_SECONDS},
        )


class Gate:
    """Prices, slots and charges: the same checks for HTTP and WebSocket."""

    def __init__(self, limiter: RateLimiter, heavy_cost: int, heavy_slots: int) -> None:
        self.limiter = limiter
        self.heavy_cost = heavy_cost
        self.heavy_slots = heavy_slots
        self.running_heavy = 0

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
        try:
            yield
        finally:
            self.running_heavy -= 1


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
