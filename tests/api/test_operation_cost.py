"""What an operation costs: GitHub's rule, introspection by its size, the headers."""

import asyncio
import time
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    OperationDefinitionNode,
    get_introspection_query,
    graphql_sync,
    parse,
)
from tortoise.context import TortoiseContext

from api.app import create_app
from api.guards.cost import Price, price_of
from api.guards.gate import Pacer
from api.schema.build import schema
from api.settings import Settings
from tests.api.graphql import JSON
from tests.conftest import Tokens

BOARD = """
{ issues(first: 50) { nodes { title updates(first: 3) { nodes { note } } } } }
"""
HEAVY = """
{ issues(first: 100) { nodes { updates(first: 80) { nodes { note } } } } }
"""
RATE = "{ rateLimit { cost nodeCount limit used remaining resetAt } }"


def price(document: str, variables: dict[str, Any] | None = None) -> Price:
    """The price of a document's only operation."""
    ast = parse(document)
    (operation,) = [
        d for d in ast.definitions if isinstance(d, OperationDefinitionNode)
    ]
    return price_of(schema._schema, ast, operation, variables)


@pytest.mark.parametrize(
    ("document", "variables", "nodes", "cost"),
    [
        ("{ viewer { role } }", None, 0, 1),
        (BOARD, None, 50 + 50 * 3, 2),
        (HEAVY, None, 100 + 100 * 80, 81),
        ("query($n: Int) { issues(first: $n) { nodes { id } } }", {"n": 100}, 100, 1),
        ("{ issues { nodes { id } } }", None, 20, 1),
        (
            'mutation { issueArchive(input: {issueId: "x"}) { __typename } }',
            None,
            0,
            11,
        ),
        (
            "subscription { statusUpdates { issue { updates(first: 100) "
            "{ nodes { id } } } } }",
            None,
            100,
            1,
        ),
    ],
    ids=["viewer", "board", "heavy", "variables", "default-page", "mutation", "sub"],
)
def test_an_operation_costs_a_point_per_hundred_nodes_and_mutations_ten_more(
    document: str, variables: dict[str, Any] | None, nodes: int, cost: int
) -> None:
    assert price(document, variables) == Price(nodes, 0, cost)


def _objects(value: Any) -> int:
    """The JSON objects inside a value (itself not counted)."""
    if isinstance(value, dict):
        return sum(isinstance(v, dict) + _objects(v) for v in value.values())
    if isinstance(value, list):
        return sum(isinstance(v, dict) + _objects(v) for v in value)
    return 0


