"""Persisted queries: Apollo's APQ protocol, and the trusted-documents mode.

A document named by its SHA-256 runs once the server knows it; it is registered
by sending it with its hash, after it passed every check a document passes.
"""

import hashlib
import json

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.guards.limits import Limits
from api.guards.persisted import PersistedDocuments
from api.schema.build import schema
from api.settings import Settings
from tests.api.graphql import GRAPHQL_RESPONSE, JSON, seed_issues
from tests.conftest import Tokens
from tests.live import graphql_socket, serving

COUNT = "query PersistedCount { issues(first: 2) { totalCount } }"
COUNTED = {"issues": {"totalCount": len(seed_issues())}}
NOT_FOUND = {
    "errors": [
        {
            "message": "PersistedQueryNotFound",
            "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
        }
    ]
}
NOT_IN_LIST = {
    "errors": [
        {
            "message": "This server runs only its trusted documents, and this one is "
            "not listed: send the sha256Hash of a listed document in "
            "`extensions.persistedQuery`.",
            "extensions": {"code": "PERSISTED_QUERY_NOT_IN_LIST"},
        }
    ]
}
LISTED = "query Listed { viewer { role } }"
UNLISTED = "query Unlisted { viewer { name } }"


def sha256(document: str) -> str:
    """The hex SHA-256 of a document, as a client computes it."""
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str, version: object = 1) -> JSON:
    """The `extensions` naming a document by its hash."""
    return {"persistedQuery": {"version": version, "sha256Hash": sha256(document)}}


async def post(
    client: httpx.AsyncClient,
    extensions: JSON | None,
    query: str | None = None,
    accept: str = "application/json",
    variables: JSON | None = None,
    token: str | None = None,
) -> httpx.Response:
    """POST a document by hash (extensions), by text (query), or both."""
    body: JSON = {"extensions": extensions, "variables": variables}
    if query is not None:
        body["query"] = query
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await client.post("/graphql", json=body, headers=headers)


async def get(
    client: httpx.AsyncClient, extensions: JSON, query: str | None = None
) -> httpx.Response:
    """GET a persisted query, as Apollo clients send queries over GET."""
    params = {"extensions": json.dumps(extensions)}
    if query is not None:
        params["query"] = query
    headers = {"Accept": "application/json"}
    return await client.get("/graphql", params=params, headers=headers)


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    """Status, code and message of a response refused with one error."""
    (error,) = response.json()["errors"]
    return response.status_code, error["extensions"]["code"], error["message"]


async def test_a_query_is_registered_then_run_by_hash_over_post(
    client: httpx.AsyncClient,
) -> None:
    # when a client sends the hash alone, then with the text, then alone again
    unknown = await post(client, persisted(COUNT))
    registered = await post(client, persisted(COUNT), COUNT)
    by_hash = await post(client, persisted(COUNT))

    # then the server first asks for the text (200, as Apollo clients expect),
    # then runs it, then runs it from the hash alone
    assert (unknown.status_code, unknown.json()) == (200, NOT_FOUND)
    assert (registered.status_code, registered.json()) == (200, {"data": COUNTED})
    assert (by_hash.status_code, by_hash.json()) == (200, {"data": COUNTED})


async def test_an_unknown_hash_is_a_request_error_under_the_new_media_type(
    client: httpx.AsyncClient,
) -> None:
    # when the hash of a document never sent is sent alone, asking for the new type
    document = "query NeverSent { viewer { role } }"
    response = await post(client, persisted(document), accept=GRAPHQL_RESPONSE)

    # then it is refused as a document error is: 400, errors and no data
    assert (response.status_code, response.json()) == (400, NOT_FOUND)


async def test_a_query_is_registered_then_run_by_hash_over_get(
    client: httpx.AsyncClient,
) -> None:
    # given a document only ever sent over GET
    document = "query PersistedOverGet { issues(first: 1) { totalCount } }"

    # when its hash comes alone, then with the text, then alone again
    unknown = await get(client, persisted(document))
    registered = await get(client, persisted(document), document)
    by_hash = await get(client, persisted(document))

    # then it is asked for, run, and run again from the hash
    assert (unknown.status_code, unknown.json()) == (200, NOT_FOUND)
    assert registered.json() == by_hash.json() == {"data": COUNTED}


async def test_a_mutation_named_by_hash_is_still_refused_over_get(
    client: httpx.AsyncClient,
) -> None:
    # given a mutation registered over POST (and refused there for want of a token)
    document = 'mutation { tokenRevoke(input: {name: "nobody"}) { __typename } }'
    registered = await post(client, persisted(document), document)

    # when it is named by its hash over GET
    response = await get(client, persisted(document))

    # then GET refuses it as it refuses any mutation
    assert registered.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


REVOKE = """mutation Revoke($input: TokenRevokeInput!) {
  tokenRevoke(input: $input) { __typename }
}"""


