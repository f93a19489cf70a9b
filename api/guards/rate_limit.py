"""Rate limiting: a budget of points per minute per token, or per address.

What an operation costs is api.guards.cost's business; a refused charge spends nothing.
Budgets are counted in fixed one-minute windows: on PostgreSQL in a table every
process shares (one statement per charge), on SQLite in the one process.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.requests import HTTPConnection

from api.guards.auth import Viewer
from models.config import is_postgres
from models.rate_limits import forget_windows_before, spend, spent_in

WINDOW_SECONDS = 60.0
KEPT_KEYS = 10_000
KEY_LENGTH = 200
FORGET_EVERY = 1_000


@dataclass(frozen=True)
class Charge:
    """The outcome of charging a client: what it cost and what is left.

    `limit` is 0 when the service runs without a rate limit.
    """

    cost: int
    allowed: bool
    limit: int = 0
    used: int = 0
    reset_at: float = 0.0
    now: float = 0.0

    @property
    def remaining(self) -> int:
        """Points left in this window."""
        return max(0, self.limit - self.used)

    @property
    def reset_seconds(self) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, math.ceil(self.reset_at - self.now))

    def plus(self, later: "Charge") -> "Charge":
        """This charge followed by `later` on the same budget."""
        return Charge(
            self.cost + later.cost,
            later.allowed,
            later.limit,
            later.used,
            later.reset_at,
            later.now,
        )


class RateLimiter(Protocol):
    """Charges a client for an operation."""

    async def charge(self, key: str, cost: int) -> Charge:
        """Spend `cost` points unless that passes the budget."""


def _window(clock: Callable[[], float]) -> tuple[float, int]:
    now = clock()
    return now, int(now // WINDOW_SECONDS)


def _end_of(window: int) -> float:
    return (window + 1) * WINDOW_SECONDS


class WindowRateLimiter:
    """Fixed one-minute windows, counted in this process."""

    def __init__(self, budget: int, clock: Callable[[], float] = time.time) -> None:
        self.budget = budget
        self.clock = clock
        self.spent: dict[str, tuple[int, int]] = {}

    async def charge(self, key: str, cost: int) -> Charge:
        now, window = _window(self.clock)
        started, used = self.spent.get(key, (window, 0))
        if started != window:
            used = 0
        allowed = used + cost <= self.budget
        if allowed:
            used += cost
            if len(self.spent) >= KEPT_KEYS:
                self._forget_before(window)
            self.spent[key] = (window, used)
        return Charge(cost, allowed, self.budget, used, _end_of(window), now)

    def _forget_before(self, window: int) -> None:
        self.spent = {k: v for k, v in self.spent.items() if v[0] == window}


class SharedRateLimiter:
    """Windows in the database, so that N processes enforce one budget."""

    def __init__(self, budget: int, clock: Callable[[], float] = time.time) -> None:
        self.budget = budget
        self.clock = clock
        self.charges = 0

    async def charge(self, key: str, cost: int) -> Charge:
        now, window = _window(self.clock)
        self.charges += 1
        if self.charges % FORGET_EVERY == 0:
            await forget_windows_before(window - 1)
        key = key[:KEY_LENGTH]
        used = await spend(key, window, cost, self.budget)
        allowed = used is not None
        if used is None:  # refused: say how much is spent, spending nothing
            used = await spent_in(key, window)
        return Charge(cost, allowed, self.budget, used, _end_of(window), now)


class Unlimited:
    """No limit (BILATERAL_RATE_LIMIT=0): every charge is allowed."""

    async def charge(self, key: str, cost: int) -> Charge:
        return Charge(cost, True)


def rate_limiter(budget: int, database_url: str) -> RateLimiter:
    """The limiter for a budget of points a minute; 0 turns limiting off."""
    if budget <= 0:
        return Unlimited()
    if is_postgres(database_url):
        return SharedRateLimiter(budget)
    return WindowRateLimiter(budget)


def rate_key(viewer: Viewer, connection: HTTPConnection) -> str:
    """Whom an operation is charged to: its token, or its client address."""
    if viewer.name is not None:
        return f"token:{viewer.name}"
    client = connection.client
    return f"address:{client.host if client else 'unknown'}"
