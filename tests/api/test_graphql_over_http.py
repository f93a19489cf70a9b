"""`/graphql` over HTTP, as the GraphQL-over-HTTP specification has it.

The media type is negotiated from Accept (`application/graphql-response+json`, or
`application/json` for `*/*` and for clients that ask for it; 406 for neither). A
request that is not well-formed gets 400 under either media type; a well-formed one
refused before execution gets 400 under the new media type and 200 under
`application/json`, with `errors` and no `data`; anything executed gets 200 with
`data`. POST takes `application/json` in UTF-8 only (415 otherwise) and at most
65,536 bytes (413); GET runs queries only (a mutation is 405 and writes nothing).
Every JSON answer is UTF-8, unescaped, and varies by Accept.
"""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.core.relay import global_id
from api.settings import Settings
from models.issue import Issue
from tests.api.graphql import JSON, current_status, gql_data
from tests.conftest import EventRecorder, Tokens
from tests.snapshots import snapshot

GRAPHQL_RESPONSE = "application/graphql-response+json"
LEGACY_JSON = "application/json"
GRAPHQL_RESPONSE_UTF8 = "application/graphql-response+json; charset=utf-8"
LEGACY_JSON_UTF8 = "application/json; charset=utf-8"
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
)
BODY_LIMIT = 65_536

VIEWER = "{ viewer { role } }"
VIEWER_DATA = {"data": {"viewer": {"role": "ANONYMOUS"}}}
INDIA_CHINA = '{ relationship(slug: "india-china") { name } }'
INDIA_CHINA_NAME = "India\u2013China"  # with an en dash
INDIA_CHINA_DATA = {"data": {"relationship": {"name": INDIA_CHINA_NAME}}}
UPDATE_STATUS = """
mutation UpdateStatus($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename }
}
"""
QUERY_AND_MUTATION = """
query Current($id: ID!) { node(id: $id) { ... on Issue { slug status } } }
mutation UpdateStatus($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename }
}
"""
SUBSCRIPTION = "subscription { statusUpdates { id } }"

BOTH_MEDIA_TYPES = [
    pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE_UTF8, id="graphql-response"),
    pytest.param(LEGACY_JSON, LEGACY_JSON_UTF8, id="json"),
]
# A well-formed request refused before execution: 400 under the new type, else 200.
REFUSAL_STATUS = [
    pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE_UTF8, 400, id="graphql-response"),
    pytest.param(LEGACY_JSON, LEGACY_JSON_UTF8, 200, id="json"),
]


def bad_request(message: str) -> JSON:
    """The body of a request refused at the HTTP level."""
    return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


def status_input(issue_id: str) -> JSON:
    """An issueUpdateStatus input an editor may send."""
    return {
        "issueId": issue_id,
        "status": "STALLED",
        "occurredOn": "2025-11-01",
        "note": "Nothing moved.",
        "source": {"url": "https://example.org/report"},
    }


def padded_body(size: int) -> bytes:
    """A well-formed request for VIEWER, padded with JSON whitespace to `size`."""
    head, tail = json.dumps({"query": VIEWER}).encode()[:-1], b"}"
    body = head + b" " * (size - len(head) - len(tail)) + tail
    assert len(body) == size
    return body