def test_introspection_is_priced_at_the_objects_it_returns() -> None:
    # given GraphiQL's introspection query
    document = get_introspection_query(descriptions=True)

    # when it is priced, and when it runs
    priced = price(document)
    result = graphql_sync(schema._schema, document)

    # then the price counts exactly the schema objects the answer holds
    assert result.errors is None
    assert priced.introspection_nodes == _objects(result.data) > 1_000
    assert priced.cost == -(-priced.introspection_nodes // 100)


@pytest.mark.parametrize(
    ("include", "variables"),
    [
        ("", {}),
        ("(includeDeprecated: false)", {}),
        ("(includeDeprecated: true)", {}),
        ("(includeDeprecated: $all)", {"all": True}),
        ("(includeDeprecated: $all)", {"all": False}),
    ],
)
def test_deprecated_arguments_are_priced_only_when_they_are_listed(
    include: str, variables: dict[str, Any]
) -> None:
    # given a list of every field's arguments, deprecated ones if asked for
    declared = "($all: Boolean!)" if variables else ""
    document = (
        f"query Q{declared} "
        f"{{ __schema {{ types {{ fields {{ args{include} {{ name }} }} }} }} }}"
    )

    # when it is priced, and when it runs
    priced = price(document, variables)
    result = graphql_sync(schema._schema, document, variable_values=variables)

    # then the price is what the answer holds, or more when a variable decides
    assert result.errors is None
    listed = _objects(result.data)
    deprecated = sum(
        1
        for kind in schema._schema.type_map.values()
        for field in getattr(kind, "fields", {}).values()
        if isinstance(field, GraphQLField)
        for argument in field.args.values()
        if argument.deprecation_reason is not None
    )
    assert deprecated == 3
    if "$all" in include:
        assert priced.introspection_nodes == listed + (0 if variables["all"] else 3)
    else:
        assert priced.introspection_nodes == listed


def test_a_fan_out_of_fragments_in_introspection_is_priced_not_expanded() -> None:
    # given 40 fragments, each spreading the next twice: 2^40 selections of `name`
    levels = 40
    fragments = "".join(
        f"fragment F{n} on __Type {{ ...F{n + 1} ...F{n + 1} }}\n"
        for n in range(levels)
    )
    document = (
        "{ __schema { types { ...F0 } } }\n"
        + fragments
        + f"fragment F{levels} on __Type {{ fields {{ name }} }}"
    )

    # when it is priced
    priced = price(document)

    # then the figure is that of 2^40 field lists, computed in linear time
    fields = price("{ __schema { types { fields { name } } } }").introspection_nodes
    types = price("{ __schema { types { name } } }").introspection_nodes
    assert priced.introspection_nodes == types + (fields - types) * 2**levels


async def query(
    client: httpx.AsyncClient, document: str, token: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": document}, headers=headers)


@pytest.mark.parametrize("settings", [Settings(rate_limit=600)])
async def test_the_rate_limit_field_and_headers_show_the_charge(
    client: httpx.AsyncClient,
) -> None:
    # when a client sends the board with its rate limit, then a cheap query
    board = await query(client, "{ " + RATE[1:-1] + BOARD.strip()[1:])
    cheap = await query(client, RATE)

    # then the board cost 2 of 600 points, the cheap one 1, as field and headers
    first: JSON = board.json()["data"]["rateLimit"]
    second: JSON = cheap.json()["data"]["rateLimit"]
    reset_at = first.pop("resetAt")
    assert first == {
        "cost": 2,
        "nodeCount": 200,
        "limit": 600,
        "used": 2,
        "remaining": 598,
    }
    assert (second["cost"], second["used"], second["remaining"]) == (1, 3, 597)
    assert second["resetAt"] == reset_at
    assert reset_at.endswith(":00+00:00")  # windows are whole minutes
    headers = cheap.headers
    assert (headers["ratelimit-limit"], headers["ratelimit-remaining"]) == (
        "600",
        "597",
    )
    assert 1 <= int(headers["ratelimit-reset"]) <= 60


@pytest.mark.parametrize("settings", [Settings(rate_limit=0)])
async def test_without_a_rate_limit_the_cost_is_still_shown(
    client: httpx.AsyncClient,
) -> None:
    response = await query(client, RATE)

    assert response.json() == {
        "data": {
            "rateLimit": {
                "cost": 1,
                "nodeCount": 0,
                "limit": None,
                "used": None,
                "remaining": None,
                "resetAt": None,
            }
        }
    }
    assert "ratelimit-limit" not in response.headers


@pytest.mark.parametrize("settings", [Settings(rate_limit=100)])
async def test_a_heavy_query_is_refused_when_the_budget_cannot_pay_for_it(
    client: httpx.AsyncClient,
) -> None:
    # given a client that spent 20 of its 100 points
    for _ in range(20):
        await query(client, "{ viewer { role } }")

    # when it sends a query costing 81 points, then a cheap one
    heavy = await query(client, HEAVY)
    cheap = await query(client, RATE)

    # then the heavy one is refused, having spent only its arrival point, and
    # the cheap one is served
    assert heavy.status_code == 429
    assert heavy.json()["errors"][0]["message"].startswith(
        "Too many requests: this operation costs 81 points and 79 of the 100 points "
        "a minute are left."
    )
    assert cheap.json()["data"]["rateLimit"]["used"] == 22


async def test_past_its_slots_an_expensive_operation_is_refused_at_once(
    seeded_db: TortoiseContext, tokens: Tokens
) -> None:
    # given an app with one slot for expensive operations, already taken
    app = create_app(Settings(heavy_slots=1), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        with app.state.services.gate.slot(price(HEAVY)):
            # when an expensive query and a cheap one arrive
            refused = await query(http, HEAVY, tokens.reader)
            served = await query(http, RATE, tokens.reader)
        # and the slot is free again
        after = await query(http, HEAVY, tokens.reader)

    # then the expensive one is refused with 503 and the time to retry, spending
    # only its arrival point; the cheap one and a later expensive one are served
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["errors"] == [
        {
            "message": "The service is running as many expensive operations as it "
            "takes at once (1); this one costs 81 points. Retry in 1 s, or ask for "
            "smaller pages.",
            "extensions": {"code": "SERVICE_UNAVAILABLE"},
        }
    ]
    assert served.json()["data"]["rateLimit"]["used"] == 2
    assert after.status_code == 200
    assert "errors" not in after.json()


async def test_with_its_slice_spent_an_expensive_operation_waits_a_turn() -> None:
    # given a pacer whose slice of this turn of the loop is used up
    pacer = Pacer(slice_seconds=0.01)
    pacer.start()
    started = time.perf_counter()
    while time.perf_counter() - started < 0.02:
        pass
    order: list[str] = []

    async def cheap() -> None:
        order.append("cheap")

    ready = asyncio.create_task(cheap())

    # when the expensive operation asks for a turn
    spent = pacer.is_spent()
    await pacer.wait_for_turn()
    order.append("expensive")
    await ready
    pacer.stop()

    # then what was ready ran first, and the new turn has its slice
    assert spent
    assert order == ["cheap", "expensive"]
    assert not pacer.is_spent()


async def test_pacing_does_not_change_an_answer(
    seeded_db: TortoiseContext, tokens: Tokens
) -> None:
    answers = []
    for slots in (1, 0):  # paced, then neither bounded nor paced
        app = create_app(Settings(heavy_slots=slots), manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as h:
            answers.append((await query(h, HEAVY, tokens.reader)).json())

    assert "errors" not in answers[0]
    assert answers[0] == answers[1]


async def test_while_a_cheap_operation_runs_expensive_work_waits_its_interval() -> None:
    # given a pacer that opens to expensive work every 50 ms while cheap work runs
    pacer = Pacer(slice_seconds=0.001, yield_seconds=0.05)
    pacer.start()
    await asyncio.sleep(0)  # the first turn was open: it has been used
    pacer.cheap += 1
    started = time.perf_counter()
    while time.perf_counter() - started < 0.002:
        pass

    # when the expensive operation asks for a turn while a cheap one is in flight
    asked = time.perf_counter()
    await pacer.wait_for_turn()
    waited = time.perf_counter() - asked
    pacer.cheap -= 1
    pacer.stop()

    # then it waited for the next opening, not merely the next turn
    assert waited >= 0.03


async def test_queued_pieces_are_woken_in_order_a_batch_per_turn() -> None:
    # given 300 pieces of expensive work queued behind a spent slice
    pacer = Pacer(slice_seconds=1.0)
    pacer.start()
    pacer.turn_started -= 2.0  # this turn's slice is spent
    order: list[int] = []
    turns = 0

    async def piece(number: int) -> None:
        await pacer.wait_for_turn()
        order.append(number)

    async def count_turns() -> None:
        nonlocal turns
        while len(order) < 300:
            turns += 1
            await asyncio.sleep(0)

    pieces = [asyncio.create_task(piece(n)) for n in range(300)]
    counter = asyncio.create_task(count_turns())

    # when they are served
    await asyncio.gather(*pieces, counter)
    pacer.stop()

    # then in the order they queued, over several turns (8, 16, 32... at a time),
    # never all 300 in one
    assert order == list(range(300))
    assert turns >= 5
