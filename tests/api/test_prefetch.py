"""A page of issues loads what its fields will ask for before they resolve, so
`latestUpdate` and `updates` answer at once rather than through a future each."""

import httpx
import pytest

import api.core.loaders
from api.core.relay import global_id
from models.issue import Issue
from tests.api.graphql import gql_data
from tests.conftest import QueryCounter

BOARD = """
query Board($first: Int, $order: SortDirection) {
  issues(first: $first, orderBy: {field: UPDATED_AT, direction: DESC}) {
    nodes {
      slug
      latestUpdate { id status }
      updates(first: 3, order: $order) { nodes { id } }
    }
  }
}
"""
FRAGMENTS = """
query Board {
  relationship(slug: "india-china") {
    issues(first: 10) { edges { node { ...Card } } }
  }
}
fragment Card on Issue { slug ...Latest updates(first: 2) { nodes { id } } }
fragment Latest on Issue { latestUpdate { id } }
"""
ONE = "query One($id: ID!) { node(id: $id) { ... on Issue { latestUpdate { id } } } }"


@pytest.fixture
def awaited(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the issue fields that had to wait for their loader."""
    calls: list[int] = []
    real = api.core.loaders._converted

    def counted(loading, convert):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(loading, convert)

    monkeypatch.setattr(api.core.loaders, "_converted", counted)
    return calls


async def test_a_board_answers_its_nested_pages_without_waiting(
    client: httpx.AsyncClient, awaited: list[int], sql_queries: QueryCounter
) -> None:
    # when a board of issues is read, with its variables
    data = await gql_data(client, BOARD, {"first": 20, "order": "DESC"})

    # then every issue has its latest update and its newest three, none awaited,
    # read by the page's statement and one statement per window of updates
    issues = data["issues"]["nodes"]
    assert len(issues) == 20
    for issue in issues:
        newest = issue["updates"]["nodes"]
        assert newest[0]["id"] == issue["latestUpdate"]["id"]
    assert awaited == []
    windows = [sql for sql in sql_queries.statements if "ROW_NUMBER()" in sql]
    assert len(windows) == 2
    assert 'FROM "issue"' in sql_queries.statements[-3]
    assert sql_queries.statements[-2:] == windows


async def test_fragments_and_edges_are_looked_through(
    client: httpx.AsyncClient, awaited: list[int]
) -> None:
    data = await gql_data(client, FRAGMENTS)

    edges = data["relationship"]["issues"]["edges"]
    assert len(edges) == 10
    assert all(edge["node"]["latestUpdate"] for edge in edges)
    assert awaited == []


async def test_an_issue_outside_a_list_still_loads_its_fields(
    client: httpx.AsyncClient, awaited: list[int]
) -> None:
    pk = (await Issue.get(slug="direct-flights")).pk
    data = await gql_data(client, ONE, {"id": global_id("Issue", pk)})

    assert data["node"]["latestUpdate"]["id"]
    assert awaited == [1]


async def test_refused_arguments_are_left_to_the_field(
    client: httpx.AsyncClient,
) -> None:
    # a page size over the maximum is refused by the field, with its path
    query = "{ issues(first: 2) { nodes { updates(first: 500) { nodes { id } } } } }"
    response = await client.post("/graphql", json={"query": query})
    errors = response.json()["errors"]
    assert {error["extensions"]["code"] for error in errors} == {"BAD_USER_INPUT"}
    assert errors[0]["path"][:3] == ["issues", "nodes", 0]
