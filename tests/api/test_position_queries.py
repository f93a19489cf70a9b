"""Reading positions: per issue, per relationship, across issues, and as of a day."""

from datetime import date

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from models.issue import Issue
from tests.api.graphql import JSON, SEED, first_day, gql, gql_data, only_error
from tests.conftest import QueryCounter

FEED = """
query Feed($filter: PositionFilter, $first: Int, $after: String) {
  positions(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id country statedOn { text } speaker quote issue { slug } }
  }
}
"""

OF_ISSUE = """
query OfIssue($slug: String!, $country: String) {
  relationship(slug: "india-china") {
    issue(slug: $slug) {
      positions(country: $country) {
        totalCount
        nodes { country statedOn { text } speaker statement verified }
      }
    }
    positions(first: 100) { totalCount }
  }
}
"""

BOARD = """
query Board {
  issues(first: 100) {
    nodes {
      slug
      positions(first: 5) { totalCount nodes { id country speaker } }
      statusSpans { status from until days startedBy { id } }
    }
  }
}
"""


def seeded_positions() -> list[JSON]:
    """The positions of the seed file, in file order."""
    positions: list[JSON] = SEED["positions"]
    return positions


def newest_first(positions: list[JSON]) -> list[tuple[str, str]]:
    """(issue, speaker) pairs by stated day, newest first (ties: later in file)."""
    ordered = sorted(
        enumerate(positions),
        key=lambda pair: (first_day(pair[1]["stated_on"]), pair[0]),
        reverse=True,
    )
    return [(p["issue"], p["speaker"]) for _, p in ordered]


async def walk(client: httpx.AsyncClient, filter: JSON | None = None) -> list[JSON]:
    """Every position of the feed, three at a time."""
    seen: list[JSON] = []
    after = None
    while True:
        variables = {"filter": filter, "first": 3, "after": after}
        page = (await gql_data(client, FEED, variables))["positions"]
        seen.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


async def test_the_feed_holds_every_seeded_position_newest_first(
    client: httpx.AsyncClient,
) -> None:
    nodes = await walk(client)

    assert len(nodes) == len(seeded_positions()) == 20
    assert [(n["issue"]["slug"], n["speaker"]) for n in nodes] == newest_first(
        seeded_positions()
    )
    assert len({n["id"] for n in nodes}) == 20


@pytest.mark.parametrize("country", ["IN", "CN", "in"])
async def test_the_feed_filtered_by_country(
    client: httpx.AsyncClient, country: str
) -> None:
    nodes = await walk(client, {"country": country})

    expected = [p for p in seeded_positions() if p["country"] == country.upper()]
    assert {n["country"] for n in nodes} == {country.upper()}
    assert len(nodes) == len(expected) > 0


async def test_the_feed_filtered_by_issue_and_date_range(
    client: httpx.AsyncClient, seeded_db: TortoiseContext
) -> None:
    issue = await Issue.get(slug="border-peace-normalisation")
    window = {"statedFrom": "2025-01-01", "statedTo": "2025-12-31"}

    nodes = await walk(client, {"issue": global_id("Issue", issue.pk), **window})

    expected = [
        p
        for p in seeded_positions()
        if p["issue"] == issue.slug
        and date(2025, 1, 1) <= first_day(p["stated_on"]) <= date(2025, 12, 31)
    ]
    assert sorted(n["speaker"] for n in nodes) == sorted(p["speaker"] for p in expected)
    assert expected


@pytest.mark.parametrize("day", ["2024-12-31", "2025-08-18", "2026-01-01"])
async def test_as_of_answers_what_had_been_said_by_then(
    client: httpx.AsyncClient, day: str
) -> None:
    nodes = await walk(client, {"asOf": day})

    expected = [
        p
        for p in seeded_positions()
        if first_day(p["stated_on"]) <= date.fromisoformat(day)
    ]
    assert len(nodes) == len(expected)


@pytest.mark.parametrize("day", [None, "2025-08-18"])
async def test_latest_per_side_keeps_each_sides_latest_position_on_each_issue(
    client: httpx.AsyncClient, day: str | None
) -> None:
    filter: JSON = {"latestPerSide": True, "asOf": day}

    nodes = await walk(client, filter)

    latest: dict[tuple[str, str], tuple[date, int, str]] = {}
    for index, p in enumerate(seeded_positions()):
        stated = first_day(p["stated_on"])
        if day is not None and stated > date.fromisoformat(day):
            continue
        key = (p["issue"], p["country"])
        latest[key] = max(
            latest.get(key, (stated, index, p["speaker"])),
            (stated, index, p["speaker"]),
        )
    got = {(n["issue"]["slug"], n["country"]): n["speaker"] for n in nodes}
    assert got == {key: value[2] for key, value in latest.items()}
    assert len(nodes) == len(latest)


