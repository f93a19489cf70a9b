"""Meetings: the list, its filters, and the meetings of each issue."""

from datetime import date

import httpx
import pytest

from tests.api.graphql import (
    JSON,
    SEED,
    first_day,
    gql,
    gql_data,
    only_error,
    seed_slugs,
)


def seed_meetings(*, newest_first: bool) -> list[JSON]:
    """The seeded meetings by the day they were held (ties: file order)."""
    meetings: list[JSON] = SEED["meetings"]
    ordered = sorted(enumerate(meetings), key=lambda m: (first_day(m[1]["date"]), m[0]))
    if newest_first:
        ordered.reverse()
    return [meeting for _, meeting in ordered]


def as_read(meeting: JSON) -> JSON:
    """A meeting as the API should read it back, from its seed entry."""
    source = meeting["source"]
    return {
        "title": meeting["title"],
        "heldOn": {
            "text": meeting["date"],
            "precision": "DAY",
            "date": first_day(meeting["date"]).isoformat(),
        },
        "location": meeting.get("location"),
        "participants": meeting["participants"],
        "summary": meeting.get("summary", ""),
        "source": {
            "url": source["url"],
            "title": source.get("title"),
            "publisher": source.get("publisher"),
        },
        "relationship": {"slug": "india-china"},
        "issues": [{"slug": slug} for slug in sorted(meeting["issues"])],
    }


def titles_of(meetings: list[JSON]) -> list[str]:
    return [meeting["title"] for meeting in meetings]


