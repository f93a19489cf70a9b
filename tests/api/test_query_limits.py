"""Query limits: depth, aliases, tokens, length and nodes, refused before running."""

from typing import Any

import httpx
import pytest
from graphql import get_introspection_query
from tortoise.context import TortoiseContext

from api.app import create_app
from api.guards.limits import Limits
from api.settings import Settings
from tests.api.graphql import JSON, post_document, seed_issues
from tests.live import graphql_socket, serving

# issues > nodes > updates > nodes > issue > updates > nodes > issue > updates >
# nodes > note: eleven levels.
ELEVEN_DEEP = """{ issues { nodes { updates { nodes { issue { updates { nodes {
  issue { updates { nodes { note } } } } } } } } } } }"""
TEN_DEEP = """{ issues { nodes { updates { nodes { issue { updates { nodes {
  issue { slug } } } } } } } } }"""


def refusal(message: str, limit: str, **extensions: Any) -> JSON:
    """The body of a request refused for one limit."""
    return {
        "errors": [
            {
                "message": message,
                "extensions": {"code": "LIMIT_EXCEEDED", "limit": limit, **extensions},
            }
        ]
    }


def without_locations(body: JSON) -> JSON:
    """The body with the errors' locations dropped."""
    return {
        "errors": [
            {k: v for k, v in error.items() if k != "locations"}
            for error in body["errors"]
        ]
    }


async def test_ten_levels_run_and_eleven_are_refused(
    client: httpx.AsyncClient,
) -> None:
    # when documents ten and eleven levels deep are posted
    ten = await post_document(client, TEN_DEEP)
    eleven = await post_document(client, ELEVEN_DEEP)

    # then the first runs; the second is refused before running, with no data
    assert ten.status_code == 200
    assert "errors" not in ten.json()
    assert eleven.status_code == 400
    assert without_locations(eleven.json()) == refusal(
        "The operation is nested 11 levels deep; the limit is 10.", "depth"
    )


async def test_depth_counts_through_fragments_and_names_the_operation(
    client: httpx.AsyncClient,
) -> None:
    # given the same eleven levels, split across two fragments
    document = """query Deep { issues { nodes { ...Updates } } }
    fragment Updates on Issue { updates { nodes { issue { ...More } } } }
    fragment More on Issue { updates { nodes { issue { updates {
      nodes { note } } } } } }"""

    # when it is posted
    response = await post_document(client, document)

    # then the depth is counted through the fragments
    assert response.status_code == 400
    assert without_locations(response.json()) == refusal(
        "`Deep` is nested 11 levels deep; the limit is 10.", "depth"
    )


async def test_the_introspection_query_is_not_counted_for_depth(
    client: httpx.AsyncClient,
) -> None:
    # when GraphiQL's introspection query (deep `ofType` chains) is posted
    response = await post_document(client, get_introspection_query())

    # then it runs
    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_fifteen_aliases_run_and_sixteen_are_refused(
    client: httpx.AsyncClient,
) -> None:
    # when documents with 15 and 16 aliased fields are posted
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{n}: viewer {{ role }}" for n in range(count)) + " }"

    fifteen = await post_document(client, aliased(15))
    sixteen = await post_document(client, aliased(16))

    # then only the first runs
    assert fifteen.status_code == 200
    assert len(fifteen.json()["data"]) == 15
    assert sixteen.status_code == 400
    assert without_locations(sixteen.json()) == refusal(
        "The operation uses 16 aliases; the limit is 15.", "aliases"
    )


async def test_aliases_in_a_fragment_count_once_per_spread(
    client: httpx.AsyncClient,
) -> None:
    # given a fragment of 4 aliases, spread 5 times (20 aliases in all)
    document = """{ a: viewer { ...F } b: viewer { ...F } c: viewer { ...F }
      d: viewer { ...F } e: viewer { ...F } }
    fragment F on Viewer { w: role x: role y: name z: name }"""

    # when it is posted
    response = await post_document(client, document)

    # then each spread's aliases count, plus the five at the top
    assert without_locations(response.json()) == refusal(
        "The operation uses 25 aliases; the limit is 15.", "aliases"
    )


async def test_a_fan_out_of_fragments_is_measured_without_expanding_it(
    client: httpx.AsyncClient,
) -> None:
    # given 40 fragments, each spreading the next twice (2**40 expanded fields)
    fragments = "\n".join(
        f"fragment F{n} on Viewer {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40)
    )
    document = (
        f"{{ viewer {{ ...F0 }} }}\n{fragments}\nfragment F40 on Viewer {{ r: role }}"
    )

    # when it is posted
    response = await post_document(client, document)

    # then the alias count is computed, not enumerated, and refused
    assert response.status_code == 400
    assert without_locations(response.json()) == refusal(
        f"The operation uses {2**40:,} aliases; the limit is 15.", "aliases"
    )


