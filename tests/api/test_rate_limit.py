"""Rate limiting: a budget of points a minute per token, or per client address."""

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.guards.rate_limit import (
    WINDOW_SECONDS,
    SharedRateLimiter,
    Unlimited,
    WindowRateLimiter,
    rate_limiter,
)
from api.settings import Settings
from models.issue import Issue
from models.rate_limits import forget_windows_before, spend
from models.rate_window import RateWindow
from tests.api.feed import POST
from tests.conftest import Tokens
from tests.snapshots import snapshot

QUERY = "{ viewer { role } }"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def query(client: httpx.AsyncClient, token: str | None = None) -> httpx.Response:
    """POST one cheap query, with a token when given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": QUERY}, headers=headers)


async def test_a_window_refuses_past_its_budget_until_the_next_minute() -> None:
    # given a budget of 10 points, 15 seconds into a window
    clock = Clock(WINDOW_SECONDS * 100 + 15)
    limiter = WindowRateLimiter(10, clock)

    # when 10 points are spent, then one more, then the next window starts
    spent = [await limiter.charge("a", 1) for _ in range(10)]
    refused = await limiter.charge("a", 1)
    other_client = await limiter.charge("b", 10)
    clock.now += 45
    next_window = await limiter.charge("a", 10)

    # then the eleventh is told to wait 45 s; others and the next window are served
    assert [charge.allowed for charge in spent] == [True] * 10
    assert [charge.remaining for charge in spent] == list(range(9, -1, -1))
    assert (refused.allowed, refused.reset_seconds) == (False, 45)
    assert (other_client.allowed, next_window.allowed) == (True, True)


async def test_a_refused_charge_spends_nothing() -> None:
    limiter = WindowRateLimiter(10, Clock(0.0))

    assert (await limiter.charge("a", 8)).allowed
    refused = await limiter.charge("a", 5)
    assert (refused.allowed, refused.used, refused.reset_seconds) == (False, 8, 60)
    assert (await limiter.charge("a", 2)).allowed


@pytest.mark.parametrize("settings", [Settings(rate_limit=3)])
async def test_past_the_budget_requests_get_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    # when an anonymous client sends four queries within a minute
    responses = [await query(client) for _ in range(4)]

    # then the fourth is refused with the time to wait
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    refused = responses[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json() == {
        "errors": [
            {
                "message": "Too many requests: this operation costs 1 point and 0 "
                "of the 3 points a minute are left. Retry in "
                f"{refused.headers['retry-after']} s.",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ]
    }


@pytest.mark.parametrize("settings", [Settings(rate_limit=3)])
async def test_each_token_and_the_anonymous_address_have_their_own_budget(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given an anonymous client that has spent its budget
    for _ in range(3):
        await query(client)

    # when a reader and an editor query from the same address
    reader = [await query(client, tokens.reader) for _ in range(3)]
    editor = await query(client, tokens.editor)
    anonymous = await query(client)

    # then the tokens are served, the anonymous client is not
    assert [r.status_code for r in reader] == [200, 200, 200]
    assert (editor.status_code, anonymous.status_code) == (200, 429)


@pytest.mark.parametrize("settings", [Settings(rate_limit=12)])
async def test_a_mutation_costs_ten_points_and_is_refused_before_it_writes(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given an editor that has spent 3 of its 12 points
    issue = await Issue.get(slug="border-peace-normalisation")
    for _ in range(3):
        await query(client, tokens.editor)
    before = await snapshot()

    # when it posts a status update (10 points)
    given = {
        "issueId": global_id("Issue", issue.pk),
        "status": "STALLED",
        "occurredOn": "2026-01-01",
        "note": "Over budget.",
    }
    response = await client.post(
        "/graphql",
        json={"query": POST, "variables": {"input": given}},
        headers={"Authorization": f"Bearer {tokens.editor}"},
    )

    # then it is refused and nothing is written
    assert response.status_code == 429
    assert await snapshot() == before


@pytest.mark.parametrize("settings", [Settings(rate_limit=0)])
async def test_a_budget_of_zero_turns_limiting_off(client: httpx.AsyncClient) -> None:
    responses = [await query(client) for _ in range(50)]

    assert {r.status_code for r in responses} == {200}


@pytest.mark.postgres_only  # SQLite serves from one process; its budget is in memory
async def test_on_postgresql_every_process_spends_the_same_budget(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    # given two app instances (two processes' worth) over one database, budget 3
    settings = Settings(database_url=seeded_url, rate_limit=3)
    apps = [create_app(settings, manage_database=False) for _ in range(2)]
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a")
        for app in apps
    ]

    # when one anonymous client alternates between them
    statuses = [(await query(clients[n % 2])).status_code for n in range(5)]
    for http in clients:
        await http.aclose()

    # then they count one budget between them
    assert statuses == [200, 200, 200, 429, 429]
    assert await RateWindow.all().values_list("client_key", "used") == [
        ("address:127.0.0.1", 3)
    ]


@pytest.mark.postgres_only  # the shared windows are a PostgreSQL table
async def test_shared_windows_refuse_without_spending_and_old_ones_are_forgotten(
    seeded_db: TortoiseContext,
) -> None:
    # given a budget of 10 in window 100, and a stale window 98
    assert await spend("token:editor", 98, 5, 10) == 5

    # when points are spent, refused, and old windows forgotten
    spent = [await spend("token:editor", 100, cost, 10) for cost in (8, 5, 2, 1)]
    await forget_windows_before(99)

    # then the refused charge spent nothing, and only window 100 is left
    assert spent == [8, None, 10, None]
    assert await RateWindow.all().values_list("window_start", "used") == [(100, 10)]


async def test_the_limiter_follows_the_database() -> None:
    assert isinstance(rate_limiter(5, "sqlite://x.sqlite3"), WindowRateLimiter)
    assert isinstance(rate_limiter(5, "postgres://u@h/db"), SharedRateLimiter)
    assert isinstance(rate_limiter(0, "postgres://u@h/db"), Unlimited)