async def test_an_issue_lists_its_positions_oldest_first_by_country(
    client: httpx.AsyncClient,
) -> None:
    slug = "border-peace-normalisation"
    both = (await gql_data(client, OF_ISSUE, {"slug": slug}))["relationship"]
    china = (await gql_data(client, OF_ISSUE, {"slug": slug, "country": "CN"}))[
        "relationship"
    ]

    own = [p for p in seeded_positions() if p["issue"] == slug]
    ordered = sorted(own, key=lambda p: first_day(p["stated_on"]))
    assert [n["speaker"] for n in both["issue"]["positions"]["nodes"]] == [
        p["speaker"] for p in ordered
    ]
    assert both["issue"]["positions"]["totalCount"] == len(own)
    assert china["issue"]["positions"]["totalCount"] == len(
        [p for p in own if p["country"] == "CN"]
    )
    assert both["positions"]["totalCount"] == 20


async def test_a_position_is_a_node(client: httpx.AsyncClient) -> None:
    first = (await gql_data(client, FEED, {"first": 1}))["positions"]["nodes"][0]

    data = await gql_data(
        client,
        "query N($id: ID!) { node(id: $id) { __typename ...P } }\n"
        "fragment P on Position { id quote }",
        {"id": first["id"]},
    )

    assert data["node"] == {
        "__typename": "Position",
        "id": first["id"],
        "quote": first["quote"],
    }


@pytest.mark.parametrize("country", ["IND", "1N", ""])
async def test_a_malformed_country_is_a_bad_argument(
    client: httpx.AsyncClient, country: str
) -> None:
    body = await gql(client, OF_ISSUE, {"slug": "direct-flights", "country": country})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        f"`country` must be a two-letter country code such as 'IN'; '{country}' is not."
    )


async def test_positions_and_spans_of_every_issue_cost_a_fixed_number_of_statements(
    client: httpx.AsyncClient, sql_queries: QueryCounter
) -> None:
    before = sql_queries.count

    data = await gql_data(client, BOARD)

    statements = sql_queries.count - before
    nodes = data["issues"]["nodes"]
    assert len(nodes) == 21
    assert sum(n["positions"]["totalCount"] for n in nodes) == 20
    # the issue page and its count, then one statement each for the positions'
    # pages, their counts and every issue's live history
    assert statements <= 5, sql_queries.statements[-statements:]


RECORDED = """
query Recorded($orderBy: PositionOrder, $first: Int, $after: String) {
  positions(orderBy: $orderBy, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { issue { slug } speaker }
  }
  relationship(slug: "india-china") {
    positions(orderBy: $orderBy, first: 2) { nodes { issue { slug } speaker } }
  }
}
"""


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_positions_in_recorded_order_are_in_file_order(
    client: httpx.AsyncClient, direction: str
) -> None:
    order_by = {"field": "RECORDED", "direction": direction}
    seen: list[JSON] = []
    after = None
    for _ in range(20):
        variables = {"orderBy": order_by, "first": 3, "after": after}
        data = await gql_data(client, RECORDED, variables)
        seen.extend(data["positions"]["nodes"])
        if not data["positions"]["pageInfo"]["hasNextPage"]:
            break
        after = data["positions"]["pageInfo"]["endCursor"]

    in_file = [(p["issue"], p["speaker"]) for p in seeded_positions()]
    expected = in_file if direction == "ASC" else in_file[::-1]
    assert [(n["issue"]["slug"], n["speaker"]) for n in seen] == expected
    assert expected != newest_first(seeded_positions())
    of_relationship = data["relationship"]["positions"]["nodes"]
    assert [(n["issue"]["slug"], n["speaker"]) for n in of_relationship] == expected[:2]


@pytest.mark.parametrize("where", ["positions", "relationship"])
async def test_order_and_order_by_together_are_refused(
    client: httpx.AsyncClient, where: str
) -> None:
    field = "positions(order: DESC, orderBy: {field: STATED_ON}) { nodes { id } }"
    query = (
        f"{{ {field} }}"
        if where == "positions"
        else f'{{ relationship(slug: "india-china") {{ {field} }} }}'
    )

    body = await gql(client, query)

    error = only_error(body)
    assert error["message"] == "Pass either `order` or `orderBy`, not both."
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "orderBy"}
