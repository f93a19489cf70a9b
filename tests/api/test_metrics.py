"""`GET /metrics`: operations by name, type and outcome; errors; the switches.

Counters live as long as the test process, so each test compares a scrape taken
before with one taken after what it does.
"""

from dataclasses import replace

import httpx
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.observability import metrics
from api.observability.metrics import OperationNames, labelled
from api.settings import Settings
from models.issue import Issue
from tests.api.graphql import gql, mutate
from tests.conftest import Tokens
from tests.metrics import sample

BUMP = """
mutation Bump($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on UserError { code }
  }
}
"""
REQUESTS = "bilateral_requests_total"


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return response.text


def requests(text: str, operation: str, kind: str, outcome: str) -> float:
    return sample(
        text,
        REQUESTS,
        operation=operation,
        type=kind,
        outcome=outcome,
        transport="http",
    )


async def bump_input(version: int) -> dict[str, object]:
    issue = await Issue.get(slug="direct-flights")
    return {
        "issueId": global_id("Issue", issue.pk),
        "status": "RESOLVED",
        "occurredOn": "2024-01",
        "note": "A back-filled report.",
        "source": {"url": "https://example.org/report"},
        "expectedVersion": version,
    }


async def test_a_query_and_a_mutation_are_counted_by_name_type_and_outcome(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    before = await scrape(client)
    issue = await Issue.get(slug="direct-flights")

    await gql(client, "query Board { issues(first: 2) { nodes { slug } } }")
    done = await mutate(client, tokens.editor, BUMP, await bump_input(issue.version))
    after = await scrape(client)

    assert done["__typename"] == "IssueUpdateStatusSuccess"
    assert (
        requests(after, "Board", "query", "ok")
        - requests(before, "Board", "query", "ok")
        == 1
    )
    assert (
        requests(after, "Bump", "mutation", "ok")
        - requests(before, "Bump", "mutation", "ok")
        == 1
    )
    for kind in ("query", "mutation"):
        name = "bilateral_request_duration_seconds_count"
        assert sample(after, name, type=kind) - sample(before, name, type=kind) == 1


async def test_a_user_error_is_counted_with_its_code(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    before = await scrape(client)
    issue = await Issue.get(slug="direct-flights")

    refused = await mutate(
        client, tokens.editor, BUMP, await bump_input(issue.version - 1)
    )
    await gql(client, "query Broken { issues(first: 2) { nodes { nope } } }")
    after = await scrape(client)

    assert refused == {"__typename": "VersionConflictError", "code": "VERSION_CONFLICT"}
    assert (
        requests(after, "Bump", "mutation", "user_error")
        - requests(before, "Bump", "mutation", "user_error")
        == 1
    )
    code = "VERSION_CONFLICT"
    name = "bilateral_user_errors_total"
    assert sample(after, name, code=code) - sample(before, name, code=code) == 1
    # A document that does not validate has no admitted operation.
    assert (
        requests(after, "unknown", "unknown", "user_error")
        - requests(before, "unknown", "unknown", "user_error")
        == 1
    )
    code = "GRAPHQL_VALIDATION_FAILED"
    name = "bilateral_graphql_errors_total"
    assert sample(after, name, code=code) - sample(before, name, code=code) == 1


async def test_a_rate_limited_request_is_counted_as_such(
    seeded_db: TortoiseContext, settings: Settings
) -> None:
    app = create_app(replace(settings, rate_limit=2), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        before = await scrape(client)
        answers = [
            await client.post("/graphql", json={"query": "query Tiny { __typename }"})
            for _ in range(3)
        ]
        after = await scrape(client)

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    # Refused as it arrives (its first point), before its document is read.
    assert (
        requests(after, "unknown", "unknown", "rate_limited")
        - requests(before, "unknown", "unknown", "rate_limited")
        == 1
    )
    assert (
        requests(after, "Tiny", "query", "ok") - requests(before, "Tiny", "query", "ok")
        == 2
    )
    name = "bilateral_rate_limit_refusals_total"
    assert sample(after, name) - sample(before, name) == 1
    code = "RATE_LIMITED"
    name = "bilateral_graphql_errors_total"
    assert sample(after, name, code=code) - sample(before, name, code=code) == 1


async def test_a_refused_token_is_counted_as_unauthenticated(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)

    response = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer bil_not-a-token"},
    )
    after = await scrape(client)

    assert response.status_code == 401
    code = "UNAUTHENTICATED"
    name = "bilateral_graphql_errors_total"
    assert sample(after, name, code=code) - sample(before, name, code=code) == 1


async def test_cache_hits_and_misses_are_counted(client: httpx.AsyncClient) -> None:
    before = await scrape(client)

    for _ in range(2):
        await gql(client, "query Counted { issues(first: 1) { nodes { slug } } }")
    after = await scrape(client)

    name = "bilateral_response_cache_lookups_total"
    for result in ("hit", "miss"):
        assert (
            sample(after, name, result=result) - sample(before, name, result=result)
            == 1
        )


async def test_metrics_can_be_turned_off(
    seeded_db: TortoiseContext, settings: Settings
) -> None:
    app = create_app(replace(settings, metrics=False), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/metrics")

    assert response.status_code == 404


async def test_metrics_on_a_port_of_their_own_leave_the_api_port(
    seeded_db: TortoiseContext, settings: Settings
) -> None:
    app = create_app(replace(settings, metrics_port=9999), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/metrics")

    assert response.status_code == 404


def test_operation_names_beyond_the_cap_fold_into_other() -> None:
    names = OperationNames(most=2)

    labels = [names.label(name) for name in ("A", "B", "C", "A", None, "x" * 65)]

    assert labels == ["A", "B", "other", "A", "anonymous", "other"]


def test_a_labelled_child_is_the_clients_own_looked_up_once() -> None:
    counter = metrics.REQUESTS
    child = labelled(counter, "Board", "query", "ok", "http")

    assert child is counter.labels("Board", "query", "ok", "http")
    assert labelled(counter, "Board", "query", "ok", "http") is child
    assert labelled(counter, "Board", "query", "ok", "ws") is not child