MEETINGS = """
query Meetings(
  $filter: MeetingFilter
  $order: SortDirection! = DESC
  $first: Int
  $after: String
  $last: Int
  $before: String
) {
  meetings(
    filter: $filter
    order: $order
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    totalCount
    edges {
      cursor
      node {
        title
        heldOn { text precision date }
        location
        participants
        summary
        source { url title publisher }
        relationship { slug }
        issues { slug }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

ISSUE_ID = """
query IssueId($slug: String!) {
  relationship(slug: "india-china") { issue(slug: $slug) { id } }
}
"""


async def meetings(client: httpx.AsyncClient, **variables: object) -> JSON:
    data = await gql_data(client, MEETINGS, dict(variables))
    connection: JSON = data["meetings"]
    return connection


def nodes(connection: JSON) -> list[JSON]:
    return [edge["node"] for edge in connection["edges"]]


def titles(connection: JSON) -> list[str]:
    return [edge["node"]["title"] for edge in connection["edges"]]


def flags(connection: JSON) -> tuple[bool, bool]:
    info = connection["pageInfo"]
    return info["hasPreviousPage"], info["hasNextPage"]


async def issue_id(client: httpx.AsyncClient, slug: str) -> str:
    data = await gql_data(client, ISSUE_ID, {"slug": slug})
    found: str = data["relationship"]["issue"]["id"]
    return found


async def test_meetings_are_newest_first_and_read_back_as_seeded(
    client: httpx.AsyncClient,
) -> None:
    connection = await meetings(client)

    assert nodes(connection) == [
        as_read(meeting) for meeting in seed_meetings(newest_first=True)
    ]
    assert connection["totalCount"] == len(SEED["meetings"])
    assert flags(connection) == (False, False)


async def test_meetings_in_ascending_order_are_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    connection = await meetings(client, order="ASC")

    assert titles(connection) == titles_of(seed_meetings(newest_first=False))


async def test_walking_meetings_forward_and_backward_five_at_a_time(
    client: httpx.AsyncClient,
) -> None:
    expected = titles_of(seed_meetings(newest_first=True))
    count = len(expected)
    assert count > 10, "the seeds should fill more than two pages"
    assert count % 5, "the seeds should end both walks in a short page"

    forward = [await meetings(client, first=5)]
    while forward[-1]["pageInfo"]["hasNextPage"]:
        after = forward[-1]["pageInfo"]["endCursor"]
        forward.append(await meetings(client, first=5, after=after))
        assert len(forward) <= 10, "the walk does not end"
    backward = [await meetings(client, last=5)]
    while backward[-1]["pageInfo"]["hasPreviousPage"]:
        before = backward[-1]["pageInfo"]["startCursor"]
        backward.append(await meetings(client, last=5, before=before))
        assert len(backward) <= 10, "the walk does not end"

    pages = range(0, count, 5)
    assert [titles(page) for page in forward] == [
        expected[start : start + 5] for start in pages
    ]
    assert [flags(page) for page in forward] == [
        (start > 0, start + 5 < count) for start in pages
    ]
    ends = range(count, 0, -5)
    assert [titles(page) for page in backward] == [
        expected[max(end - 5, 0) : end] for end in ends
    ]
    assert [flags(page) for page in backward] == [
        (end > 5, end < count) for end in ends
    ]


@pytest.mark.parametrize(
    "slug", ["direct-flights", "lac-disengagement", "trade-and-investment"]
)
async def test_meetings_filtered_by_issue(client: httpx.AsyncClient, slug: str) -> None:
    wanted = await issue_id(client, slug)

    connection = await meetings(client, filter={"issue": wanted})

    expected = [m for m in seed_meetings(newest_first=True) if slug in m["issues"]]
    assert titles(connection) == titles_of(expected)
    assert connection["totalCount"] == len(expected)
    assert all({"slug": slug} in node["issues"] for node in nodes(connection))


async def test_meetings_filtered_by_the_id_of_an_issue_that_none_discussed(
    client: httpx.AsyncClient,
) -> None:
    # No seeded meeting lists chinese-app-bans.
    wanted = await issue_id(client, "chinese-app-bans")

    connection = await meetings(client, filter={"issue": wanted})

    assert connection["edges"] == []
    assert connection["totalCount"] == 0


async def test_meetings_filtered_by_a_malformed_issue_id_are_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, MEETINGS, {"filter": {"issue": "not-an-id"}})

    error = only_error(body)
    assert error["message"] == "'not-an-id' is not a valid id."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


@pytest.mark.parametrize(
    ("held_from", "held_to"),
    [
        (date(2025, 1, 26), date(2025, 1, 27)),
        (date(2025, 8, 1), None),
        (None, date(2024, 12, 31)),
    ],
)
async def test_meetings_filtered_by_when_they_were_held(
    client: httpx.AsyncClient, held_from: date | None, held_to: date | None
) -> None:
    given = {
        "heldFrom": held_from and held_from.isoformat(),
        "heldTo": held_to and held_to.isoformat(),
    }

    connection = await meetings(client, filter=given)

    expected = [
        m
        for m in seed_meetings(newest_first=True)
        if (held_from is None or first_day(m["date"]) >= held_from)
        and (held_to is None or first_day(m["date"]) <= held_to)
    ]
    assert titles(connection) == titles_of(expected)
    assert connection["totalCount"] == len(expected)
    assert expected


@pytest.mark.parametrize("search", ["WMCC", "wmcc", "modi", "50%"])
async def test_meetings_filtered_by_search(
    client: httpx.AsyncClient, search: str
) -> None:
    connection = await meetings(client, filter={"search": search})

    needle = search.lower()
    expected = [
        m
        for m in seed_meetings(newest_first=True)
        if needle in m["title"].lower() or needle in m.get("summary", "").lower()
    ]
    assert titles(connection) == titles_of(expected)


@pytest.mark.parametrize(
    ("relationship", "expected"), [("india-china", len(SEED["meetings"])), ("nope", 0)]
)
async def test_meetings_filtered_by_relationship(
    client: httpx.AsyncClient, relationship: str, expected: int
) -> None:
    connection = await meetings(client, filter={"relationship": relationship})

    assert connection["totalCount"] == expected
    assert len(connection["edges"]) == expected


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"first": 101}, "`first` must be between 0 and 100; 101 was given."),
        ({"first": 1, "after": "garbage"}, "'garbage' is not a valid cursor."),
    ],
)
async def test_bad_page_arguments_of_meetings_are_bad_user_input(
    client: httpx.AsyncClient, page: JSON, message: str
) -> None:
    body = await gql(client, MEETINGS, page)

    error = only_error(body)
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


# The meetings of an issue

EVERY_ISSUES_MEETINGS = """
{
  issues(first: 50) {
    nodes {
      slug
      meetings(first: 100) { totalCount nodes { title } }
    }
  }
}
"""

ISSUE_MEETINGS = """
query IssueMeetings(
  $slug: String!
  $first: Int
  $after: String
  $order: SortDirection! = ASC
) {
  relationship(slug: "india-china") {
    issue(slug: $slug) {
      meetings(first: $first, after: $after, order: $order) {
        totalCount
        nodes { title }
        pageInfo { hasNextPage hasPreviousPage endCursor }
      }
    }
  }
}
"""


async def test_every_issue_lists_the_meetings_that_discussed_it_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, EVERY_ISSUES_MEETINGS)

    got = {node["slug"]: node["meetings"] for node in data["issues"]["nodes"]}
    expected = {}
    for slug in seed_slugs():
        held = [m for m in seed_meetings(newest_first=False) if slug in m["issues"]]
        expected[slug] = {
            "totalCount": len(held),
            "nodes": [{"title": title} for title in titles_of(held)],
        }
    assert got == expected


async def test_walking_the_meetings_of_an_issue_newest_first_two_at_a_time(
    client: httpx.AsyncClient,
) -> None:
    slug = "border-peace-normalisation"
    expected = titles_of(
        [m for m in seed_meetings(newest_first=True) if slug in m["issues"]]
    )
    variables: JSON = {"slug": slug, "first": 2, "order": "DESC"}

    pages = []
    after = None
    while True:
        data = await gql_data(client, ISSUE_MEETINGS, {**variables, "after": after})
        page = data["relationship"]["issue"]["meetings"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(pages) <= 10, "the walk does not end"

    walked = [node["title"] for page in pages for node in page["nodes"]]
    assert walked == expected
    assert len(expected) == 8
    assert {page["totalCount"] for page in pages} == {8}
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [
        False,
        True,
        True,
        True,
    ]
