"""Global ids (`node`, `nodes`), relationships, and the HTTP around `/graphql`."""

import asyncio
import base64
import re

import httpx
import pytest

from api.core.relay import global_id
from tests.api.graphql import JSON, gql, gql_data, only_error

NODE_FIELDS = """
  __typename
  id
  ... on Relationship { slug }
  ... on Issue { slug }
  ... on StatusUpdate { note issue { slug } }
  ... on Meeting { title }
"""

NODE = f"""
query Node($id: ID!) {{
  node(id: $id) {{ {NODE_FIELDS} }}
}}
"""

NODES = f"""
query Nodes($ids: [ID!]!) {{
  nodes(ids: $ids) {{ {NODE_FIELDS} }}
}}
"""

ONE_OF_EACH = """
{
  relationship(slug: "india-china") {
    __typename id slug
    issue(slug: "direct-flights") {
      __typename id slug
      updates(first: 1) { nodes { __typename id note issue { slug } } }
      meetings(first: 1) { nodes { __typename id title } }
    }
  }
}
"""


async def one_of_each(client: httpx.AsyncClient) -> list[JSON]:
    """A relationship, an issue, a status update and a meeting as lists show them."""
    data = await gql_data(client, ONE_OF_EACH)
    relationship = data["relationship"]
    issue = relationship.pop("issue")
    update = issue.pop("updates")["nodes"][0]
    meeting = issue.pop("meetings")["nodes"][0]
    return [relationship, issue, update, meeting]


async def test_node_fetches_every_type_by_its_id(client: httpx.AsyncClient) -> None:
    objects = await one_of_each(client)

    fetched = [
        (await gql_data(client, NODE, {"id": obj["id"]}))["node"] for obj in objects
    ]

    assert fetched == objects
    assert [obj["__typename"] for obj in fetched] == [
        "Relationship",
        "Issue",
        "StatusUpdate",
        "Meeting",
    ]


async def test_nodes_fetches_several_in_the_order_given_with_null_for_missing(
    client: httpx.AsyncClient,
) -> None:
    relationship, issue, update, meeting = await one_of_each(client)
    missing = global_id("Issue", 999_999)
    ids = [meeting["id"], missing, issue["id"], update["id"], relationship["id"]]

    data = await gql_data(client, NODES, {"ids": ids})

    assert data["nodes"] == [meeting, None, issue, update, relationship]


async def test_ids_differ_across_types_and_rows(client: httpx.AsyncClient) -> None:
    objects = await one_of_each(client)

    assert len({obj["id"] for obj in objects}) == 4


@pytest.mark.parametrize(
    "type_name", ["Relationship", "Issue", "StatusUpdate", "Meeting", "Unknown"]
)
async def test_a_well_formed_id_of_nothing_is_null_without_error(
    client: httpx.AsyncClient, type_name: str
) -> None:
    body = await gql(client, NODE, {"id": global_id(type_name, 999_999)})

    assert body == {"data": {"node": None}}


async def test_an_id_beyond_the_database_integer_range_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    # No row can have it, so it was never issued: refused, not a crash.
    value = global_id("Issue", 2**31)

    body = await gql(client, NODE, {"id": value})

    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == f"'{value}' is not a valid id."


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    ["not-an-id", "", encoded("Issue"), encoded("Issue:abc"), encoded("Is sue:1")],
)
async def test_a_malformed_id_is_bad_user_input(
    client: httpx.AsyncClient, value: str
) -> None:
    body = await gql(client, NODE, {"id": value})

    error = only_error(body)
    assert error["message"] == f"'{value}' is not a valid id."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["node"]
    assert body["data"] == {"node": None}


async def test_an_id_of_row_zero_is_malformed(client: httpx.AsyncClient) -> None:
    value = global_id("Issue", 0)

    body = await gql(client, NODE, {"id": value})

    error = only_error(body)
    assert error["message"] == f"'{value}' is not a valid id."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def stray_tasks() -> list[asyncio.Task[object]]:
    """Tasks the app left running after its response, awaited so none outlives us."""
    current = asyncio.current_task()
    stray = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    await asyncio.gather(*stray, return_exceptions=True)
    return stray


