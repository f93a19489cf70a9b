"""Rate limiting: a budget of points per minute per token, or per address.

A query costs fewer points than a mutation. The budget is counted per process in
fixed one-minute windows: with N processes behind a load balancer a client can
spend up to N budgets a minute, so divide the budget by N when you scale out.
A refused request spends nothing.
"""

import math
import time
from collections.abc import Callable
from typing import Protocol

from starlette.requests import HTTPConnection

from api.auth import viewer_of

WINDOW_SECONDS = 60.0
KEPT_KEYS = 10_000


class RateLimiter(Protocol):
    """Charges a client for a request."""

    async def charge(self, key: str, cost: int) -> int | None:
        """Spend `cost` points; None if within budget, else seconds to wait."""


class WindowRateLimiter:
    """Fixed one-minute windows, counted in this process."""

    def __init__(
        self, budget: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.budget = budget
        self.clock = clock
        self.spent: dict[str, tuple[int, int]] = {}

    async def charge(self, key: str, cost: int) -> int | None:
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        started, used = self.spent.get(key, (window, 0))
        if started != window:
            used = 0
        if used + cost > self.budget:
            return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        if len(self.spent) >= KEPT_KEYS:
            self._forget_before(window)
        self.spent[key] = (window, used + cost)
        return None

    def _forget_before(self, window: int) -> None:
        self.spent = {k: v for k, v in self.spent.items() if v[0] == window}


class Unlimited:
    """No limit (BILATERAL_RATE_LIMIT=0)."""

    async def charge(self, key: str, cost: int) -> int | None:
        return None


def rate_limiter(budget: int) -> RateLimiter:
    """The limiter for a budget of points a minute; 0 turns limiting off."""
    return WindowRateLimiter(budget) if budget > 0 else Unlimited()


def rate_key(connection: HTTPConnection) -> str:
    """Whom a request is charged to: its token, or its client address."""
    viewer = viewer_of(connection)
    if viewer.name is not None:
        return f"token:{viewer.name}"
    client = connection.client
    return f"address:{client.host if client else 'unknown'}"