async def chunks_of(body: bytes, size: int = 4_096) -> AsyncIterator[bytes]:
    """The body as a stream, which httpx sends chunked, with no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def post(
    client: httpx.AsyncClient,
    body: bytes,
    accept: str = GRAPHQL_RESPONSE,
    content_type: str = "application/json",
) -> httpx.Response:
    """POST raw bytes to `/graphql`."""
    headers = {"Accept": accept, "Content-Type": content_type}
    return await client.post("/graphql", content=body, headers=headers)


def encoded(payload: Any) -> bytes:
    """A JSON body in UTF-8, non-ASCII characters left as they are."""
    return json.dumps(payload, ensure_ascii=False).encode()


@pytest.fixture
async def issue_id(seeded_db: TortoiseContext) -> str:
    """The global id of the seeded issue `direct-flights`."""
    issue = await Issue.get(slug="direct-flights")
    return global_id("Issue", issue.pk)


# Media types


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        pytest.param(GRAPHQL_RESPONSE, GRAPHQL_RESPONSE_UTF8, id="graphql-response"),
        pytest.param(LEGACY_JSON, LEGACY_JSON_UTF8, id="json"),
        pytest.param("*/*", LEGACY_JSON_UTF8, id="any"),
        pytest.param("application/*", LEGACY_JSON_UTF8, id="application-any"),
        pytest.param("Application/JSON", LEGACY_JSON_UTF8, id="json-in-capitals"),
        pytest.param(
            f"{GRAPHQL_RESPONSE}; charset=utf-8",
            GRAPHQL_RESPONSE_UTF8,
            id="graphql-response-with-charset",
        ),
        pytest.param(
            f"{LEGACY_JSON}, {GRAPHQL_RESPONSE}",
            GRAPHQL_RESPONSE_UTF8,
            id="both-equal-the-newer-wins",
        ),
        pytest.param(
            f"{LEGACY_JSON};q=0.9, {GRAPHQL_RESPONSE};q=0.1",
            LEGACY_JSON_UTF8,
            id="json-preferred-by-q",
        ),
        pytest.param(
            f"{GRAPHQL_RESPONSE};q=0.5, */*",
            LEGACY_JSON_UTF8,
            id="wildcard-preferred-by-q",
        ),
        pytest.param(
            f"{LEGACY_JSON};q=0, */*",
            GRAPHQL_RESPONSE_UTF8,
            id="json-refused-by-q-0",
        ),
        pytest.param(
            f"text/html, {LEGACY_JSON};q=0.8",
            LEGACY_JSON_UTF8,
            id="html-and-json",
        ),
        pytest.param(BROWSER_ACCEPT, LEGACY_JSON_UTF8, id="browser"),
    ],
)
async def test_the_answer_is_in_the_media_type_the_client_prefers(
    client: httpx.AsyncClient, accept: str, content_type: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Accept": accept}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["vary"] == "Accept"
    assert response.json() == VIEWER_DATA


async def test_a_request_without_an_accept_header_gets_the_graphql_response_type(
    client: httpx.AsyncClient,
) -> None:
    # given a request with no Accept header at all (httpx adds `*/*` by default)
    request = client.build_request("POST", "/graphql", json={"query": VIEWER})
    del request.headers["Accept"]
    assert "accept" not in request.headers

    # when
    response = await client.send(request)

    # then
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == VIEWER_DATA


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param("application/xml", id="xml"),
        pytest.param("text/html", id="html"),
        pytest.param("text/plain, image/*", id="text-and-images"),
        pytest.param(f"{GRAPHQL_RESPONSE};q=0", id="graphql-response-at-q-0"),
        pytest.param(
            f"{GRAPHQL_RESPONSE};q=0, {LEGACY_JSON};q=0, text/html",
            id="both-at-q-0",
        ),
    ],
)
async def test_a_client_accepting_neither_media_type_gets_406_in_json(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Accept": accept}
    )

    assert response.status_code == 406
    assert response.headers["content-type"] == LEGACY_JSON_UTF8
    assert response.headers["vary"] == "Accept"
    assert response.json() == bad_request(
        "Accept `application/graphql-response+json` or `application/json`."
    )


async def test_a_get_with_a_query_accepting_only_html_gets_406_not_graphiql(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql", params={"query": VIEWER}, headers={"Accept": "text/html"}
    )

    assert response.status_code == 406
    assert response.headers["content-type"] == LEGACY_JSON_UTF8
    assert response.json() == bad_request(
        "Accept `application/graphql-response+json` or `application/json`."
    )


# Content types of a POST


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=UTF8",
        'application/json; charset="utf-8"',
        "Application/JSON",
    ],
)
async def test_a_post_in_json_is_accepted_with_any_spelling_of_utf_8(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await post(client, encoded({"query": VIEWER}), content_type=content_type)

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == VIEWER_DATA


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=latin-1",
        "text/plain",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ],
)
async def test_a_post_in_another_content_type_gets_415(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await post(client, encoded({"query": VIEWER}), content_type=content_type)

    assert response.status_code == 415
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.headers["vary"] == "Accept"
    assert response.json() == bad_request(
        f"Unsupported content type '{content_type}': send `application/json` (UTF-8)."
    )


async def test_a_post_without_a_content_type_gets_415(
    client: httpx.AsyncClient,
) -> None:
    # given a body sent as bytes, for which httpx sets no Content-Type
    request = client.build_request(
        "POST",
        "/graphql",
        content=encoded({"query": VIEWER}),
        headers={"Accept": GRAPHQL_RESPONSE},
    )
    assert "content-type" not in request.headers

    # when
    response = await client.send(request)

    # then
    assert response.status_code == 415
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == bad_request(
        "Send the request with `Content-Type: application/json`."
    )


# Requests that are not well-formed: 400 under either media type

NOT_JSON = "The request body is not valid JSON."
NOT_AN_OBJECT = "The request body must be a JSON object."
BATCHING = "Batching is not supported: send one operation."
QUERY_REQUIRED = "`query` is required and must be a string."
BAD_OPERATION_NAME = "`operationName` must be a string or null."
BAD_VARIABLES = "`variables` must be an object or null."
BAD_EXTENSIONS = "`extensions` must be an object or null."


def body_with(**fields: Any) -> bytes:
    """A JSON body for VIEWER, with these fields set (or replaced)."""
    return encoded({"query": VIEWER, **fields})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b'{"query": "{ viewer { role } }"', NOT_JSON, id="invalid-json"),
        pytest.param(b"", NOT_JSON, id="empty-body"),
        pytest.param(
            b'{"query": "{ relationship(slug: \\"\xff\\") { name } }"}',
            "The request body is not valid UTF-8.",
            id="invalid-utf-8",
        ),
        pytest.param(encoded([{"query": VIEWER}]), BATCHING, id="array-batch"),
        pytest.param(b"[]", BATCHING, id="empty-array"),
        pytest.param(encoded(VIEWER), NOT_AN_OBJECT, id="json-string"),
        pytest.param(b"42", NOT_AN_OBJECT, id="json-number"),
        pytest.param(b"null", NOT_AN_OBJECT, id="json-null"),
        pytest.param(b"true", NOT_AN_OBJECT, id="json-bool"),
        pytest.param(b"{}", QUERY_REQUIRED, id="query-missing"),
        pytest.param(body_with(query=1), QUERY_REQUIRED, id="query-number"),
        pytest.param(body_with(query={"a": 1}), QUERY_REQUIRED, id="query-object"),
        pytest.param(body_with(query=[VIEWER]), QUERY_REQUIRED, id="query-array"),
        pytest.param(body_with(query=None), QUERY_REQUIRED, id="query-null"),
        pytest.param(
            body_with(operationName=1), BAD_OPERATION_NAME, id="operation-name-number"
        ),
        pytest.param(
            body_with(operationName={}), BAD_OPERATION_NAME, id="operation-name-object"
        ),
        pytest.param(
            body_with(operationName=["A"]),
            BAD_OPERATION_NAME,
            id="operation-name-array",
        ),
        pytest.param(
            body_with(operationName=True), BAD_OPERATION_NAME, id="operation-name-bool"
        ),
        pytest.param(body_with(variables="{}"), BAD_VARIABLES, id="variables-string"),
        pytest.param(body_with(variables=1), BAD_VARIABLES, id="variables-number"),
        pytest.param(body_with(variables=[]), BAD_VARIABLES, id="variables-array"),
        pytest.param(body_with(variables=False), BAD_VARIABLES, id="variables-bool"),
        pytest.param(
            body_with(extensions="{}"), BAD_EXTENSIONS, id="extensions-string"
        ),
        pytest.param(body_with(extensions=1), BAD_EXTENSIONS, id="extensions-number"),
        pytest.param(body_with(extensions=[]), BAD_EXTENSIONS, id="extensions-array"),
    ],
)
@pytest.mark.parametrize(("accept", "content_type"), BOTH_MEDIA_TYPES)
async def test_a_post_that_is_not_well_formed_gets_400_under_either_media_type(
    client: httpx.AsyncClient, body: bytes, message: str, accept: str, content_type: str
) -> None:
    response = await post(client, body, accept=accept)

    assert response.status_code == 400
    assert response.headers["content-type"] == content_type
    assert response.json() == bad_request(message)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"variables": None}, id="variables-null"),
        pytest.param({"variables": {}}, id="variables-empty"),
        pytest.param({"operationName": None}, id="operation-name-null"),
        pytest.param({"extensions": None}, id="extensions-null"),
        pytest.param({"extensions": {}}, id="extensions-empty"),
        pytest.param({"extensions": {"client": "test"}}, id="extensions-unknown-key"),
    ],
)
async def test_null_or_empty_optional_parameters_are_accepted(
    client: httpx.AsyncClient, fields: JSON
) -> None:
    response = await post(client, body_with(**fields))

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == VIEWER_DATA


# Well-formed requests refused before execution: no `data`


def located(message: str, code: str, line: int, column: int) -> JSON:
    """One error with a location in the document."""
    return {
        "message": message,
        "locations": [{"line": line, "column": column}],
        "extensions": {"code": code},
    }


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        pytest.param(
            {"query": "{"},
            located(
                "Syntax Error: Expected Name, found <EOF>.",
                "GRAPHQL_PARSE_FAILED",
                1,
                2,
            ),
            id="parse-failure",
        ),
        pytest.param(
            {"query": "{ viewer { role shoeSize } }"},
            located(
                "Cannot query field 'shoeSize' on type 'Viewer'.",
                "GRAPHQL_VALIDATION_FAILED",
                1,
                17,
            ),
            id="unknown-field",
        ),
        pytest.param(
            {"query": "query A { viewer { role } }", "operationName": "B"},
            {
                "message": "The document has no operation named 'B'.",
                "extensions": {"code": "BAD_USER_INPUT"},
            },
            id="unknown-operation-name",
        ),
        pytest.param(
            {"query": "query A { viewer { role } } query B { viewer { name } }"},
            {
                "message": "The document holds several operations: name one in "
                "`operationName`.",
                "extensions": {"code": "BAD_USER_INPUT"},
            },
            id="several-operations-unnamed",
        ),
        pytest.param(
            {
                "query": "query($id: ID!){ node(id:$id){ id } }",
                "variables": {"id": None},
            },
            located(
                "Variable '$id' has invalid value: Expected value of non-null type "
                "'ID!' not to be None.",
                "BAD_USER_INPUT",
                1,
                7,
            ),
            id="null-for-a-non-null-variable",
        ),
        pytest.param(
            {
                "query": "query($n: Int){ issues(first:$n){ totalCount } }",
                "variables": {"n": "x"},
            },
            located(
                "Variable '$n' has invalid value: Int cannot represent non-integer "
                "value: 'x'",
                "BAD_USER_INPUT",
                1,
                7,
            ),
            id="string-for-an-int-variable",
        ),
        pytest.param(
            {"query": "query($id: ID!){ node(id:$id){ id } }"},
            located(
                "Variable '$id' has invalid value: Expected a value of non-null type "
                "'ID!' to be provided.",
                "BAD_USER_INPUT",
                1,
                7,
            ),
            id="missing-required-variable",
        ),
    ],
)
@pytest.mark.parametrize(("accept", "content_type", "status"), REFUSAL_STATUS)
async def test_a_request_refused_before_execution_has_no_data(
    client: httpx.AsyncClient,
    payload: JSON,
    error: JSON,
    accept: str,
    content_type: str,
    status: int,
) -> None:
    response = await post(client, encoded(payload), accept=accept)

    assert response.status_code == status
    assert response.headers["content-type"] == content_type
    assert response.json() == {"errors": [error]}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("accept", "content_type", "status"), REFUSAL_STATUS)
async def test_a_subscription_over_http_is_refused_and_pointed_to_websocket(
    client: httpx.AsyncClient, method: str, accept: str, content_type: str, status: int
) -> None:
    if method == "GET":
        response = await client.get(
            "/graphql", params={"query": SUBSCRIPTION}, headers={"Accept": accept}
        )
    else:
        response = await post(client, encoded({"query": SUBSCRIPTION}), accept)

    assert response.status_code == status
    assert response.headers["content-type"] == content_type
    assert response.json() == {
        "errors": [
            {
                "message": "Subscriptions are served over WebSocket "
                "(graphql-transport-ws) on /graphql.",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }


# Executed requests: 200 with `data`


@pytest.mark.parametrize(("accept", "content_type"), BOTH_MEDIA_TYPES)
async def test_an_executed_request_gets_200_with_data_under_either_media_type(
    client: httpx.AsyncClient, accept: str, content_type: str
) -> None:
    response = await post(client, encoded({"query": VIEWER}), accept=accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.json() == VIEWER_DATA


@pytest.mark.parametrize(("accept", "content_type"), BOTH_MEDIA_TYPES)
async def test_a_field_error_that_nulls_data_still_gets_200_under_either_media_type(
    client: httpx.AsyncClient, accept: str, content_type: str
) -> None:
    payload = {"query": "{ issues(first: 500) { totalCount } }"}

    response = await post(client, encoded(payload), accept=accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "`first` must be between 0 and 100; 500 was given.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["issues"],
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ],
    }


# GET


async def test_a_query_over_get_is_executed(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": INDIA_CHINA}, headers={"Accept": GRAPHQL_RESPONSE}
    )

    assert "%7B" in str(response.request.url)  # the document went URL-encoded
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == INDIA_CHINA_DATA


async def test_a_query_over_get_takes_variables_and_extensions_as_json(
    client: httpx.AsyncClient,
) -> None:
    query = "query Named($slug: String!) { relationship(slug: $slug) { name } }"
    params = {
        "query": query,
        "operationName": "Named",
        "variables": json.dumps({"slug": "india-china"}),
        "extensions": json.dumps({"client": {"name": "test & co"}}),
    }

    response = await client.get(
        "/graphql", params=params, headers={"Accept": GRAPHQL_RESPONSE}
    )

    assert response.status_code == 200
    assert response.json() == INDIA_CHINA_DATA


async def test_an_empty_operation_name_over_get_counts_as_absent(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql",
        params={"query": VIEWER, "operationName": ""},
        headers={"Accept": GRAPHQL_RESPONSE},
    )

    assert response.request.url.params["operationName"] == ""
    assert response.status_code == 200
    assert response.json() == VIEWER_DATA


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            [("query", VIEWER), ("variables", "not-json")],
            "`variables` must be a JSON-encoded object.",
            id="variables-not-json",
        ),
        pytest.param(
            [("query", VIEWER), ("variables", "[1]")],
            BAD_VARIABLES,
            id="variables-array",
        ),
        pytest.param(
            [("query", VIEWER), ("variables", '"x"')],
            BAD_VARIABLES,
            id="variables-string",
        ),
        pytest.param(
            [("query", VIEWER), ("extensions", "{")],
            "`extensions` must be a JSON-encoded object.",
            id="extensions-not-json",
        ),
        pytest.param(
            [("query", VIEWER), ("extensions", "1")],
            BAD_EXTENSIONS,
            id="extensions-number",
        ),
        pytest.param(
            [("query", VIEWER), ("query", VIEWER)],
            "`query` is given more than once.",
            id="query-twice",
        ),
        pytest.param(
            [("query", VIEWER), ("variables", "{}"), ("variables", "{}")],
            "`variables` is given more than once.",
            id="variables-twice",
        ),
        pytest.param(
            [("query", VIEWER), ("operationName", "A"), ("operationName", "A")],
            "`operationName` is given more than once.",
            id="operation-name-twice",
        ),
        pytest.param([("variables", "{}")], QUERY_REQUIRED, id="query-missing"),
    ],
)
@pytest.mark.parametrize(("accept", "content_type"), BOTH_MEDIA_TYPES)
async def test_a_get_that_is_not_well_formed_gets_400_under_either_media_type(
    client: httpx.AsyncClient,
    params: list[tuple[str, str]],
    message: str,
    accept: str,
    content_type: str,
) -> None:
    response = await client.get(
        "/graphql", params=tuple(params), headers={"Accept": accept}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == content_type
    assert response.json() == bad_request(message)


async def test_a_mutation_over_get_gets_405_and_writes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, issue_id: str, events: EventRecorder
) -> None:
    # given
    params = {
        "query": UPDATE_STATUS,
        "variables": json.dumps({"input": status_input(issue_id)}),
    }
    before = await snapshot()

    # when
    response = await client.get(
        "/graphql",
        params=params,
        headers={
            "Accept": GRAPHQL_RESPONSE,
            "Authorization": f"Bearer {tokens.editor}",
        },
    )

    # then
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == bad_request(
        "Mutations are not allowed over GET; use POST."
    )
    assert await snapshot() == before
    assert events.events == []

    # and the same request over POST would have written
    data = await gql_data(
        client, UPDATE_STATUS, {"input": status_input(issue_id)}, tokens.editor
    )
    assert data == {"issueUpdateStatus": {"__typename": "IssueUpdateStatusSuccess"}}
    assert await snapshot() != before


async def test_a_mutation_chosen_by_operation_name_over_get_gets_405_and_writes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, issue_id: str, events: EventRecorder
) -> None:
    # given a document with a query and a mutation, naming the mutation
    params = {
        "query": QUERY_AND_MUTATION,
        "operationName": "UpdateStatus",
        "variables": json.dumps({"input": status_input(issue_id)}),
    }
    before = await snapshot()

    # when
    response = await client.get(
        "/graphql",
        params=params,
        headers={"Accept": LEGACY_JSON, "Authorization": f"Bearer {tokens.editor}"},
    )

    # then
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["content-type"] == LEGACY_JSON_UTF8
    assert response.json() == bad_request(
        "Mutations are not allowed over GET; use POST."
    )
    assert await snapshot() == before
    assert events.events == []


async def test_a_query_chosen_by_operation_name_over_get_is_executed(
    client: httpx.AsyncClient, tokens: Tokens, issue_id: str
) -> None:
    # given the same document, naming the query
    params = {
        "query": QUERY_AND_MUTATION,
        "operationName": "Current",
        "variables": json.dumps({"id": issue_id}),
    }

    # when
    response = await client.get(
        "/graphql",
        params=params,
        headers={
            "Accept": GRAPHQL_RESPONSE,
            "Authorization": f"Bearer {tokens.editor}",
        },
    )

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "node": {
                "slug": "direct-flights",
                "status": current_status("direct-flights"),
            }
        }
    }


# Other methods


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize(("accept", "content_type"), BOTH_MEDIA_TYPES)
async def test_other_methods_get_405_allowing_get_and_post(
    client: httpx.AsyncClient, method: str, accept: str, content_type: str
) -> None:
    response = await client.request(
        method, "/graphql", json={"query": VIEWER}, headers={"Accept": accept}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"] == content_type
    assert response.json() == bad_request(
        "GraphQL is served over GET (queries) and POST."
    )


# Body size

TOO_LARGE = bad_request("The request body is over the limit of 65,536 bytes.")


async def test_a_body_over_the_limit_gets_413(client: httpx.AsyncClient) -> None:
    response = await post(client, padded_body(BODY_LIMIT + 1))

    assert response.request.headers["content-length"] == str(BODY_LIMIT + 1)
    assert response.status_code == 413
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert response.json() == TOO_LARGE


async def test_a_streamed_body_over_the_limit_gets_413_without_a_content_length(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        content=chunks_of(padded_body(BODY_LIMIT + 1)),
        headers={"Accept": GRAPHQL_RESPONSE, "Content-Type": "application/json"},
    )

    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


@pytest.mark.parametrize("streamed", [False, True], ids=["sized", "streamed"])
async def test_a_body_exactly_at_the_limit_is_executed(
    client: httpx.AsyncClient, streamed: bool
) -> None:
    body = padded_body(BODY_LIMIT)

    response = await client.post(
        "/graphql",
        content=chunks_of(body) if streamed else body,
        headers={"Accept": GRAPHQL_RESPONSE, "Content-Type": "application/json"},
    )

    assert response.status_code == 200
    assert response.json() == VIEWER_DATA


# UTF-8


async def test_a_query_with_emoji_in_utf_8_is_executed(
    client: httpx.AsyncClient,
) -> None:
    # given a body in UTF-8, the emoji not escaped
    body = encoded({"query": '{ relationship(slug: "🏃") { name } }'})
    assert "🏃".encode() in body

    # when
    response = await post(client, body, content_type="application/json; charset=utf-8")

    # then
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert json.loads(response.content.decode("utf-8")) == {
        "data": {"relationship": None}
    }


@pytest.mark.parametrize(
    ("payload", "status", "echoed"),
    [
        pytest.param({"query": INDIA_CHINA}, 200, INDIA_CHINA_NAME, id="data"),
        pytest.param(
            {"query": '{ issues(first: "🏃") { totalCount } }'},
            400,
            'Int cannot represent non-integer value: \\"🏃\\"',
            id="validation-message",
        ),
        pytest.param(
            {"query": VIEWER, "operationName": "Läufer🏃"},
            400,
            "The document has no operation named 'Läufer🏃'.",
            id="operation-name-in-message",
        ),
    ],
)
async def test_text_beyond_ascii_is_answered_in_utf_8_not_escaped(
    client: httpx.AsyncClient, payload: JSON, status: int, echoed: str
) -> None:
    response = await post(
        client, encoded(payload), content_type="application/json; charset=utf-8"
    )

    assert response.status_code == status
    assert response.headers["content-type"] == GRAPHQL_RESPONSE_UTF8
    assert echoed.encode("utf-8") in response.content
    assert b"\\u" not in response.content
    response.content.decode("utf-8")  # valid UTF-8 throughout


# GraphiQL


@pytest.mark.parametrize(
    "accept", ["text/html", BROWSER_ACCEPT], ids=["html", "browser"]
)
async def test_a_browser_opening_graphql_gets_graphiql(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await client.get("/graphql", headers={"Accept": accept})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>bilateral · GraphQL playground</title>" in response.text


@pytest.mark.parametrize("settings", [Settings(graphiql=False)])
async def test_without_graphiql_a_browser_gets_json_400_for_the_missing_query(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 400
    assert response.headers["content-type"] == LEGACY_JSON_UTF8
    assert response.json() == bad_request(QUERY_REQUIRED)


@pytest.mark.parametrize("settings", [Settings(graphiql=False)])
async def test_without_graphiql_a_client_accepting_only_html_gets_406(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 406
    assert response.headers["content-type"] == LEGACY_JSON_UTF8
    assert response.json() == bad_request(
        "Accept `application/graphql-response+json` or `application/json`."
    )


# Vary: Accept on every answer


@pytest.mark.parametrize(
    ("method", "accept", "params", "body", "status"),
    [
        pytest.param("POST", GRAPHQL_RESPONSE, {}, {"query": VIEWER}, 200, id="data"),
        pytest.param("POST", LEGACY_JSON, {}, {"query": "{"}, 200, id="refused-json"),
        pytest.param(
            "POST", GRAPHQL_RESPONSE, {}, {"query": "{"}, 400, id="refused-new-type"
        ),
        pytest.param("POST", GRAPHQL_RESPONSE, {}, [], 400, id="bad-request"),
        pytest.param("PUT", GRAPHQL_RESPONSE, {}, {"query": VIEWER}, 405, id="put"),
        pytest.param(
            "GET",
            GRAPHQL_RESPONSE,
            {"query": 'mutation { tokenRevoke(input: {name: "x"}) { __typename } }'},
            None,
            405,
            id="mutation-over-get",
        ),
        pytest.param("POST", "image/png", {}, {"query": VIEWER}, 406, id="not-accept"),
        pytest.param("GET", "text/html", {}, None, 200, id="graphiql"),
    ],
)
async def test_every_answer_varies_by_accept(
    client: httpx.AsyncClient,
    method: str,
    accept: str,
    params: dict[str, str],
    body: Any,
    status: int,
) -> None:
    response = await client.request(
        method,
        "/graphql",
        params=params,
        json=body,
        headers={"Accept": accept},
    )

    assert response.status_code == status
    vary = [
        name.strip().lower() for name in response.headers.get("vary", "").split(",")
    ]
    assert "accept" in vary
