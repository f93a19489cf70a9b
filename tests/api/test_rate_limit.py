"""Rate limiting: a budget of points a minute per token, or per client address."""

import httpx
import pytest

from api.rate_limit import WINDOW_SECONDS, WindowRateLimiter
from api.relay import global_id
from api.settings import Settings
from models.issue import Issue
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
    assert spent == [None] * 10
    assert refused == 45
    assert (other_client, next_window) == (None, None)


async def test_a_refused_charge_spends_nothing() -> None:
    limiter = WindowRateLimiter(10, Clock(0.0))

    assert await limiter.charge("a", 8) is None
    assert await limiter.charge("a", 5) == 60
    assert await limiter.charge("a", 2) is None


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
                "message": "Too many requests: the budget is 3 points a minute (a "
                "query costs 1, a mutation 10). Retry in "
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
