"""Reads are batched: the statements a page costs do not grow with the page size."""

from datetime import date

import httpx
from tortoise.context import TortoiseContext

from models.enums import IssueStatus
from tests.conftest import QueryCounter
from tests.factories import make_issue, make_meeting

BOARD = """
query Board($first: Int!) {
  issues(first: $first, orderBy: {field: CREATED_AT, direction: DESC}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      slug status raisedBy
      relationship { slug countries }
      statusAsOf(date: "2025-01-27")
      latestUpdate { status occurredOn { text } }
      updates(first: 3, order: DESC) {
        totalCount
        nodes {
          status previousStatus note
          occurredOn { date precision text }
          source { url title publisher }
          issue { slug }
        }
      }
      meetings(first: 3) {
        totalCount
        nodes { title heldOn { text } source { url } issues { slug } }
      }
    }
  }
}
"""


async def _add_issues(count: int) -> None:
    history = [
        (date(2024, 1, 5), IssueStatus.PROPOSED),
        (date(2024, 6, 1), IssueStatus.UNDER_DISCUSSION),
        (date(2025, 1, 27), IssueStatus.AGREED_IN_PRINCIPLE),
        (date(2025, 9, 1), IssueStatus.IN_PROGRESS),
    ]
    for number in range(count):
        issue = await make_issue(slug=f"extra-{number:02d}", history=history)
        await make_meeting(date(2025, 2, 1), f"Talks {number}", [issue])


async def _statements_for(
    client: httpx.AsyncClient, counter: QueryCounter, first: int
) -> tuple[int, int]:
    before = counter.count
    response = await client.post(
        "/graphql", json={"query": BOARD, "variables": {"first": first}}
    )
    body = response.json()
    assert "errors" not in body, body
    assert len(body["data"]["issues"]["nodes"]) == first
    return counter.count - before, len(body["data"]["issues"]["nodes"])


async def test_a_page_of_50_costs_the_same_statements_as_a_page_of_5(
    seeded_db: TortoiseContext, client: httpx.AsyncClient, sql_queries: QueryCounter
) -> None:
    await _add_issues(36)  # with the seeded issues, at least 50

    small, _ = await _statements_for(client, sql_queries, 5)
    large, _ = await _statements_for(client, sql_queries, 50)

    assert small == large
    assert large <= 13, sql_queries.statements[-large:]


async def test_nested_pages_are_right_for_every_issue_of_a_batch(
    seeded_db: TortoiseContext, client: httpx.AsyncClient
) -> None:
    await _add_issues(36)

    response = await client.post(
        "/graphql", json={"query": BOARD, "variables": {"first": 50}}
    )

    extras = [
        n
        for n in response.json()["data"]["issues"]["nodes"]
        if n["slug"].startswith("extra")
    ]
    assert len(extras) == 36
    for node in extras:
        updates = node["updates"]
        assert updates["totalCount"] == 4
        assert [u["status"] for u in updates["nodes"]] == [
            "IN_PROGRESS",
            "AGREED_IN_PRINCIPLE",
            "UNDER_DISCUSSION",
        ]
        assert [u["previousStatus"] for u in updates["nodes"]] == [
            "AGREED_IN_PRINCIPLE",
            "UNDER_DISCUSSION",
            "PROPOSED",
        ]
        assert {u["issue"]["slug"] for u in updates["nodes"]} == {node["slug"]}
        assert node["statusAsOf"] == "AGREED_IN_PRINCIPLE"
        assert node["meetings"]["totalCount"] == 1
        assert node["meetings"]["nodes"][0]["issues"] == [{"slug": node["slug"]}]