async def test_authentication_applies_to_a_document_named_by_hash(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given a mutation registered by an admin
    given = {"input": {"name": "nobody"}}
    registered = await post(
        client, persisted(REVOKE), REVOKE, variables=given, token=tokens.admin
    )

    # when anonymous and reader clients send its hash alone
    anonymous = await post(client, persisted(REVOKE), variables=given)
    reader = await post(client, persisted(REVOKE), variables=given, token=tokens.reader)

    # then each is refused as if it had sent the text
    assert registered.json() == {
        "data": {"tokenRevoke": {"__typename": "NotFoundError"}}
    }
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert reader.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_hash_that_is_not_the_querys_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient,
) -> None:
    # given a document sent with the hash of another
    document = "query Mismatched { viewer { role } }"
    other = "query Other { viewer { role } }"

    # when it is sent, then either hash comes alone
    mismatched = await post(client, persisted(other), document)
    under_its_own = await post(client, persisted(document))
    under_the_other = await post(client, persisted(other))

    # then it is refused as not well-formed, and neither hash names anything
    assert error_of(mismatched) == (
        400,
        "BAD_REQUEST",
        "The sha256Hash of `extensions.persistedQuery` is not the SHA-256 of "
        "`query`: nothing was stored.",
    )
    assert under_its_own.json() == under_the_other.json() == NOT_FOUND


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        (
            persisted(COUNT, version=2),
            "Unsupported persisted query version 2: only version 1 is supported.",
        ),
        (persisted(COUNT, version="1"), None),
        ({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, None),
        ({"persistedQuery": "abc"}, None),
    ],
)
async def test_an_extension_that_cannot_be_followed_is_refused(
    client: httpx.AsyncClient, extensions: JSON, message: str | None
) -> None:
    # when a persisted query of another version, or of another shape, is sent
    response = await post(client, extensions, COUNT)

    # then it is refused as not well-formed, saying what is expected
    shape = (
        '`extensions.persistedQuery` must be {"version": 1, "sha256Hash": "<the '
        'SHA-256 of the document, 64 hex digits>"}.'
    )
    assert error_of(response) == (400, "BAD_REQUEST", message or shape)


async def test_a_document_over_a_limit_is_refused_and_not_stored(
    client: httpx.AsyncClient,
) -> None:
    # given a document eleven levels deep, and one over the length limit
    deep = """query TooDeep { issues { nodes { updates { nodes { issue { updates {
      nodes { issue { updates { nodes { note } } } } } } } } } } }"""
    long = "query TooLong { viewer { role } }" + " " * 15_000

    # when each is registered, then named by its hash alone
    registered = [await post(client, persisted(d), d) for d in (deep, long)]
    by_hash = [await post(client, persisted(d)) for d in (deep, long)]

    # then each was refused by its limit, and was not stored
    assert [r.json()["errors"][0]["extensions"] for r in registered] == [
        {"code": "LIMIT_EXCEEDED", "limit": "depth"},
        {"code": "LIMIT_EXCEEDED", "limit": "document_chars"},
    ]
    assert [r.json() for r in by_hash] == [NOT_FOUND, NOT_FOUND]


async def test_a_document_refused_only_for_its_variables_is_stored(
    client: httpx.AsyncClient,
) -> None:
    # given a valid document sent with a variable of the wrong type
    document = "query Page($first: Int) { issues(first: $first) { totalCount } }"
    refused = await post(
        client, persisted(document), document, variables={"first": "x"}
    )

    # when its hash comes alone with good variables
    by_hash = await post(client, persisted(document), variables={"first": 1})

    # then the document was kept, and runs
    assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert by_hash.json() == {"data": COUNTED}


@pytest.mark.parametrize("settings", [Settings(rate_limit=3)])
async def test_a_request_by_hash_is_charged_as_any_other(
    client: httpx.AsyncClient,
) -> None:
    # when a client registers a query, then sends its hash alone three times
    document = "query Charged { viewer { role } }"
    registered = await post(client, persisted(document), document)
    by_hash = [await post(client, persisted(document)) for _ in range(3)]

    # then each costs its point, and the fourth request is over the budget
    assert registered.status_code == 200
    assert [r.status_code for r in by_hash] == [200, 200, 429]
    assert by_hash[0].headers["ratelimit-remaining"] == "1"
    assert by_hash[-1].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize("settings", [Settings(rate_limit=2)])
async def test_an_unknown_hash_is_charged_its_arrival_point(
    client: httpx.AsyncClient,
) -> None:
    # when a client floods the server with unknown hashes
    floods = [
        await post(client, persisted(f"{{ viewer {{ role }} }} #{n}")) for n in range(3)
    ]

    # then each is charged like a malformed request
    assert [r.status_code for r in floods] == [200, 200, 429]