async def test_nodes_with_a_malformed_id_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    ids = [global_id("Issue", 1), "not-an-id"]

    body = await gql(client, NODES, {"ids": ids})
    await stray_tasks()  # see the next test; keeps the leak out of later tests

    error = only_error(body)
    assert error["message"] == "'not-an-id' is not a valid id."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


async def test_nodes_with_a_malformed_id_leaves_no_lookup_running(
    client: httpx.AsyncClient,
) -> None:
    # A lookup still running after the response outlives the request; once the
    # event loop is gone its database thread fails ("Event loop is closed").
    ids = [global_id("Issue", 1), "not-an-id"]

    await gql(client, NODES, {"ids": ids})

    assert [task.get_coro() for task in await stray_tasks()] == []


async def test_nodes_refuses_more_than_100_ids(client: httpx.AsyncClient) -> None:
    ids = [global_id("Issue", number) for number in range(1, 102)]

    body = await gql(client, NODES, {"ids": ids})

    error = only_error(body)
    assert error["message"] == "`ids` is limited to 100 ids; 101 given."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


async def test_nodes_of_no_ids_is_an_empty_list(client: httpx.AsyncClient) -> None:
    data = await gql_data(client, NODES, {"ids": []})

    assert data == {"nodes": []}


# Relationships

RELATIONSHIPS = """
{
  relationships { slug name countries }
  found: relationship(slug: "india-china") { slug name countries }
  missing: relationship(slug: "nope") { slug }
}
"""


async def test_relationships_list_india_china(client: httpx.AsyncClient) -> None:
    data = await gql_data(client, RELATIONSHIPS)

    india_china = {
        "slug": "india-china",
        "name": "India\N{EN DASH}China",
        "countries": ["IN", "CN"],
    }
    assert data == {
        "relationships": [india_china],
        "found": india_china,
        "missing": None,
    }


# HTTP

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_ok_when_the_database_does(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("GET", "/healthz", None),
        ("GET", "/readyz", None),
        ("POST", "/graphql", {"query": "{ relationships { slug } }"}),
        ("POST", "/graphql", {"query": "{ nope }"}),
        ("GET", "/no-such-page", None),
    ],
)
async def test_every_response_carries_a_request_id(
    client: httpx.AsyncClient, method: str, path: str, payload: JSON | None
) -> None:
    response = await client.request(method, path, json=payload)

    assert REQUEST_ID.match(response.headers["x-request-id"])


async def test_each_request_gets_its_own_request_id(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")

    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_sane_incoming_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ relationships { slug } }"},
        headers={"X-Request-ID": "abc-123"},
    )

    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize("incoming", ["has spaces", "x" * 65, "semi;colon", ""])
async def test_an_unfit_incoming_request_id_is_replaced(
    client: httpx.AsyncClient, incoming: str
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": incoming})

    returned = response.headers["x-request-id"]
    assert returned != incoming
    assert REQUEST_ID.match(returned)


async def test_graphql_in_a_browser_serves_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_a_query_over_get_works(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{relationships{slug}}"})

    assert response.status_code == 200
    assert response.json() == {"data": {"relationships": [{"slug": "india-china"}]}}


async def test_an_id_is_made_only_when_asked_for(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[str, int]] = []

    def counted(type_name: str, pk: int) -> str:
        made.append((type_name, pk))
        return global_id(type_name, pk)

    monkeypatch.setattr("api.core.relay.global_id", counted)
    board = "{ issues(first: 5) { nodes { %s updates(first: 2) { nodes { %s } } } } }"

    # when a page of issues and their updates is read without ids, none is made
    await gql_data(client, board % ("slug", "note"))
    assert made == []

    # and when ids are asked for, each is the node's own, made once per node
    data = await gql_data(client, board % ("id", "id"))
    issues = data["issues"]["nodes"]
    ids = [issue["id"] for issue in issues]
    ids += [update["id"] for issue in issues for update in issue["updates"]["nodes"]]
    assert len(made) == len(ids) == len(set(ids))
    assert sorted(global_id(*each) for each in made) == sorted(ids)
    assert {kind for kind, _ in made} == {"Issue", "StatusUpdate"}
