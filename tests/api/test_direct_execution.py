"""Queries answered directly (api.schema.direct_execution) answer byte for byte
what graphql-core answers; anything not covered, and any failure, is answered by
graphql-core."""

from dataclasses import replace
from typing import Any

import httpx
import orjson
import pytest
from strawberry.schema.schema_converter import (
    CustomGraphQLEnumType,
    GraphQLCoreConverter,
)
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.schema import direct_execution
from api.schema.build import SchemaOptions, build_schema
from api.schema.direct_execution import COUNTS
from api.schema.direct_plan import NotDirectError, serializer
from api.settings import Settings
from models.issue import Issue
from tests.conftest import QueryCounter

BOARD = """
query Board($first: Int) {
  issues(first: $first, orderBy: {field: UPDATED_AT, direction: DESC}) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id slug } }
    nodes {
      __typename id slug title summary category raisedBy status version
      createdAt updatedAt archivedAt
      latestUpdate { id status occurredOn { date precision text } note
        source { url title publisher } verified recordedAt recordedBy
        previousStatus }
      updates(first: 3, order: DESC) { nodes { id status occurredOn { text } } }
      statusSpans { status from until days }
    }
  }
}
"""
FRAGMENTS = """
query Shapes($withNote: Boolean!, $skipSlug: Boolean!) {
  relationship(slug: "india-china") {
    ...Named
    issues(first: 5) {
      nodes {
        first: slug @skip(if: $skipSlug)
        ... on Issue { again: slug }
        ...Card
        ...Card
        latestUpdate { note @include(if: $withNote) status }
        latestUpdate { id }
      }
    }
  }
}
fragment Named on Relationship { name slug countries }
fragment Card on Issue { title ...Status meetings { totalCount nodes { title } } }
fragment Status on Issue { status positions(first: 2) { nodes { country statement } } }
"""
TIME_TRAVEL = """
query TimeTravel($day: Date!) {
  statusCounts(asOf: $day) { status count }
  issues(first: 20, filter: {asOf: $day}) { nodes { slug statusAsOf(date: $day) } }
}
"""
NODE = "query One($id: ID!) { node(id: $id) { id ... on Issue { slug } } }"
BAD_CURSOR = '{ issues(first: 2, after: "nope") { nodes { slug } } }'
INTROSPECTION = (
    "{ __schema { queryType { name } } issues(first: 1) { nodes { slug } } }"
)


@pytest.fixture
def settings() -> Settings:
    """No response cache: every answer here is executed."""
    return Settings.from_environment({"BILATERAL_RESPONSE_CACHE": "off"})


async def answer(client: httpx.AsyncClient, query: str, **variables: Any) -> bytes:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}
    )
    return orjson.dumps(response.json())


CASES: list[tuple[str, dict[str, Any]]] = [
    (BOARD, {"first": 10}),
    (FRAGMENTS, {"withNote": True, "skipSlug": False}),
    (FRAGMENTS, {"withNote": False, "skipSlug": True}),
    (TIME_TRAVEL, {"day": "2025-01-27"}),
    (BAD_CURSOR, {}),
    (INTROSPECTION, {}),
]


@pytest.mark.parametrize(("query", "variables"), CASES)
async def test_a_direct_answer_is_graphql_cores_byte_for_byte(
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    sql_queries: QueryCounter,
    query: str,
    variables: dict[str, Any],
) -> None:
    direct = await answer(client, query, **variables)
    statements = sql_queries.count
    monkeypatch.setattr(direct_execution.DirectRun, "data", _refuse)
    full = await answer(client, query, **variables)
    assert direct == full
    # and its loaders batched as graphql-core's did: as many statements
    assert statements == sql_queries.count - statements


async def _refuse(run: direct_execution.DirectRun) -> dict[str, Any]:
    """Every query answered by graphql-core."""
    raise NotDirectError


async def test_plain_queries_are_answered_directly(client: httpx.AsyncClient) -> None:
    before = COUNTS.direct, COUNTS.full
    for query, variables in CASES[:4]:
        await answer(client, query, **variables)
    assert (COUNTS.direct - before[0], COUNTS.full - before[1]) == (4, 0)


async def test_an_expensive_operation_is_paced_by_graphql_core(
    seeded_db: TortoiseContext,
) -> None:
    # given an app where every operation is expensive, so its lists are paced
    settings = replace(Settings.from_environment({}), heavy_cost=1)
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        before = COUNTS.direct, COUNTS.full
        data = orjson.loads(await answer(http, BOARD, first=5))

    assert len(data["data"]["issues"]["nodes"]) == 5
    assert (COUNTS.direct - before[0], COUNTS.full - before[1]) == (0, 1)


async def test_what_is_not_covered_goes_to_graphql_core(
    client: httpx.AsyncClient,
) -> None:
    pk = (await Issue.get(slug="direct-flights")).pk
    before = COUNTS.direct, COUNTS.full

    node = orjson.loads(await answer(client, NODE, id=global_id("Issue", pk)))
    bad = orjson.loads(await answer(client, BAD_CURSOR))
    introspected = orjson.loads(await answer(client, INTROSPECTION))

    assert node["data"]["node"]["slug"] == "direct-flights"  # an interface
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad["errors"][0]["path"] == ["issues"]
    assert introspected["data"]["__schema"] == {"queryType": {"name": "Query"}}
    assert (COUNTS.direct - before[0], COUNTS.full - before[1]) == (0, 3)


def test_an_enum_serialises_as_strawberry_serialises_it() -> None:
    schema = build_schema()
    enums = [
        kind
        for kind in schema._schema.type_map.values()
        if isinstance(kind, CustomGraphQLEnumType)
    ]
    assert len(enums) > 3
    for enum in enums:
        serialize = serializer(enum)
        assert serializer(enum) is serialize  # made once per type
        members: Any = enum.wrapped_cls
        for member in members:
            assert serialize(member) == enum.serialize(member)
        for name, value in enum.values.items():
            # a raw value (not a member) is left to the type's own serialiser
            assert serialize(value.value) == enum.serialize(value.value) == name


async def test_a_fields_exception_handlers_are_looked_up_once(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    # the app's schema (shared by the apps of equal options) plans afresh
    schema = build_schema(SchemaOptions(settings.limits, settings.introspection))
    monkeypatch.setattr(schema, "_execute", None)
    converter = GraphQLCoreConverter
    real = converter._get_field_exception_handlers
    asked: list[str] = []

    def counted(self: Any, field: Any) -> Any:
        asked.append(field.python_name)
        return real(self, field)

    monkeypatch.setattr(converter, "_get_field_exception_handlers", counted)

    # when the same board is answered directly three times
    for _ in range(3):
        await answer(client, BOARD, first=5)

    # then each of its resolvers' fields was looked up once at most
    assert asked
    assert len(asked) == len(set(asked))
