"""HTTP caching of `/graphql`: entity tags, Cache-Control and 304 Not Modified.

A query answered over GET without errors carries a strong ETag (a digest of its
exact body) and `public` (anonymous) or `private` (a bearer token) revalidation;
`If-None-Match` naming it gets 304 with no body and the same headers. Answers
over POST, mutations and answers with errors are `no-store`.
"""

import httpx
import pytest

from api.transport.caching import entity_tag, matches
from tests.api.graphql import GRAPHQL_RESPONSE, JSON, gql_data
from tests.conftest import Tokens

TITLE = """
{
  relationship(slug: "india-china") {
    issue(slug: "direct-flights") { id title version }
  }
}
"""
ISSUE_EDIT = """
mutation IssueEdit($input: IssueEditInput!) {
  issueEdit(input: $input) { __typename }
}
"""
PUBLIC = "public, max-age=0, must-revalidate"
PRIVATE = "private, max-age=0, must-revalidate"
IDENTITY = {"Accept": GRAPHQL_RESPONSE, "Accept-Encoding": "identity"}


async def get(
    client: httpx.AsyncClient, query: str = TITLE, **headers: str
) -> httpx.Response:
    """GET one query in the new media type, uncompressed, with extra headers."""
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return await client.get(
        "/graphql", params={"query": query}, headers={**IDENTITY, **extra}
    )


def vary_of(response: httpx.Response) -> list[str]:
    """The field names of Vary, lowercase."""
    return [name.strip().lower() for name in response.headers["vary"].split(",")]


# ETag


async def test_a_query_over_get_gets_a_strong_etag_of_its_body(
    client: httpx.AsyncClient,
) -> None:
    response = await get(client)

    assert response.status_code == 200
    assert response.headers["etag"] == entity_tag(response.content)
    assert not response.headers["etag"].startswith("W/")


async def test_the_same_answer_twice_has_the_same_etag(
    client: httpx.AsyncClient,
) -> None:
    # given
    first = await get(client)

    # when
    second = await get(client)

    # then
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]


async def test_an_anonymous_answer_may_be_kept_by_shared_caches(
    client: httpx.AsyncClient,
) -> None:
    response = await get(client)

    assert response.headers["cache-control"] == PUBLIC
    assert vary_of(response) == ["accept", "authorization"]


async def test_an_answer_to_a_token_is_kept_by_the_client_only(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await get(client, authorization=f"Bearer {tokens.reader}")

    assert response.status_code == 200
    assert response.headers["cache-control"] == PRIVATE
    assert response.headers["etag"] == entity_tag(response.content)
    assert vary_of(response) == ["accept", "authorization"]


# 304 Not Modified


@pytest.mark.parametrize(
    "if_none_match",
    [
        pytest.param("{tag}", id="the-tag"),
        pytest.param('"other", {tag}', id="in-a-list"),
        pytest.param("W/{tag}", id="weak"),
        pytest.param("*", id="any"),
    ],
)
async def test_a_get_holding_the_answer_gets_304_with_its_headers(
    client: httpx.AsyncClient, if_none_match: str
) -> None:
    # given
    first = await get(client)
    tag = first.headers["etag"]

    # when
    response = await get(client, if_none_match=if_none_match.format(tag=tag))

    # then
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == tag
    assert response.headers["cache-control"] == PUBLIC
    assert response.headers["vary"] == first.headers["vary"]
    assert "content-type" not in response.headers
    assert "content-length" not in response.headers
    # the operation still ran, and was charged
    limit = int(first.headers["ratelimit-limit"])
    assert response.headers["ratelimit-limit"] == str(limit)
    remaining = int(response.headers["ratelimit-remaining"])
    assert remaining < int(first.headers["ratelimit-remaining"])
    assert "ratelimit-reset" in response.headers
    assert "x-request-id" in response.headers


async def test_a_get_holding_another_answer_gets_200_with_the_body(
    client: httpx.AsyncClient,
) -> None:
    first = await get(client)

    response = await get(client, if_none_match='"stale", W/"older"')

    assert response.status_code == 200
    assert response.content == first.content
    assert response.headers["etag"] == first.headers["etag"]


async def test_an_answer_changed_by_a_mutation_gets_a_new_etag_and_200(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    before = await get(client)
    issue: JSON = before.json()["data"]["relationship"]["issue"]
    edit = {"issueId": issue["id"], "title": "Direct flights, again"}
    data = await gql_data(client, ISSUE_EDIT, {"input": edit}, tokens.editor)
    assert data == {"issueEdit": {"__typename": "IssueEditSuccess"}}

    # when
    after = await get(client, if_none_match=before.headers["etag"])

    # then
    assert after.status_code == 200
    assert after.json()["data"]["relationship"]["issue"]["title"] == edit["title"]
    assert after.headers["etag"] == entity_tag(after.content)
    assert after.headers["etag"] != before.headers["etag"]


async def test_a_token_answer_held_by_its_client_gets_304_and_stays_private(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    bearer = f"Bearer {tokens.reader}"
    first = await get(client, authorization=bearer)

    response = await get(
        client, authorization=bearer, if_none_match=first.headers["etag"]
    )

    assert response.status_code == 304
    assert response.headers["cache-control"] == PRIVATE


# no-store


async def test_a_query_over_post_is_not_stored_and_has_no_etag(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": TITLE}, headers={"If-None-Match": "*", **IDENTITY}
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_a_mutation_is_not_stored_and_has_no_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    issue = (await get(client)).json()["data"]["relationship"]["issue"]
    edit = {"issueId": issue["id"], "summary": "Flights resumed."}

    response = await client.post(
        "/graphql",
        json={"query": ISSUE_EDIT, "variables": {"input": edit}},
        headers={"Authorization": f"Bearer {tokens.editor}", **IDENTITY},
    )

    assert response.json() == {
        "data": {"issueEdit": {"__typename": "IssueEditSuccess"}}
    }
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


@pytest.mark.parametrize(
    ("query", "status"),
    [
        pytest.param("{ issues(first: 101) { totalCount } }", 200, id="field-error"),
        pytest.param("{ issues {", 400, id="refused"),
        pytest.param(
            'mutation { tokenRevoke(input: {name: "x"}) { __typename } }',
            405,
            id="mutation-over-get",
        ),
    ],
)
async def test_a_get_answered_with_errors_is_not_stored(
    client: httpx.AsyncClient, query: str, status: int
) -> None:
    response = await get(client, query, if_none_match="*")

    assert response.status_code == status
    assert response.json()["errors"]
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


# If-None-Match, as RFC 9110 §13.1.2 reads it


@pytest.mark.parametrize(
    ("if_none_match", "expected"),
    [
        pytest.param(['"a"'], True, id="same"),
        pytest.param(['W/"a"'], True, id="weak-sent"),
        pytest.param(['"b", "a"'], True, id="list"),
        pytest.param(['"b"', ' W/"a" '], True, id="several-fields"),
        pytest.param(['"x,a"'], False, id="comma-inside-a-tag"),
        pytest.param(["*"], True, id="any"),
        pytest.param(['"A"'], False, id="case-matters"),
        pytest.param(["a"], False, id="unquoted"),
        pytest.param([""], False, id="empty"),
    ],
)
def test_if_none_match_uses_weak_comparison(
    if_none_match: list[str], expected: bool
) -> None:
    assert matches(if_none_match, '"a"') is expected
