"""Spending rate-limit points in a window every process sees (PostgreSQL)."""

from models.database import fetch_all
from models.rate_window import RateWindow

# One statement: add the points unless that would pass the budget.
_SPEND = """
INSERT INTO rate_window (client_key, window_start, used) VALUES ($1, $2, $3)
ON CONFLICT (client_key, window_start)
DO UPDATE SET used = rate_window.used + EXCLUDED.used
WHERE rate_window.used + EXCLUDED.used <= $4
RETURNING used
"""


async def spend(
    client_key: str, window_start: int, cost: int, budget: int
) -> int | None:
    """Spend `cost` points in a window: the points now used, or None (nothing
    spent) when that would pass the budget."""
    if cost > budget:
        return None
    rows = await fetch_all(_SPEND, [client_key, window_start, cost, budget])
    return int(rows[0]["used"]) if rows else None


async def spent_in(client_key: str, window_start: int) -> int:
    """The points a client has used in a window."""
    window = await RateWindow.get_or_none(
        client_key=client_key, window_start=window_start
    )
    return window.used if window is not None else 0


async def forget_windows_before(window_start: int) -> None:
    """Drop the windows that can no longer matter."""
    await RateWindow.filter(window_start__lt=window_start).delete()
