"""NUL characters and lone surrogates: refused before any read, typed in inputs."""

import httpx

from api.core.relay import global_id
from models.issue import Issue
from tests.api.graphql import JSON, post_document
from tests.conftest import Tokens
from tests.snapshots import snapshot

REFUSED = {
    "message": "Strings may not contain NUL characters or unpaired surrogates "
    "(invalid UTF-16).",
    "extensions": {"code": "BAD_USER_INPUT"},
}
POST_AND_READ = """
mutation Post($input: IssueUpdateStatusInput!, $slug: String!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on ValidationError { field message }
    ... on IssueUpdateStatusSuccess {
      issue { relationship { issue(slug: $slug) { slug } } }
    }
  }
}
"""


def without_locations(body: JSON) -> list[JSON]:
    """A body's errors without their locations."""
    return [{k: v for k, v in e.items() if k != "locations"} for e in body["errors"]]


async def update_input(note: str) -> JSON:
    """An issueUpdateStatus input for a seeded issue."""
    issue = await Issue.get(slug="border-peace-normalisation")
    return {
        "issueId": global_id("Issue", issue.pk),
        "status": "STALLED",
        "occurredOn": "2026-01-01",
        "note": note,
    }


async def test_a_nul_in_a_read_argument_is_refused_before_running(
    client: httpx.AsyncClient,
) -> None:
    literal = await post_document(
        client, '{ issues(filter: { search: "a\\u0000b" }) { totalCount } }'
    )
    variable = await post_document(
        client,
        "query($s: String) { issues(filter: { search: $s }) { totalCount } }",
        {"s": "\ud800"},
    )

    assert (literal.status_code, variable.status_code) == (400, 400)
    assert without_locations(literal.json()) == [REFUSED]
    assert variable.json() == {"errors": [REFUSED]}


async def test_unsafe_text_in_a_mutation_input_is_a_validation_error_on_its_field(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given an update whose note holds a lone surrogate
    before = await snapshot()
    given = await update_input("Talks \ud800 resumed.")

    # when it is posted
    response = await post_document(
        client, POST_AND_READ, {"input": given, "slug": "x"}, tokens.editor
    )

    # then the domain refuses it, naming the field, and writes nothing
    assert response.json()["data"]["issueUpdateStatus"] == {
        "__typename": "ValidationError",
        "field": "note",
        "message": "The note is not valid text: it has an unpaired surrogate.",
    }
    assert await snapshot() == before


async def test_unsafe_text_read_in_a_mutations_result_refuses_it_whole(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given a valid update, but a result that reads an issue by a slug with NUL
    before = await snapshot()
    given = await update_input("Talks resumed.")

    # when it is posted, with the slug as a variable and as a literal
    by_variable = await post_document(
        client, POST_AND_READ, {"input": given, "slug": "a\x00"}, tokens.editor
    )
    literal = POST_AND_READ.replace(", $slug: String!", "").replace(
        "$slug", '"a\\u0000"'
    )
    by_literal = await post_document(client, literal, {"input": given}, tokens.editor)

    # then both are refused before running, and nothing is written
    assert by_variable.json() == {"errors": [REFUSED]}
    assert without_locations(by_literal.json()) == [REFUSED]
    assert await snapshot() == before


async def test_the_same_mutation_is_judged_by_each_requests_own_variables(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given a mutation document already run with clean variables
    clean = {"input": await update_input("Talks resumed."), "slug": "direct-flights"}
    first = await post_document(client, POST_AND_READ, clean, tokens.editor)
    assert first.json()["data"]["issueUpdateStatus"]["__typename"] == (
        "IssueUpdateStatusSuccess"
    )
    before = await snapshot()

    # when the same document comes with unsafe text in a variable its result reads
    unsafe = {"input": await update_input("Talks resumed again."), "slug": "a\x00"}
    again = await post_document(client, POST_AND_READ, unsafe, tokens.editor)

    # then it is refused before running, as the first time it would have been
    assert again.json() == {"errors": [REFUSED]}
    assert await snapshot() == before
