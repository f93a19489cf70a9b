"""Rate limiting: a budget of points per minute per token, or per address.

A query costs fewer points than a mutation; a refused request spends nothing.
Budgets are counted in fixed one-minute windows: on PostgreSQL in a table every
process shares (one statement per request), on SQLite in the one process.
"""

import math
import time
from collections.abc import Callable
from typing import Protocol

from starlette.requests import HTTPConnection

from api.auth import viewer_of
from models.config import is_postgres
from models.rate_limits import forget_windows_before, spend

WINDOW_SECONDS = 60.0
KEPT_KEYS = 10_000
KEY_LENGTH = 200
FORGET_EVERY = 1_000


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


class SharedRateLimiter:
    """Windows in the database, so that N processes enforce one budget."""

    def __init__(self, budget: int, clock: Callable[[], float] = time.time) -> None:
        self.budget = budget
        self.clock = clock
        self.charges = 0

    async def charge(self, key: str, cost: int) -> int | None:
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        self.charges += 1
        if self.charges % FORGET_EVERY == 0:
            await forget_windows_before(window - 1)
        if await spend(key[:KEY_LENGTH], window, cost, self.budget):
            return None
        return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


class Unlimited:
    """No limit (BILATERAL_RATE_LIMIT=0)."""

    async def charge(self, key: str, cost: int) -> int | None:
        return None


def rate_limiter(budget: int, database_url: str) -> RateLimiter:
    """The limiter for a budget of points a minute; 0 turns limiting off."""
    if budget <= 0:
        return Unlimited()
    if is_postgres(database_url):
        return SharedRateLimiter(budget)
    return WindowRateLimiter(budget)


def rate_key(connection: HTTPConnection) -> str:
    """Whom a request is charged to: its token, or its client address."""
    viewer = viewer_of(connection)
    if viewer.name is not None:
        return f"token:{viewer.name}"
    client = connection.client
    return f"address:{client.host if client else 'unknown'}"