async def test_a_query_is_registered_then_run_by_hash_over_websocket(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    app = create_app(Settings(database_url=seeded_url), manage_database=False)
    document = "query PersistedSocket { issues(first: 1) { totalCount } }"
    async with serving(app) as base, graphql_socket(base) as ws:
        # when the hash comes alone, then with the text, then alone again
        await ws.subscribe("1", None, extensions=persisted(document))
        unknown = await ws.receive()
        await ws.subscribe("2", document, extensions=persisted(document))
        registered = await ws.data()
        await ws.receive()  # complete
        await ws.subscribe("3", None, extensions=persisted(document))
        by_hash = await ws.data()
        await ws.receive()  # complete

        # and a mismatched hash is refused with the connection kept open
        await ws.subscribe("4", document, extensions=persisted(COUNT))
        mismatched = await ws.receive()

    # then the operation was asked for its text, then run twice
    assert unknown == {"id": "1", "type": "error", "payload": NOT_FOUND["errors"]}
    assert registered == by_hash == COUNTED
    assert mismatched["type"] == "error"
    assert mismatched["payload"][0]["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_hash_registered_over_http_runs_over_websocket(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    app = create_app(Settings(database_url=seeded_url), manage_database=False)
    document = "query Shared { issues(first: 1) { totalCount } }"
    async with serving(app) as base, graphql_socket(base) as ws:
        # given a document registered over HTTP
        async with httpx.AsyncClient(base_url=base) as http:
            await post(http, persisted(document), document)

        # when its hash alone comes over WebSocket
        await ws.subscribe("1", None, extensions=persisted(document))

        # then it runs: one store per process, whatever the transport
        assert await ws.data() == COUNTED


def test_the_store_keeps_the_most_recently_used_documents_within_its_bounds() -> None:
    # given a store of at most two documents and 80 characters
    store = PersistedDocuments(most_documents=2, most_characters=80)
    first, second, third = (f"query Q{n} {{ viewer {{ role }} }}" for n in range(3))
    long = "query Long { viewer { role } }" + " " * 40

    def run(document: str, with_text: bool = True) -> object:
        query = document if with_text else None
        return store.admit(schema.documents, query, persisted(document), None, {})

    # when three are registered, the first used again before the third
    run(first)
    run(second)
    run(first, with_text=False)
    run(third)
    after_three = len(store)
    second_gone = run(second, with_text=False)
    run(long)

    # then the least recently used went first, and the long one pushed out others
    assert after_three == 2
    assert isinstance(second_gone, list)
    assert second_gone[0].extensions == {"code": "PERSISTED_QUERY_NOT_FOUND"}
    assert len(store) == 1
    assert not isinstance(run(long, with_text=False), list)


TRUSTED = Settings(trusted_documents={sha256(LISTED): LISTED})


@pytest.mark.parametrize("settings", [TRUSTED])
async def test_trusted_mode_runs_listed_documents_by_hash_and_by_text(
    client: httpx.AsyncClient,
) -> None:
    # when the listed document is sent by hash, by text, and by both
    by_hash = await post(client, persisted(LISTED))
    by_text = await post(client, None, LISTED)
    by_both = await post(client, persisted(LISTED), LISTED)

    # then it runs each time
    expected = {"data": {"viewer": {"role": "ANONYMOUS"}}}
    assert by_hash.json() == by_text.json() == by_both.json() == expected


@pytest.mark.parametrize("settings", [TRUSTED])
async def test_trusted_mode_refuses_other_documents_and_registrations(
    client: httpx.AsyncClient,
) -> None:
    # when an unlisted document is sent as text, registered, or named by hash
    by_text = await post(client, None, UNLISTED)
    registered = await post(client, persisted(UNLISTED), UNLISTED)
    by_hash = await post(client, persisted(UNLISTED))
    new_type = await post(client, None, UNLISTED, accept=GRAPHQL_RESPONSE)

    # then none runs and nothing is stored
    assert (by_text.status_code, by_text.json()) == (200, NOT_IN_LIST)
    assert (registered.status_code, registered.json()) == (200, NOT_IN_LIST)
    assert (by_hash.status_code, by_hash.json()) == (200, NOT_FOUND)
    assert (new_type.status_code, new_type.json()) == (400, NOT_IN_LIST)


async def test_trusted_mode_holds_over_websocket(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    settings = Settings(
        database_url=seeded_url, trusted_documents=TRUSTED.trusted_documents
    )
    app = create_app(settings, manage_database=False)
    async with serving(app) as base, graphql_socket(base) as ws:
        # when a listed document comes by hash, and an unlisted one as text and
        # registered
        await ws.subscribe("1", None, extensions=persisted(LISTED))
        listed = await ws.data()
        await ws.receive()  # complete
        await ws.subscribe("2", UNLISTED)
        by_text = await ws.receive()
        await ws.subscribe("3", UNLISTED, extensions=persisted(UNLISTED))
        registered = await ws.receive()

    # then the listed one runs and the others are refused
    assert listed == {"viewer": {"role": "ANONYMOUS"}}
    assert by_text == {"id": "2", "type": "error", "payload": NOT_IN_LIST["errors"]}
    assert registered == {
        "id": "3",
        "type": "error",
        "payload": NOT_IN_LIST["errors"],
    }


DEEPER = "{ issues { nodes { slug } } }"


@pytest.mark.parametrize(
    "settings",
    [Settings(limits=Limits(depth=2), trusted_documents={sha256(DEEPER): DEEPER})],
)
async def test_a_trusted_document_still_passes_the_limits(
    client: httpx.AsyncClient,
) -> None:
    # when a listed document deeper than the limit is named by hash
    response = await post(client, persisted(DEEPER))

    # then the limit refuses it
    assert response.json()["errors"][0]["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "depth",
    }