async def test_a_document_over_2000_tokens_is_refused(
    client: httpx.AsyncClient,
) -> None:
    # given a short document of 2,005 tokens: `{ viewer {`, 2,001 names, `} }`
    document = "{ viewer { " + "a " * 2_001 + "} }"

    # when it is posted
    response = await post_document(client, document)

    # then it is refused while parsing
    assert response.status_code == 400
    assert response.json() == refusal(
        "The document has more than 2,000 tokens; the limit is 2,000.", "tokens"
    )


async def test_a_document_over_15000_characters_is_refused_unparsed(
    client: httpx.AsyncClient,
) -> None:
    # given a short query padded with a comment to 15,001 characters
    query = "{ viewer { role } }\n#"
    document = query + "x" * (15_001 - len(query))

    # when it and one character less are posted
    refused = await post_document(client, document)
    accepted = await post_document(client, document[:-1])

    # then only the longer is refused
    assert refused.status_code == 400
    assert refused.json() == refusal(
        "The document is 15,001 characters long; the limit is 15,000.",
        "document_chars",
    )
    assert accepted.status_code == 200


@pytest.mark.parametrize(
    ("document", "variables", "nodes"),
    [
        (
            "{ issues(first: 100) { nodes { updates(first: 100) { totalCount } } } }",
            {},
            10_100,
        ),
        (
            "query($n: Int) { issues(first: $n) { nodes { meetings(last: 100) "
            "{ totalCount } } } }",
            {"n": 100},
            10_100,
        ),
        (
            "query($n: Int = 100) { statusUpdates(first: $n) { nodes { issue { "
            "updates(first: 100) { totalCount } } } } }",
            {},
            10_100,
        ),
        (
            "{ issues(first: 30) { nodes { ...U } } meetings(first: 30) { nodes { "
            "issues { ...U } } } }\nfragment U on Issue { updates { nodes { "
            "issue { meetings { totalCount } } } } }",
            {},
            (30 + 30 * 20 + 30 * 20 * 20) * 2,
        ),
    ],
    ids=["literal", "variable", "default", "fragment"],
)
async def test_a_query_that_could_return_too_many_nodes_is_refused(
    client: httpx.AsyncClient, document: str, variables: JSON, nodes: int
) -> None:
    # when a document whose page sizes multiply past 10,000 is posted
    response = await post_document(client, document, variables=variables)

    # then it is refused with the computed figure, before anything runs
    if nodes <= 10_000:
        assert response.status_code == 200, response.json()
        return
    assert response.status_code == 400
    assert response.json() == refusal(
        f"This query could return up to {nodes:,} nodes (each connection's "
        "`first` or `last`, default 20, multiplied by those above it); the "
        "limit is 10,000. Ask for smaller pages.",
        "nodes",
        nodes=nodes,
    )


async def test_just_under_the_node_limit_runs(client: httpx.AsyncClient) -> None:
    # when 99 issues with 100 updates each (9,999 nodes) are asked for
    response = await post_document(
        client, "{ issues(first: 99) { nodes { updates(first: 100) { totalCount } } } }"
    )

    # then it runs
    assert response.status_code == 200
    assert len(response.json()["data"]["issues"]["nodes"]) == len(seed_issues())


@pytest.mark.parametrize(
    "settings", [Settings(limits=Limits(depth=3, aliases=1, nodes=50))]
)
async def test_the_limits_come_from_the_settings(client: httpx.AsyncClient) -> None:
    # when documents within the defaults but over these settings are posted
    deep = await post_document(
        client, "{ issues { nodes { updates { totalCount } } } }"
    )
    aliased = await post_document(client, "{ a: viewer { role } b: viewer { role } }")
    many = await post_document(client, "{ issues(first: 51) { totalCount } }")

    # then each is refused by its own limit
    assert [
        r.json()["errors"][0]["extensions"]["limit"] for r in (deep, aliased, many)
    ] == ["depth", "aliases", "nodes"]


async def test_the_limits_hold_over_websocket_too(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    app = create_app(Settings(database_url=seeded_url), manage_database=False)
    async with serving(app) as base, graphql_socket(base) as ws:
        # when a subscription too deep, and one with too many nodes, are sent
        deep = "subscription { statusUpdates { issue { updates { nodes { issue { "
        deep += "updates { nodes { issue { updates { nodes { issue { slug } } } } } "
        deep += "} } } } } } }"
        await ws.subscribe("deep", deep)
        deep_reply = await ws.receive()
        wide = "subscription { statusUpdates { issue { updates(first: 100) { nodes "
        wide += "{ issue { meetings(first: 100) { totalCount } } } } } } }"
        await ws.subscribe("wide", wide)
        wide_reply = await ws.receive()

    # then both are refused with the limit that applies
    assert deep_reply["type"] == "error"
    assert deep_reply["payload"][0]["message"] == (
        "The operation is nested 12 levels deep; the limit is 10."
    )
    assert wide_reply["type"] == "error"
    assert wide_reply["payload"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "nodes",
        "nodes": 10_100,
    }
