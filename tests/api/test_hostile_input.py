"""Hostile input to `/graphql`: every attack is refused (or answered harmlessly)
with the right status and code, quickly, and the server answers a normal query
right after.

Requests ask for `application/graphql-response+json`, under which a request
refused before execution gets 400 and an executed one 200, whatever its errors.
`INTERNAL_SERVER_ERROR` and 5xx must never come back. Each request runs inside
`asyncio.timeout(10)`, so a hang fails the test instead of stalling the suite.
"""

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.core.relay import global_id
from api.guards.limits import Limits
from api.settings import Settings
from models.issue import Issue
from models.relationship import Relationship
from models.status_update import StatusUpdate
from tests.api.graphql import JSON, SEED, seed_issues, seed_updates
from tests.conftest import Tokens

GRAPHQL_RESPONSE = "application/graphql-response+json"
SECONDS = 10
HEALTH_CHECK = "{ relationships { slug } }"
ALIVE = {"data": {"relationships": [{"slug": "india-china"}]}}
BODY_LIMIT = "The request body is over the limit of 65,536 bytes."


async def post(
    client: httpx.AsyncClient,
    payload: Any = None,
    *,
    content: bytes | None = None,
    token: str | None = None,
) -> httpx.Response:
    """POST a payload (JSON-encoded with ASCII escapes, so lone surrogates survive)
    or raw bytes, failing the test if no answer comes within SECONDS."""
    headers = {"Accept": GRAPHQL_RESPONSE, "Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = content if content is not None else json.dumps(payload).encode()
    async with asyncio.timeout(SECONDS):
        return await client.post("/graphql", content=body, headers=headers)


async def assert_still_answers(client: httpx.AsyncClient) -> None:
    """The server answers a normal query correctly."""
    response = await post(client, {"query": HEALTH_CHECK})
    assert (response.status_code, response.json()) == (200, ALIVE)


def refused(message: str, code: str, **extensions: Any) -> JSON:
    """The body of a request refused before execution, without locations."""
    return {
        "errors": [{"message": message, "extensions": {"code": code, **extensions}}]
    }


def limit_exceeded(message: str, limit: str, **extensions: Any) -> JSON:
    """The body of a request refused for asking too much."""
    return refused(message, "LIMIT_EXCEEDED", limit=limit, **extensions)


def summary(body: JSON) -> list[tuple[str, JSON]]:
    """Each error's message and extensions (locations left out)."""
    return [(e["message"], e.get("extensions", {})) for e in body.get("errors", [])]


def codes(body: JSON) -> list[str | None]:
    """Each error's code."""
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def assert_answer_or_client_error(
    response: httpx.Response, answer: JSON | None
) -> None:
    """Either the data a harmless value would get (None: there is none, it must be
    refused), or a client error; never a server error."""
    body = response.json()
    assert response.status_code in (200, 400), body
    if "errors" not in body:
        assert body == {"data": answer}
        return
    assert codes(body), body
    assert set(codes(body)) <= {"BAD_USER_INPUT", "BAD_REQUEST"}, body


def b64(text: str) -> str:
    """Unpadded URL-safe base64, as ids and cursors are written."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def not_a_valid_id(value: str) -> str:
    """The message for an id that cannot be decoded."""
    return f"'{value[:64]}' is not a valid id."


# --- depth --------------------------------------------------------------------

DEEP = """
{ issues { nodes { updates { nodes { issue { updates { nodes { issue {
  updates { nodes { issue { slug } } } } } } } } } } } }
"""
DEEP_IN_FRAGMENTS = """
query Deep { issues(first: 1) { nodes { ...Level1 } } }
fragment Level1 on Issue { updates(first: 1) { nodes { ...Level2 } } }
fragment Level2 on StatusUpdate { issue { updates(first: 1) { nodes { ...Level3 } } } }
fragment Level3 on StatusUpdate {
  issue { updates(first: 1) { nodes { issue { relationship { slug } } } } }
}
"""
DEEP_IN_INLINE_FRAGMENTS = """
{ node(id: "SXNzdWU6MQ") { ... on Issue { updates { nodes { issue { updates {
  nodes { issue { updates { nodes { issue { slug } } } } } } } } } } } }
"""
AT_THE_DEPTH_LIMIT = """
{ issues(first: 1) { nodes { updates(first: 1) { nodes { issue {
  updates(first: 1) { nodes { issue { relationship { slug } } } } } } } } } }
"""


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (DEEP, "The operation is nested 12 levels deep; the limit is 10."),
        (DEEP_IN_FRAGMENTS, "`Deep` is nested 13 levels deep; the limit is 10."),
        (
            DEEP_IN_INLINE_FRAGMENTS,
            "The operation is nested 11 levels deep; the limit is 10.",
        ),
    ],
    ids=["inline", "inside fragment spreads", "inside inline fragments"],
)
async def test_a_document_nested_beyond_the_depth_limit_is_refused(
    client: httpx.AsyncClient, document: str, message: str
) -> None:
    # when
    response = await post(client, {"query": document})

    # then
    assert response.status_code == 400
    assert response.json() == limit_exceeded(message, "depth")
    await assert_still_answers(client)


async def test_a_document_nested_exactly_to_the_depth_limit_is_answered(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(client, {"query": AT_THE_DEPTH_LIMIT})

    # then
    deepest = {"issue": {"relationship": {"slug": "india-china"}}}
    middle = {"issue": {"updates": {"nodes": [deepest]}}}
    assert response.status_code == 200
    assert response.json() == {
        "data": {"issues": {"nodes": [{"updates": {"nodes": [middle]}}]}}
    }


# --- aliases ------------------------------------------------------------------


def aliased(count: int, field: str = "relationships { slug }") -> str:
    """A query of `count` aliases of one field."""
    return "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }"


EIGHT_ALIASES_SPREAD_TWICE = """
query Twice {
  relationships { ...Eight }
  relationship(slug: "india-china") { ...Eight }
}
fragment Eight on Relationship {
  a0: slug a1: slug a2: slug a3: slug a4: slug a5: slug a6: slug a7: slug
}
"""


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (aliased(16), "The operation uses 16 aliases; the limit is 15."),
        (EIGHT_ALIASES_SPREAD_TWICE, "`Twice` uses 16 aliases; the limit is 15."),
    ],
    ids=["16 aliases", "8 aliases in a fragment spread twice"],
)
async def test_a_document_with_more_aliases_than_the_limit_is_refused(
    client: httpx.AsyncClient, document: str, message: str
) -> None:
    # when
    response = await post(client, {"query": document})

    # then
    assert response.status_code == 400
    assert response.json() == limit_exceeded(message, "aliases")
    await assert_still_answers(client)


async def test_a_document_with_as_many_aliases_as_the_limit_is_answered(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(client, {"query": aliased(15)})

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {f"a{i}": [{"slug": "india-china"}] for i in range(15)}
    }


ALIAS_FLOOD = aliased(10_000, "viewer { role }")
RAISED_BODY = Limits(body_bytes=10_000_000)
RAISED_LENGTH = Limits(body_bytes=10_000_000, document_chars=10_000_000)
RAISED_TOKENS = Limits(
    body_bytes=10_000_000, document_chars=10_000_000, tokens=10_000_000
)


@pytest.mark.parametrize(
    ("settings", "status", "expected"),
    [
        (Settings(), 413, refused(BODY_LIMIT, "BAD_REQUEST")),
        (
            Settings(limits=RAISED_BODY),
            400,
            limit_exceeded(
                f"The document is {len(ALIAS_FLOOD):,} characters long; the limit "
                "is 15,000.",
                "document_chars",
            ),
        ),
        (
            Settings(limits=RAISED_LENGTH),
            400,
            limit_exceeded(
                "The document has more than 2,000 tokens; the limit is 2,000.",
                "tokens",
            ),
        ),
        (
            Settings(limits=RAISED_TOKENS),
            400,
            limit_exceeded(
                "The operation uses 10,000 aliases; the limit is 15.", "aliases"
            ),
        ),
    ],
    ids=[
        "the body limit refuses it first",
        "then the document length",
        "then the token count",
        "then the alias limit",
    ],
)
async def test_a_flood_of_10_000_aliases_is_refused_by_the_first_limit_it_breaks(
    client: httpx.AsyncClient, status: int, expected: JSON
) -> None:
    # when
    response = await post(client, {"query": ALIAS_FLOOD})

    # then
    assert response.status_code == status
    assert response.json() == expected
    await assert_still_answers(client)


# --- fragments ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            "{ issues { nodes { ...A } } }"
            " fragment A on Issue { ...B } fragment B on Issue { ...A }",
            "Cannot spread fragment 'A' within itself via 'B'.",
        ),
        (
            "{ issues { nodes { ...A } } } fragment A on Issue { slug ...A }",
            "Cannot spread fragment 'A' within itself.",
        ),
    ],
    ids=["two fragments spreading each other", "a fragment spreading itself"],
)
async def test_a_fragment_cycle_is_a_validation_error(
    client: httpx.AsyncClient, document: str, message: str
) -> None:
    # when
    response = await post(client, {"query": document})

    # then
    assert response.status_code == 400
    assert summary(response.json()) == [
        (message, {"code": "GRAPHQL_VALIDATION_FAILED"})
    ]
    await assert_still_answers(client)


def fan_out(root: str, on: str, each: str, leaf: str, levels: int = 30) -> str:
    """Billion laughs: fragment F0 spreads F1 twice, F1 spreads F2 twice, ..."""
    fragments = " ".join(
        f"fragment F{i} on {on} {{ {each.format(i=i)} ...F{i + 1} ...F{i + 1} }}"
        for i in range(levels)
    )
    return f"{root} {fragments} fragment F{levels} on {on} {{ {leaf} }}"


FAN_OUT_OF_ALIASES = fan_out(
    "{ issues { nodes { ...F0 } } }", "Issue", "a{i}: slug", "slug"
)
FAN_OUT_OF_CONNECTIONS = fan_out(
    "{ ...F0 }", "Query", "", "issues(first: 1) { totalCount }"
)
FAN_OUT_OF_FIELDS = fan_out(
    "{ issues(first: 100) { nodes { ...F0 } } }", "Issue", "", "slug"
)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            FAN_OUT_OF_ALIASES,
            limit_exceeded(
                "The operation uses 1,073,741,823 aliases; the limit is 15.",
                "aliases",
            ),
        ),
        (
            FAN_OUT_OF_CONNECTIONS,
            limit_exceeded(
                "This query could return up to 1,073,741,824 nodes (each "
                "connection's `first` or `last`, default 20, multiplied by those "
                "above it); the limit is 10,000. Ask for smaller pages.",
                "nodes",
                nodes=1_073_741_824,
            ),
        ),
    ],
    ids=["an alias in each fragment", "a connection at the bottom"],
)
async def test_a_fragment_fan_out_is_refused_quickly(
    client: httpx.AsyncClient, document: str, expected: JSON
) -> None:
    # when
    response = await post(client, {"query": document})

    # then
    assert response.status_code == 400
    assert response.json() == expected
    await assert_still_answers(client)


async def test_a_fragment_fan_out_of_one_plain_field_is_answered_once_and_quickly(
    client: httpx.AsyncClient,
) -> None:
    # given: a billion spreads of `slug` merge into one field when executed
    plain = await post(client, {"query": "{ issues(first: 100) { nodes { slug } } }"})

    # when
    response = await post(client, {"query": FAN_OUT_OF_FIELDS})

    # then
    assert response.status_code == 200
    assert response.json() == plain.json()
    assert len(response.json()["data"]["issues"]["nodes"]) == len(seed_issues())


# --- sizes --------------------------------------------------------------------


async def test_a_document_of_15_001_characters_is_refused(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(client, {"query": HEALTH_CHECK.ljust(15_001)})

    # then
    assert response.status_code == 400
    assert response.json() == limit_exceeded(
        "The document is 15,001 characters long; the limit is 15,000.",
        "document_chars",
    )
    await assert_still_answers(client)


async def test_a_document_of_15_000_characters_is_answered(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(client, {"query": HEALTH_CHECK.ljust(15_000)})

    # then
    assert (response.status_code, response.json()) == (200, ALIVE)


def with_tokens(count: int) -> str:
    """A valid query of exactly `count` tokens: 16 around a list of TRADE."""
    categories = "TRADE " * (count - 16)
    return f"{{ issues(filter: {{category: [{categories}]}}) {{ totalCount }} }}"


async def test_a_document_of_2_001_tokens_is_refused(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(client, {"query": with_tokens(2_001)})

    # then
    assert response.status_code == 400
    assert response.json() == limit_exceeded(
        "The document has more than 2,000 tokens; the limit is 2,000.", "tokens"
    )
    await assert_still_answers(client)


async def test_a_document_of_2_000_tokens_is_answered(
    client: httpx.AsyncClient,
) -> None:
    # given
    trade = sum(issue["category"] == "TRADE" for issue in seed_issues())

    # when
    response = await post(client, {"query": with_tokens(2_000)})

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"issues": {"totalCount": trade}}}


SEARCH_ISSUES = "query($s: String) { issues(filter: {search: $s}) { totalCount } }"
SEARCH_MEETINGS = "query($s: String) { meetings(filter: {search: $s}) { totalCount } }"


async def test_a_60_kb_issue_search_in_the_variables_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(
        client, {"query": SEARCH_ISSUES, "variables": {"s": "x" * 60_000}}
    )

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert summary(body) == [
        (
            "`search` is limited to 200 characters.",
            {"code": "BAD_USER_INPUT", "argument": "filter"},
        )
    ]
    await assert_still_answers(client)


async def test_a_60_kb_meeting_search_in_the_variables_finds_nothing_or_is_refused(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(
        client, {"query": SEARCH_MEETINGS, "variables": {"s": "x" * 60_000}}
    )

    # then: no meeting holds it, or the search is refused as too long
    body = response.json()
    assert response.status_code == 200
    assert body == {"data": {"meetings": {"totalCount": 0}}} or codes(body) == [
        "BAD_USER_INPUT"
    ], body
    await assert_still_answers(client)


async def test_a_14_kb_string_literal_in_the_document_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    # given
    text = "x" * 14_000
    document = f'{{ issues(filter: {{search: "{text}"}}) {{ totalCount }} }}'

    # when
    response = await post(client, {"query": document})

    # then
    assert response.status_code == 200
    assert codes(response.json()) == ["BAD_USER_INPUT"]
    await assert_still_answers(client)


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 8_192):
        yield body[start : start + 8_192]


@pytest.mark.parametrize(
    "streamed", [False, True], ids=["with Content-Length", "streamed"]
)
async def test_a_body_over_64_kib_is_refused_with_413(
    client: httpx.AsyncClient, streamed: bool
) -> None:
    # given
    body = json.dumps({"query": HEALTH_CHECK, "variables": {"pad": "x" * 65_536}})

    # when
    headers = {"Accept": GRAPHQL_RESPONSE, "Content-Type": "application/json"}
    content = _chunks(body.encode()) if streamed else body.encode()
    async with asyncio.timeout(SECONDS):
        response = await client.post("/graphql", content=content, headers=headers)

    # then
    assert response.status_code == 413
    assert response.json() == refused(BODY_LIMIT, "BAD_REQUEST")
    await assert_still_answers(client)


# --- encodings ----------------------------------------------------------------


async def test_invalid_utf_8_in_the_body_is_a_bad_request(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post(
        client, content=b'{"query": "{ relationships { slug } }\xff\xfe"}'
    )

    # then
    assert response.status_code == 400
    assert response.json() == refused(
        "The request body is not valid UTF-8.", "BAD_REQUEST"
    )
    await assert_still_answers(client)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (HEALTH_CHECK + "\x00", "Syntax Error: Unexpected character: U+0000."),
        (HEALTH_CHECK + "\ud800", "Syntax Error: Invalid character: U+D800."),
        (
            '{ relationship(slug: "\ud800") { slug } }',
            "Syntax Error: Invalid character within String: U+D800.",
        ),
    ],
    ids=[
        "NUL between tokens",
        "lone surrogate between tokens",
        "lone surrogate in a string literal",
    ],
)
async def test_control_and_surrogate_characters_in_the_document_fail_to_parse(
    client: httpx.AsyncClient, document: str, message: str
) -> None:
    # when
    response = await post(client, {"query": document})

    # then
    assert response.status_code == 400
    assert summary(response.json()) == [(message, {"code": "GRAPHQL_PARSE_FAILED"})]
    await assert_still_answers(client)


NODE = "query($id: ID!) { node(id: $id) { id } }"
RELATIONSHIP = "query($s: String!) { relationship(slug: $s) { slug } }"
AFTER = "query($c: String) { issues(after: $c) { totalCount } }"
STATUSES = "query($s: [IssueStatus!]) { issues(filter: {status: $s}) { totalCount } }"
NO_ISSUES = {"issues": {"totalCount": 0}}
NO_MEETINGS = {"meetings": {"totalCount": 0}}
NO_RELATIONSHIP = {"relationship": None}


@pytest.mark.parametrize(
    ("payload", "answer"),
    [
        ({"query": SEARCH_ISSUES, "variables": {"s": "a\x00b"}}, NO_ISSUES),
        ({"query": SEARCH_ISSUES, "variables": {"s": "\x00"}}, NO_ISSUES),
        ({"query": SEARCH_MEETINGS, "variables": {"s": "\x00"}}, NO_MEETINGS),
        ({"query": RELATIONSHIP, "variables": {"s": "\x00"}}, NO_RELATIONSHIP),
        (
            {"query": '{ issues(filter: {search: "a\\u0000b"}) { totalCount } }'},
            NO_ISSUES,
        ),
        ({"query": '{ relationship(slug: "\x00") { slug } }'}, NO_RELATIONSHIP),
        ({"query": NODE, "variables": {"id": "\x00"}}, None),
        ({"query": AFTER, "variables": {"c": "\x00"}}, None),
        ({"query": SEARCH_ISSUES, "variables": {"s": "\ud800"}}, NO_ISSUES),
        ({"query": SEARCH_MEETINGS, "variables": {"s": "\ud800"}}, NO_MEETINGS),
        ({"query": RELATIONSHIP, "variables": {"s": "\ud800"}}, NO_RELATIONSHIP),
        ({"query": NODE, "variables": {"id": "\ud800"}}, None),
        ({"query": AFTER, "variables": {"c": "\ud800"}}, None),
        ({"query": STATUSES, "variables": {"s": ["\ud800"]}}, None),
        ({"query": HEALTH_CHECK, "operationName": "\ud800"}, None),
        ({"query": HEALTH_CHECK, "variables": {"\ud800": 1}}, ALIVE["data"]),
        ({"query": HEALTH_CHECK, "extensions": {"\ud800": 1}}, ALIVE["data"]),
    ],
    ids=[
        "NUL inside an issue search",
        "NUL alone as an issue search",
        "NUL as a meeting search",
        "NUL as a relationship slug",
        "NUL escaped in a string literal",
        "raw NUL in a string literal",
        "NUL as an id",
        "NUL as a cursor",
        "lone surrogate as an issue search",
        "lone surrogate as a meeting search",
        "lone surrogate as a relationship slug",
        "lone surrogate as an id",
        "lone surrogate as a cursor",
        "lone surrogate as an enum value",
        "lone surrogate as the operation name",
        "lone surrogate as a variable name",
        "lone surrogate as an extension name",
    ],
)
async def test_nul_and_lone_surrogates_in_values_get_an_answer_or_a_client_error(
    client: httpx.AsyncClient, payload: JSON, answer: JSON | None
) -> None:
    # when
    response = await post(client, payload)

    # then: what a harmless value would get (nothing matches it), or a client error
    assert_answer_or_client_error(response, answer)
    await assert_still_answers(client)


LONG = "x" * 1_000


@pytest.mark.parametrize(
    ("document", "answer"),
    [
        (RELATIONSHIP, NO_RELATIONSHIP),
        (
            'query($s: String!) { relationship(slug: "india-china") '
            "{ issue(slug: $s) { slug } } }",
            {"relationship": {"issue": None}},
        ),
        (
            "query($s: String) { issues(filter: {relationship: $s}) { totalCount } }",
            NO_ISSUES,
        ),
        (
            "query($s: String) { statusUpdates(filter: {relationship: $s}) "
            "{ totalCount } }",
            {"statusUpdates": {"totalCount": 0}},
        ),
        (
            "query($s: String) { meetings(filter: {relationship: $s}) { totalCount } }",
            NO_MEETINGS,
        ),
        (
            "query($s: String) { statusCounts(relationship: $s) { count } }",
            {"statusCounts": [{"count": 0}] * 7},
        ),
    ],
    ids=[
        "relationship(slug:)",
        "Relationship.issue(slug:)",
        "the issue filter",
        "the update filter",
        "the meeting filter",
        "statusCounts",
    ],
)
async def test_a_slug_longer_than_any_stored_finds_nothing_or_is_a_client_error(
    client: httpx.AsyncClient, document: str, answer: JSON
) -> None:
    # when
    response = await post(client, {"query": document, "variables": {"s": LONG}})

    # then
    assert_answer_or_client_error(response, answer)
    await assert_still_answers(client)


async def test_revoking_a_token_name_longer_than_any_stored_finds_nothing(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    document = """
    mutation($name: String!) { tokenRevoke(input: {name: $name}) { __typename } }
    """

    # when
    response = await post(
        client, {"query": document, "variables": {"name": LONG}}, token=tokens.admin
    )

    # then
    assert_answer_or_client_error(
        response, {"tokenRevoke": {"__typename": "NotFoundError"}}
    )
    await assert_still_answers(client)


@pytest.mark.parametrize(
    "since", ["2025-01-01T00:00:00", "2025-01-01"], ids=["naive", "a bare date"]
)
async def test_an_updated_since_without_a_time_zone_is_read_or_refused_cleanly(
    client: httpx.AsyncClient, since: str
) -> None:
    # given: every seeded issue was last changed after 2025-01-01, in any zone
    document = (
        "query($t: DateTime) { issues(filter: {updatedSince: $t}) { totalCount } }"
    )

    # when
    response = await post(client, {"query": document, "variables": {"t": since}})

    # then
    assert_answer_or_client_error(
        response, {"issues": {"totalCount": len(seed_issues())}}
    )
    await assert_still_answers(client)


# --- parameters of the wrong type ---------------------------------------------

QUERY_MESSAGE = "`query` is required and must be a string."
NAME_MESSAGE = "`operationName` must be a string or null."
VARIABLES_MESSAGE = "`variables` must be an object or null."
EXTENSIONS_MESSAGE = "`extensions` must be an object or null."
WRONG_TYPES = [
    ("query", 1, QUERY_MESSAGE),
    ("query", True, QUERY_MESSAGE),
    ("query", [HEALTH_CHECK], QUERY_MESSAGE),
    ("query", {"query": HEALTH_CHECK}, QUERY_MESSAGE),
    ("query", None, QUERY_MESSAGE),
    ("operationName", 1, NAME_MESSAGE),
    ("operationName", False, NAME_MESSAGE),
    ("operationName", ["A"], NAME_MESSAGE),
    ("operationName", {"name": "A"}, NAME_MESSAGE),
    ("variables", 1, VARIABLES_MESSAGE),
    ("variables", True, VARIABLES_MESSAGE),
    ("variables", [{"first": 1}], VARIABLES_MESSAGE),
    ("variables", '{"first": 1}', VARIABLES_MESSAGE),
    ("extensions", 1, EXTENSIONS_MESSAGE),
    ("extensions", False, EXTENSIONS_MESSAGE),
    ("extensions", [], EXTENSIONS_MESSAGE),
    ("extensions", "{}", EXTENSIONS_MESSAGE),
]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    WRONG_TYPES,
    ids=[f"{key} as {json.dumps(value)}" for key, value, _ in WRONG_TYPES],
)
async def test_a_parameter_of_the_wrong_json_type_is_a_bad_request(
    client: httpx.AsyncClient, key: str, value: Any, message: str
) -> None:
    # given
    payload = {"query": HEALTH_CHECK, key: value}

    # when
    response = await post(client, payload)

    # then
    assert response.status_code == 400
    assert response.json() == refused(message, "BAD_REQUEST")
    await assert_still_answers(client)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "Batching is not supported: send one operation."),
        (b"1", "The request body must be a JSON object."),
        (b'"{}"', "The request body must be a JSON object."),
        (b"null", "The request body must be a JSON object."),
        (b"", "The request body is not valid JSON."),
        (b'{"query": ', "The request body is not valid JSON."),
        (b'{"query": "' + b"9" * 5_000, "The request body is not valid JSON."),
        (
            b'{"query": "{ viewer { role } }", "variables": {"n": '
            + b"9" * 5_000
            + b"}}",
            "The request body is not valid JSON.",
        ),
    ],
    ids=[
        "an array",
        "a number",
        "a string",
        "null",
        "empty",
        "truncated",
        "an unclosed string",
        "a number of 5,000 digits",
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_bad_request(
    client: httpx.AsyncClient, body: bytes, message: str
) -> None:
    # when
    response = await post(client, content=body)

    # then
    assert response.status_code == 400
    assert response.json() == refused(message, "BAD_REQUEST")
    await assert_still_answers(client)


@pytest.mark.parametrize("key", ["operationName", "variables", "extensions"])
async def test_null_is_accepted_where_the_specification_allows_it(
    client: httpx.AsyncClient, key: str
) -> None:
    # when
    response = await post(client, {"query": HEALTH_CHECK, key: None})

    # then
    assert (response.status_code, response.json()) == (200, ALIVE)


async def test_deeply_nested_json_in_the_body_is_a_bad_request(
    client: httpx.AsyncClient,
) -> None:
    # given: 30,000 nested arrays, inside the body limit
    nested = "[" * 30_000 + "]" * 30_000
    body = '{"query": "{ viewer { role } }", "variables": {"a": ' + nested + "}}"

    # when
    response = await post(client, content=body.encode())

    # then
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]
    await assert_still_answers(client)


async def test_deeply_nested_json_in_get_variables_is_a_bad_request(
    client: httpx.AsyncClient,
) -> None:
    # when
    async with asyncio.timeout(SECONDS):
        response = await client.get(
            "/graphql",
            params={"query": HEALTH_CHECK, "variables": "[" * 5_000},
            headers={"Accept": GRAPHQL_RESPONSE},
        )

    # then
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]
    await assert_still_answers(client)


# --- page sizes ---------------------------------------------------------------

FIRST = "query($n: Int) { issues(first: $n) { totalCount } }"


@pytest.mark.parametrize(
    ("payload", "status", "message", "extensions"),
    [
        (
            {"query": "{ issues(first: 101) { totalCount } }"},
            200,
            "`first` must be between 0 and 100; 101 was given.",
            {"code": "BAD_USER_INPUT"},
        ),
        (
            {"query": "{ issues(first: -1) { totalCount } }"},
            200,
            "`first` must be between 0 and 100; -1 was given.",
            {"code": "BAD_USER_INPUT"},
        ),
        (
            {"query": FIRST, "variables": {"n": -1}},
            200,
            "`first` must be between 0 and 100; -1 was given.",
            {"code": "BAD_USER_INPUT"},
        ),
        (
            {"query": "{ issues(last: 2147483647) { totalCount } }"},
            400,
            "This query could return up to 2,147,483,647 nodes (each connection's "
            "`first` or `last`, default 20, multiplied by those above it); the "
            "limit is 10,000. Ask for smaller pages.",
            {"code": "LIMIT_EXCEEDED", "limit": "nodes", "nodes": 2_147_483_647},
        ),
        (
            {"query": "{ issues(first: 2147483648) { totalCount } }"},
            400,
            "Int cannot represent non 32-bit signed integer value: 2147483648",
            {"code": "GRAPHQL_VALIDATION_FAILED"},
        ),
        (
            {"query": "{ issues(first: 1e100) { totalCount } }"},
            400,
            "Int cannot represent non-integer value: 1e100",
            {"code": "GRAPHQL_VALIDATION_FAILED"},
        ),
        (
            {"query": FIRST, "variables": {"n": 2147483648}},
            400,
            "Variable '$n' has invalid value: Int cannot represent non 32-bit "
            "signed integer value: 2147483648",
            {"code": "BAD_USER_INPUT"},
        ),
        (
            {"query": FIRST, "variables": {"n": 1e100}},
            400,
            "Variable '$n' has invalid value: Int cannot represent non 32-bit "
            "signed integer value: 1e+100",
            {"code": "BAD_USER_INPUT"},
        ),
        (
            {"query": FIRST, "variables": {"n": "10"}},
            400,
            "Variable '$n' has invalid value: Int cannot represent non-integer "
            "value: '10'",
            {"code": "BAD_USER_INPUT"},
        ),
    ],
    ids=[
        "first: 101",
        "first: -1",
        "first: -1 as a variable",
        "last: 2^31 - 1 (over the node limit)",
        "first: 2^31",
        "first: 1e100",
        "first: 2^31 as a variable",
        "first: 1e100 as a variable",
        "first: a string as a variable",
    ],
)
async def test_an_out_of_range_page_size_is_a_client_error(
    client: httpx.AsyncClient,
    payload: JSON,
    status: int,
    message: str,
    extensions: JSON,
) -> None:
    # when
    response = await post(client, payload)

    # then
    body = response.json()
    assert response.status_code == status
    assert summary(body) == [(message, extensions)]
    assert body.get("data") is None
    await assert_still_answers(client)


async def test_an_out_of_range_nested_page_size_is_bad_user_input_at_its_path(
    client: httpx.AsyncClient,
) -> None:
    # given
    document = "{ issues(first: 1) { nodes { updates(last: 101) { totalCount } } } }"

    # when
    response = await post(client, {"query": document})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert [(e["message"], e["path"], e["extensions"]) for e in body["errors"]] == [
        (
            "`last` must be between 0 and 100; 101 was given.",
            ["issues", "nodes", 0, "updates"],
            {"code": "BAD_USER_INPUT"},
        )
    ]
    await assert_still_answers(client)


@pytest.mark.parametrize("settings", [Settings(request_timeout_seconds=2)])
@pytest.mark.parametrize(
    "document",
    [
        "{ relationships { slug } issues(first: 101) { totalCount } }",
        "{ issues(first: 101) { totalCount } meetings { totalCount } }",
        '{ issues(after: "garbage") { totalCount } statusUpdates { totalCount } }',
    ],
    ids=["after a sibling", "before a sibling", "a bad cursor beside a sibling"],
)
async def test_a_refused_field_beside_a_database_read_leaves_the_server_answering(
    client: httpx.AsyncClient, document: str
) -> None:
    # when
    response = await post(client, {"query": document})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    await assert_still_answers(client)
    await assert_still_answers(client)


# --- SQL and LIKE metacharacters ----------------------------------------------

METACHARACTERS = [
    "%",
    "_",
    "\\",
    "%%",
    "a%e",
    "_a_",
    "\\%",
    "'",
    "'; DROP TABLE issue; --",
    '" OR 1=1 --',
    "' OR '1'='1",
    "[a-z]",
    "*",
]


def issues_containing(text: str) -> int:
    """How many seeded issues hold `text` in their title or summary, ignoring case."""
    needle = text.strip().lower()
    return sum(
        needle in issue["title"].lower() or needle in issue["summary"].lower()
        for issue in seed_issues()
    )


def meetings_containing(text: str) -> int:
    """How many seeded meetings hold `text` in their title, ignoring case."""
    needle = text.strip().lower()
    return sum(needle in meeting["title"].lower() for meeting in SEED["meetings"])


INTACT = """
{
  issues(filter: {includeArchived: true}) { totalCount }
  statusUpdates(filter: {includeRetracted: true}) { totalCount }
  meetings { totalCount }
  relationships { slug }
}
"""


async def assert_tables_intact(client: httpx.AsyncClient) -> None:
    """Every seeded row is still there, through the API and the ORM."""
    response = await post(client, {"query": INTACT})
    assert response.json() == {
        "data": {
            "issues": {"totalCount": len(seed_issues())},
            "statusUpdates": {"totalCount": len(seed_updates())},
            "meetings": {"totalCount": len(SEED["meetings"])},
            "relationships": [{"slug": "india-china"}],
        }
    }
    assert await Issue.all().count() == len(seed_issues())


@pytest.mark.parametrize("text", METACHARACTERS)
async def test_sql_and_like_metacharacters_in_a_search_match_only_literally(
    client: httpx.AsyncClient, text: str
) -> None:
    # given
    document = """
    query($s: String) {
      issues(filter: {search: $s}) { totalCount }
      meetings(filter: {search: $s}) { totalCount }
    }
    """

    # when
    response = await post(client, {"query": document, "variables": {"s": text}})

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "issues": {"totalCount": issues_containing(text)},
            "meetings": {"totalCount": meetings_containing(text)},
        }
    }
    await assert_tables_intact(client)


async def test_the_metacharacter_searches_find_what_the_seeds_hold() -> None:
    # then: the table above is not vacuous: some searches do match (a "%" in one
    # summary only, not as a wildcard)
    assert issues_containing("'") > 0
    assert issues_containing("%") == 1
    assert [text for text in METACHARACTERS if issues_containing(text)] == ["%", "'"]


@pytest.mark.parametrize("text", ["%", "_", "'; DROP TABLE issue; --", '" OR 1=1 --'])
async def test_sql_metacharacters_in_slug_filters_match_nothing(
    client: httpx.AsyncClient, text: str
) -> None:
    # given
    document = """
    query($s: String!) {
      relationship(slug: $s) { slug }
      issues(filter: {relationship: $s}) { totalCount }
      statusUpdates(filter: {relationship: $s}) { totalCount }
      meetings(filter: {relationship: $s}) { totalCount }
      statusCounts(relationship: $s) { count }
    }
    """

    # when
    response = await post(client, {"query": document, "variables": {"s": text}})

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "relationship": None,
            "issues": {"totalCount": 0},
            "statusUpdates": {"totalCount": 0},
            "meetings": {"totalCount": 0},
            "statusCounts": [{"count": 0}] * 7,
        }
    }
    await assert_tables_intact(client)


@pytest.mark.parametrize("text", ["%", "_", "' OR 1=1 --"])
async def test_sql_metacharacters_in_raised_by_are_bad_user_input(
    client: httpx.AsyncClient, text: str
) -> None:
    # given
    document = "query($c: String) { issues(filter: {raisedBy: $c}) { totalCount } }"

    # when
    response = await post(client, {"query": document, "variables": {"c": text}})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert summary(body) == [
        (
            "`raisedBy` must be a two-letter country code such as 'IN'.",
            {"code": "BAD_USER_INPUT", "argument": "filter"},
        )
    ]
    await assert_tables_intact(client)


# --- enums --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "message", "code"),
    [
        (
            {"query": "{ issues(filter: {status: [NOPE]}) { totalCount } }"},
            "Value 'NOPE' does not exist in 'IssueStatus' enum.",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            {"query": "{ issues(orderBy: {field: NOPE}) { totalCount } }"},
            "Value 'NOPE' does not exist in 'IssueOrderField' enum.",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            {"query": '{ issues(filter: {status: "PROPOSED"}) { totalCount } }'},
            "Enum 'IssueStatus' cannot represent non-enum value: \"PROPOSED\". "
            "Did you mean the enum value 'PROPOSED'?",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            {"query": STATUSES, "variables": {"s": ["NOPE"]}},
            "Variable '$s' has invalid value at [0]: Value 'NOPE' does not exist "
            "in 'IssueStatus' enum.",
            "BAD_USER_INPUT",
        ),
        (
            {"query": STATUSES, "variables": {"s": [1]}},
            "Variable '$s' has invalid value at [0]: Enum 'IssueStatus' cannot "
            "represent non-string value: 1.",
            "BAD_USER_INPUT",
        ),
        (
            {"query": STATUSES, "variables": {"s": [{"PROPOSED": True}]}},
            "Variable '$s' has invalid value at [0]: Enum 'IssueStatus' cannot "
            "represent non-string value: {'PROPOSED': True}.",
            "BAD_USER_INPUT",
        ),
    ],
    ids=[
        "unknown literal",
        "unknown literal in an input object",
        "a string literal",
        "unknown as a variable",
        "a number as a variable",
        "an object as a variable",
    ],
)
async def test_an_invalid_enum_value_is_refused_before_execution(
    client: httpx.AsyncClient, payload: JSON, message: str, code: str
) -> None:
    # when
    response = await post(client, payload)

    # then
    assert response.status_code == 400
    assert summary(response.json()) == [(message, {"code": code})]
    await assert_still_answers(client)


async def test_an_invalid_enum_value_in_a_mutation_input_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    document = """
    mutation($input: IssueCreateInput!) { issueCreate(input: $input) { __typename } }
    """
    given = {"relationshipId": "x", "slug": "a", "title": "t", "category": "NOPE"}

    # when
    response = await post(
        client, {"query": document, "variables": {"input": given}}, token=tokens.editor
    )

    # then
    assert response.status_code == 400
    assert summary(response.json()) == [
        (
            "Variable '$input' has invalid value at .category: Value 'NOPE' does "
            "not exist in 'IssueCategory' enum.",
            {"code": "BAD_USER_INPUT"},
        )
    ]
    await assert_still_answers(client)


# --- malformed ids ------------------------------------------------------------

MALFORMED_IDS = {
    "empty": "",
    "punctuation": "!!!",
    "key not a number": b64("Issue:abc"),
    "negative key": b64("Issue:-1"),
    "key over 64 bits": b64("Issue:99999999999999999999"),
    "10,000 characters": "A" * 10_000,
}
UNKNOWN_TYPE = b64("Nope:1")


@pytest.mark.parametrize("value", MALFORMED_IDS.values(), ids=list(MALFORMED_IDS))
async def test_a_malformed_id_in_node_is_null_with_bad_user_input(
    client: httpx.AsyncClient, value: str
) -> None:
    # when
    response = await post(client, {"query": NODE, "variables": {"id": value}})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"node": None}
    assert [(e["message"], e["path"], e["extensions"]) for e in body["errors"]] == [
        (not_a_valid_id(value), ["node"], {"code": "BAD_USER_INPUT"})
    ]
    await assert_still_answers(client)


async def test_an_id_of_an_unknown_type_names_nothing(
    client: httpx.AsyncClient,
) -> None:
    # given
    document = "query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }"

    # when
    response = await post(
        client, {"query": document, "variables": {"id": UNKNOWN_TYPE}}
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"node": None, "nodes": [None]}}


@pytest.mark.parametrize(
    "document",
    [
        "query($id: ID!) { nodes(ids: [$id]) { id } }",
        "query($id: ID) { meetings(filter: {issue: $id}) { totalCount } }",
        "query($id: ID) { statusUpdates(filter: {issue: $id}) { totalCount } }",
    ],
    ids=["nodes", "the meeting filter", "the update filter"],
)
async def test_a_malformed_id_in_a_list_or_filter_is_bad_user_input(
    client: httpx.AsyncClient, document: str
) -> None:
    # when
    found = {}
    for name, value in MALFORMED_IDS.items():
        response = await post(client, {"query": document, "variables": {"id": value}})
        body = response.json()
        found[name] = (response.status_code, body["data"], summary(body))

    # then
    assert found == {
        name: (200, None, [(not_a_valid_id(value), {"code": "BAD_USER_INPUT"})])
        for name, value in MALFORMED_IDS.items()
    }
    await assert_still_answers(client)


MUTATIONS = {
    "issueEdit": ("issueId", 'issueEdit(input: {issueId: $id, title: "t"})'),
    "issueArchive": ("issueId", "issueArchive(input: {issueId: $id})"),
    "issueUpdateStatus": (
        "issueId",
        "issueUpdateStatus(input: {issueId: $id, status: RESOLVED, "
        'occurredOn: "2024", note: "n"})',
    ),
    "statusUpdateRetract": (
        "updateId",
        'statusUpdateRetract(input: {updateId: $id, reason: "r"})',
    ),
    "issueCreate": (
        "relationshipId",
        'issueCreate(input: {relationshipId: $id, slug: "fresh", title: "t", '
        "category: TRADE})",
    ),
    "meetingRecord": (
        "relationshipId",
        'meetingRecord(input: {relationshipId: $id, heldOn: "2024", title: "t"})',
    ),
    "meetingRecord issueIds": (
        "issueIds[0]",
        'meetingRecord(input: {relationshipId: $relationship, heldOn: "2024", '
        'title: "t", issueIds: [$id]})',
    ),
}


async def _rows() -> tuple[list[tuple[int, int]], int]:
    versions = await Issue.all().order_by("id").values_list("id", "version")
    return [tuple(row) for row in versions], await StatusUpdate.all().count()


@pytest.mark.parametrize("mutation", list(MUTATIONS))
async def test_a_malformed_id_in_a_mutation_input_is_a_validation_error(
    client: httpx.AsyncClient, tokens: Tokens, mutation: str
) -> None:
    # given
    field, call = MUTATIONS[mutation]
    relationship = global_id("Relationship", (await Relationship.get()).pk)
    uses_relationship = "$relationship" in call
    definitions = "$id: ID!, $relationship: ID!" if uses_relationship else "$id: ID!"
    document = f"""
    mutation({definitions}) {{
      result: {call} {{ __typename ... on ValidationError {{ code field message }} }}
    }}
    """
    before = await _rows()

    # when
    found = {}
    for name, value in MALFORMED_IDS.items():
        variables = {"id": value}
        if uses_relationship:
            variables["relationship"] = relationship
        response = await post(
            client, {"query": document, "variables": variables}, token=tokens.editor
        )
        found[name] = (response.status_code, response.json())

    # then
    assert found == {
        name: (
            200,
            {
                "data": {
                    "result": {
                        "__typename": "ValidationError",
                        "code": "INVALID",
                        "field": field,
                        "message": not_a_valid_id(value),
                    }
                }
            },
        )
        for name, value in MALFORMED_IDS.items()
    }
    assert await _rows() == before
    await assert_still_answers(client)


# --- malformed cursors --------------------------------------------------------

MALFORMED_CURSORS = {
    "garbage": "garbage!!",
    "base64 of garbage": b64("garbage"),
    "base64 of a number": b64("12"),
    "base64 of an object": b64('{"a": 1, "b": 2, "c": 3}'),
    "a row id of 0": b64('["slug", "a", 0]'),
    "a row id over 32 bits": b64('["slug", "a", 2147483648]'),
    "an infinite row id": b64('["slug", "a", 1e400]'),
    "a NaN row id": b64('["slug", "a", NaN]'),
    "a float key": b64('["slug", 1.5, 1]'),
    "deeply nested JSON": b64("[" * 5_000),
    "10,000 characters": "A" * 10_000,
}


@pytest.mark.parametrize("argument", ["after", "before"])
@pytest.mark.parametrize(
    "cursor", MALFORMED_CURSORS.values(), ids=list(MALFORMED_CURSORS)
)
async def test_a_malformed_cursor_is_bad_user_input(
    client: httpx.AsyncClient, argument: str, cursor: str
) -> None:
    # given
    document = f"query($c: String) {{ issues({argument}: $c) {{ totalCount }} }}"

    # when
    response = await post(client, {"query": document, "variables": {"c": cursor}})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert summary(body) == [
        (f"'{cursor[:64]}' is not a valid cursor.", {"code": "BAD_USER_INPUT"})
    ]
    await assert_still_answers(client)


CURSORS = """
{
  statusUpdates(first: 1) { pageInfo { endCursor } }
  issues(first: 1) { pageInfo { endCursor } }
}
"""


@pytest.mark.parametrize(
    ("source", "document"),
    [
        ("statusUpdates", "query($c: String) { issues(after: $c) { totalCount } }"),
        ("issues", "query($c: String) { meetings(before: $c) { totalCount } }"),
        (
            "issues",
            "query($c: String) { issues(after: $c, orderBy: {field: TITLE}) "
            "{ totalCount } }",
        ),
        (
            "issues",
            "query($c: String) { issues(first: 1) { nodes { updates(after: $c) "
            "{ totalCount } } } }",
        ),
    ],
    ids=[
        "an update cursor for issues",
        "an issue cursor for meetings",
        "a slug cursor for the title order",
        "an issue cursor for an issue's updates",
    ],
)
async def test_a_cursor_from_another_list_is_bad_user_input(
    client: httpx.AsyncClient, source: str, document: str
) -> None:
    # given
    pages = (await post(client, {"query": CURSORS})).json()["data"]
    cursor = pages[source]["pageInfo"]["endCursor"]

    # when
    response = await post(client, {"query": document, "variables": {"c": cursor}})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert summary(body) == [
        (
            f"'{cursor}' is not a cursor of this list in its current order.",
            {"code": "BAD_USER_INPUT"},
        )
    ]
    await assert_still_answers(client)


# --- under load ---------------------------------------------------------------

HOSTILE: list[JSON | bytes] = [
    {"query": DEEP},
    {"query": DEEP_IN_FRAGMENTS},
    {"query": aliased(16)},
    {"query": "{ issues { nodes { ...A } } } fragment A on Issue { slug ...A }"},
    {"query": FAN_OUT_OF_ALIASES},
    {"query": FAN_OUT_OF_CONNECTIONS},
    {"query": FAN_OUT_OF_FIELDS},
    {"query": HEALTH_CHECK.ljust(15_001)},
    {"query": with_tokens(2_001)},
    {"query": HEALTH_CHECK, "variables": {"pad": "x" * 65_536}},
    b'{"query": "\xff"}',
    {"query": 1},
    {"query": HEALTH_CHECK, "variables": []},
    {"query": "{ issues(first: 101) { totalCount } }"},
    {"query": FIRST, "variables": {"n": 1e100}},
    {"query": SEARCH_ISSUES, "variables": {"s": "'; DROP TABLE issue; --"}},
    {"query": SEARCH_ISSUES, "variables": {"s": "%"}},
    {"query": STATUSES, "variables": {"s": ["NOPE"]}},
    {"query": NODE, "variables": {"id": "!!!"}},
    {"query": NODE, "variables": {"id": "A" * 10_000}},
    {"query": NODE, "variables": {"id": UNKNOWN_TYPE}},
    {"query": AFTER, "variables": {"c": "garbage!!"}},
    {"query": AFTER, "variables": {"c": b64("garbage")}},
    {"query": "{ issues(first: 2147483648) { totalCount } }"},
    {"query": "subscription { statusUpdates { id } }"},
    {"query": 'mutation { tokenRevoke(input: {name: "admin"}) { __typename } }'},
    {"query": "{ nope }"},
    {"query": "{"},
    {"query": HEALTH_CHECK, "operationName": "Nope"},
    {"query": "{ issues(filter: {status: [NOPE]}) { totalCount } }"},
]
NORMAL = "{ relationships { slug } issues(first: 3) { nodes { slug } } }"


async def test_a_normal_query_answers_while_30_hostile_requests_are_in_flight(
    client: httpx.AsyncClient,
) -> None:
    # given
    expected = sorted(issue["slug"] for issue in seed_issues())[:3]

    async def hostile(payload: JSON | bytes) -> httpx.Response:
        if isinstance(payload, bytes):
            return await post(client, content=payload)
        return await post(client, payload)

    # when
    async with asyncio.timeout(SECONDS):
        *attacks, normal = await asyncio.gather(
            *(hostile(payload) for payload in HOSTILE),
            post(client, {"query": NORMAL}),
        )

    # then
    assert (normal.status_code, normal.json()) == (
        200,
        {
            "data": {
                "relationships": [{"slug": "india-china"}],
                "issues": {"nodes": [{"slug": slug} for slug in expected]},
            }
        },
    )
    assert len(attacks) == 30
    internal = [
        (payload, response.status_code, response.text[:200])
        for payload, response in zip(HOSTILE, attacks, strict=True)
        if response.status_code >= 500
        or "INTERNAL_SERVER_ERROR" in codes(response.json())
    ]
    assert internal == []
    await assert_still_answers(client)
