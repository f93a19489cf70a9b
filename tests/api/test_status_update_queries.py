"""Status histories: an issue's updates, and the update feed across issues."""

from datetime import date

import httpx
import pytest

from api.core.relay import global_id
from tests.api.graphql import (
    JSON,
    SeedUpdate,
    gql,
    gql_data,
    history_of,
    mutate,
    only_error,
    seed_slugs,
    seed_updates,
)
from tests.conftest import Tokens

PRECISIONS = {4: "YEAR", 7: "MONTH", 10: "DAY"}


def occurred_on(update: SeedUpdate) -> JSON:
    text: str = update.entry["date"]
    return {
        "text": text,
        "precision": PRECISIONS[len(text)],
        "date": update.day.isoformat(),
    }


def as_read(update: SeedUpdate) -> JSON:
    """An update as the API should read it back, from its seed entry."""
    source = update.entry["source"]
    return {
        "status": update.status,
        "occurredOn": occurred_on(update),
        "note": update.entry["note"],
        "verified": update.entry["verified"],
        "source": {
            "url": source["url"],
            "title": source.get("title"),
            "publisher": source.get("publisher"),
        },
        "recordedBy": "seed",
        "retractedAt": None,
        "retractionReason": None,
        "issue": {"slug": update.slug},
    }


def feed_order(*, newest_first: bool) -> list[SeedUpdate]:
    return sorted(
        seed_updates(),
        key=lambda update: (update.day, update.recorded),
        reverse=newest_first,
    )


def identity(node: JSON) -> tuple[str, str, str]:
    return node["issue"]["slug"], node["occurredOn"]["text"], node["note"]


def seed_identity(update: SeedUpdate) -> tuple[str, str, str]:
    return update.slug, update.entry["date"], update.entry["note"]


# An issue's history

ISSUE_UPDATES = """
query IssueUpdates(
  $slug: String!
  $first: Int
  $after: String
  $last: Int
  $before: String
  $order: SortDirection! = ASC
) {
  relationship(slug: "india-china") {
    issue(slug: $slug) {
      updates(
        first: $first, after: $after, last: $last, before: $before, order: $order
      ) {
        totalCount
        edges { cursor node { id note previousStatus } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}
"""

EVERY_HISTORY = """
{
  issues(first: 50) {
    nodes {
      slug
      updates(first: 100) {
        totalCount
        nodes {
          status
          occurredOn { text precision date }
          note
          verified
          source { url title publisher }
          recordedBy
          retractedAt
          retractionReason
          issue { slug }
          previousStatus
        }
      }
    }
  }
}
"""

FIRST_TWO_OF_EVERY_HISTORY = """
{
  issues(first: 100) {
    nodes {
      slug
      updates(first: 2) {
        nodes { note }
        pageInfo { hasNextPage hasPreviousPage }
      }
    }
  }
}
"""


async def issue_updates(client: httpx.AsyncClient, **variables: object) -> JSON:
    data = await gql_data(client, ISSUE_UPDATES, dict(variables))
    updates: JSON = data["relationship"]["issue"]["updates"]
    return updates


def notes(connection: JSON) -> list[str]:
    return [edge["node"]["note"] for edge in connection["edges"]]


def flags(connection: JSON) -> tuple[bool, bool]:
    info = connection["pageInfo"]
    return info["hasPreviousPage"], info["hasNextPage"]


async def test_every_history_reads_back_as_seeded_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, EVERY_HISTORY)

    got = {node["slug"]: node["updates"] for node in data["issues"]["nodes"]}
    expected = {}
    for slug in seed_slugs():
        history = history_of(slug)
        previous = [None] + [update.status for update in history[:-1]]
        expected[slug] = {
            "totalCount": len(history),
            "nodes": [
                {**as_read(update), "previousStatus": before}
                for update, before in zip(history, previous, strict=True)
            ],
        }
    assert got == expected


async def test_a_partial_date_reads_back_with_its_precision(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, EVERY_HISTORY)

    films = next(
        node
        for node in data["issues"]["nodes"]
        if node["slug"] == "indian-films-in-china"
    )
    dates = [update["occurredOn"] for update in films["updates"]["nodes"]]
    assert dates[0] == {"text": "2020-06", "precision": "MONTH", "date": "2020-06-01"}
    assert dates[1] == {"text": "2021-12-15", "precision": "DAY", "date": "2021-12-15"}
    assert dates[3] == {"text": "2024-11", "precision": "MONTH", "date": "2024-11-01"}


POST_UPDATE = """
mutation Post($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename }
}
"""


async def test_updates_of_one_day_keep_the_order_they_were_recorded_in(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given: no seeded issue has two updates of one day, so two more are recorded
    # on the day of a seeded one, their notes in reverse alphabetical order
    slug, day = "special-representatives-talks", "2025-08-19"
    (seeded,) = [u.entry["note"] for u in history_of(slug) if u.entry["date"] == day]
    later = ["Zeta, recorded second.", "Alpha, recorded third."]
    wanted = await issue_id(client, slug)
    for note in later:
        given = {"issueId": wanted, "status": "IN_PROGRESS", "occurredOn": day}
        payload = await mutate(
            client, tokens.editor, POST_UPDATE, {**given, "note": note}
        )
        assert payload == {"__typename": "IssueUpdateStatusSuccess"}

    # when
    updates = await issue_updates(client, slug=slug, first=100)

    # then
    listed = notes(updates)
    start = listed.index(seeded)
    assert listed[start : start + 3] == [seeded, *later]


async def test_issue_updates_descending_are_newest_first(
    client: httpx.AsyncClient,
) -> None:
    updates = await issue_updates(client, slug="direct-flights", order="DESC")

    history = history_of("direct-flights")
    assert notes(updates) == [update.entry["note"] for update in reversed(history)]
    assert updates["totalCount"] == len(history)
    assert flags(updates) == (False, False)


async def test_the_unverified_seed_updates_read_unverified(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, EVERY_HISTORY)

    unverified = {
        (node["slug"], update["occurredOn"]["text"])
        for node in data["issues"]["nodes"]
        for update in node["updates"]["nodes"]
        if update["verified"] is False
    }
    assert unverified == {
        ("journalists-visas", "2021-12"),
        ("kailash-mansarovar-yatra", "2025-08"),
    }
    assert unverified == {
        (update.slug, update.entry["date"])
        for update in seed_updates()
        if update.entry["verified"] is False
    }


# 13 updates: a walk two at a time ends on a page of one.
WALKED = "kailash-mansarovar-yatra"


@pytest.mark.parametrize("order", ["ASC", "DESC"])
async def test_walking_an_issue_history_forward_two_at_a_time(
    client: httpx.AsyncClient, order: str
) -> None:
    history = [update.entry["note"] for update in history_of(WALKED)]
    expected = history if order == "ASC" else history[::-1]
    assert len(expected) == 13

    pages = [await issue_updates(client, slug=WALKED, first=2, order=order)]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        after = pages[-1]["pageInfo"]["endCursor"]
        pages.append(
            await issue_updates(client, slug=WALKED, first=2, after=after, order=order)
        )
        assert len(pages) <= 20, "the walk does not end"

    assert [notes(page) for page in pages] == [
        expected[i : i + 2] for i in range(0, 13, 2)
    ]
    assert [flags(page) for page in pages] == (
        [(False, True)] + [(True, True)] * 5 + [(True, False)]
    )
    assert {page["totalCount"] for page in pages} == {13}


async def test_walking_an_issue_history_backward_two_at_a_time(
    client: httpx.AsyncClient,
) -> None:
    expected = [update.entry["note"] for update in history_of(WALKED)]
    assert len(expected) == 13

    pages = [await issue_updates(client, slug=WALKED, last=2)]
    while pages[-1]["pageInfo"]["hasPreviousPage"]:
        before = pages[-1]["pageInfo"]["startCursor"]
        pages.append(await issue_updates(client, slug=WALKED, last=2, before=before))
        assert len(pages) <= 20, "the walk does not end"

    assert [notes(page) for page in pages] == [
        expected[11:13],
        expected[9:11],
        expected[7:9],
        expected[5:7],
        expected[3:5],
        expected[1:3],
        expected[0:1],
    ]
    assert [flags(page) for page in pages] == (
        [(True, False)] + [(True, True)] * 5 + [(False, True)]
    )


async def test_every_issue_in_a_list_gets_its_own_first_page_of_updates(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, FIRST_TWO_OF_EVERY_HISTORY)

    got = {node["slug"]: node["updates"] for node in data["issues"]["nodes"]}
    expected = {
        slug: {
            "nodes": [{"note": u.entry["note"]} for u in history_of(slug)[:2]],
            "pageInfo": {
                "hasNextPage": len(history_of(slug)) > 2,
                "hasPreviousPage": False,
            },
        }
        for slug in seed_slugs()
    }
    assert got == expected


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"first": 101}, "`first` must be between 0 and 100; 101 was given."),
        ({"first": 2, "last": 2}, "Pass either `first` or `last`, not both."),
        ({"first": 2, "after": "garbage"}, "'garbage' is not a valid cursor."),
    ],
)
async def test_bad_page_arguments_of_an_issue_history_are_bad_user_input(
    client: httpx.AsyncClient, page: JSON, message: str
) -> None:
    body = await gql(client, ISSUE_UPDATES, {"slug": "direct-flights", **page})

    error = only_error(body)
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["relationship", "issue", "updates"]
    assert body["data"] == {"relationship": {"issue": None}}


# The feed across issues

FEED = """
query Feed(
  $filter: StatusUpdateFilter
  $order: SortDirection! = DESC
  $first: Int
  $after: String
  $last: Int
  $before: String
) {
  statusUpdates(
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
      node { id status note verified occurredOn { text } issue { slug } }
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


async def feed(client: httpx.AsyncClient, **variables: object) -> JSON:
    data = await gql_data(client, FEED, dict(variables))
    connection: JSON = data["statusUpdates"]
    return connection


def identities(connection: JSON) -> list[tuple[str, str, str]]:
    return [identity(edge["node"]) for edge in connection["edges"]]


async def issue_id(client: httpx.AsyncClient, slug: str) -> str:
    data = await gql_data(client, ISSUE_ID, {"slug": slug})
    found: str = data["relationship"]["issue"]["id"]
    return found


def pages_of_50() -> list[int]:
    """The sizes of the pages of 50 that the whole seeded feed fills."""
    full, rest = divmod(len(seed_updates()), 50)
    return [50] * full + ([rest] if rest else [])


async def walk_feed(client: httpx.AsyncClient, **variables: object) -> list[JSON]:
    pages = [await feed(client, **variables)]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        after = pages[-1]["pageInfo"]["endCursor"]
        pages.append(await feed(client, after=after, **variables))
        assert len(pages) <= 20, "the walk does not end"
    return pages


async def test_the_feed_is_newest_first_twenty_at_a_time_by_default(
    client: httpx.AsyncClient,
) -> None:
    connection = await feed(client)

    expected = [seed_identity(u) for u in feed_order(newest_first=True)[:20]]
    assert identities(connection) == expected
    assert connection["totalCount"] == len(seed_updates())
    assert flags(connection) == (False, True)


async def test_walking_the_whole_feed_visits_every_update_once(
    client: httpx.AsyncClient,
) -> None:
    pages = await walk_feed(client, first=50)

    edges = [edge for page in pages for edge in page["edges"]]
    assert [len(page["edges"]) for page in pages] == pages_of_50()
    assert len({edge["node"]["id"] for edge in edges}) == len(seed_updates())
    assert [identity(edge["node"]) for edge in edges] == [
        seed_identity(u) for u in feed_order(newest_first=True)
    ]
    assert [flags(page) for page in pages] == (
        [(False, True)] + [(True, True)] * (len(pages) - 2) + [(True, False)]
    )


async def test_the_feed_in_ascending_order_is_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    pages = await walk_feed(client, first=50, order="ASC")

    edges = [edge for page in pages for edge in page["edges"]]
    assert [identity(edge["node"]) for edge in edges] == [
        seed_identity(u) for u in feed_order(newest_first=False)
    ]


async def test_walking_the_feed_backward_visits_every_update_once(
    client: httpx.AsyncClient,
) -> None:
    pages = [await feed(client, last=50)]
    while pages[-1]["pageInfo"]["hasPreviousPage"]:
        before = pages[-1]["pageInfo"]["startCursor"]
        pages.append(await feed(client, last=50, before=before))
        assert len(pages) <= 20, "the walk does not end"

    walked = [identity(e["node"]) for page in reversed(pages) for e in page["edges"]]
    assert walked == [seed_identity(u) for u in feed_order(newest_first=True)]
    assert [len(page["edges"]) for page in pages] == pages_of_50()


async def test_the_feed_of_one_issue_is_that_issues_history(
    client: httpx.AsyncClient,
) -> None:
    flights = await issue_id(client, "direct-flights")

    connection = await feed(client, filter={"issue": flights}, first=100)

    history = history_of("direct-flights")
    assert identities(connection) == [seed_identity(u) for u in reversed(history)]
    assert connection["totalCount"] == len(history)


@pytest.mark.parametrize("statuses", [["RESOLVED"], ["STALLED", "PROPOSED"]])
async def test_the_feed_filtered_by_status(
    client: httpx.AsyncClient, statuses: list[str]
) -> None:
    connection = await feed(client, filter={"status": statuses}, first=100)

    expected = [
        seed_identity(u) for u in feed_order(newest_first=True) if u.status in statuses
    ]
    assert identities(connection) == expected
    assert connection["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("occurred_from", "occurred_to"),
    [
        (date(2025, 1, 27), date(2025, 1, 27)),
        (date(2024, 11, 1), date(2024, 11, 30)),
        (date(2026, 1, 1), None),
        (None, date(2020, 3, 31)),
    ],
)
async def test_the_feed_filtered_by_when_updates_took_effect(
    client: httpx.AsyncClient, occurred_from: date | None, occurred_to: date | None
) -> None:
    given = {
        "occurredFrom": occurred_from and occurred_from.isoformat(),
        "occurredTo": occurred_to and occurred_to.isoformat(),
    }

    connection = await feed(client, filter=given, first=100)

    expected = [
        seed_identity(u)
        for u in feed_order(newest_first=True)
        if (occurred_from is None or u.day >= occurred_from)
        and (occurred_to is None or u.day <= occurred_to)
    ]
    assert identities(connection) == expected
    assert connection["totalCount"] == len(expected)
    assert expected


async def test_a_month_precise_update_counts_from_the_first_of_the_month(
    client: httpx.AsyncClient,
) -> None:
    given = {"occurredFrom": "2024-11-01", "occurredTo": "2024-11-01"}

    connection = await feed(client, filter=given)

    assert identities(connection) == [
        seed_identity(u)
        for u in history_of("indian-films-in-china")
        if u.entry["date"] == "2024-11"
    ]


@pytest.mark.parametrize("verified", [False, True])
async def test_the_feed_filtered_by_verification(
    client: httpx.AsyncClient, verified: bool
) -> None:
    connection = await feed(client, filter={"verified": verified}, first=100)

    expected = [u for u in seed_updates() if u.entry["verified"] is verified]
    assert expected
    assert connection["totalCount"] == len(expected)
    assert {edge["node"]["verified"] for edge in connection["edges"]} == {verified}


async def test_the_unverified_updates(client: httpx.AsyncClient) -> None:
    connection = await feed(client, filter={"verified": False})

    assert identities(connection) == [
        seed_identity(u)
        for u in feed_order(newest_first=True)
        if u.entry["verified"] is False
    ]


@pytest.mark.parametrize(
    ("relationship", "expected"), [("india-china", len(seed_updates())), ("nope", 0)]
)
async def test_the_feed_filtered_by_relationship(
    client: httpx.AsyncClient, relationship: str, expected: int
) -> None:
    connection = await feed(client, filter={"relationship": relationship})

    assert connection["totalCount"] == expected


async def test_the_feed_including_retracted_updates_is_unchanged_by_seeds(
    client: httpx.AsyncClient,
) -> None:
    # Nothing is retracted in the seed data.
    connection = await feed(client, filter={"includeRetracted": True}, first=100)

    assert connection["totalCount"] == len(seed_updates())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not-an-id", "'not-an-id' is not a valid id."),
        (
            global_id("Meeting", 1),
            f"`filter.issue` must be the id of an Issue; '{global_id('Meeting', 1)}' "
            "is not.",
        ),
    ],
    ids=["malformed", "of-a-meeting"],
)
async def test_the_feed_refuses_an_issue_filter_that_is_no_issue_id(
    client: httpx.AsyncClient, value: str, message: str
) -> None:
    body = await gql(client, FEED, {"filter": {"issue": value}})

    error = only_error(body)
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


async def test_the_feed_of_a_missing_issue_is_empty(client: httpx.AsyncClient) -> None:
    connection = await feed(client, filter={"issue": global_id("Issue", 999_999)})

    assert connection["edges"] == []
    assert connection["totalCount"] == 0


async def test_a_cursor_of_an_issue_list_is_refused_by_the_feed(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, "{ issues(first: 1) { pageInfo { endCursor } } }")
    cursor = body["data"]["issues"]["pageInfo"]["endCursor"]

    body = await gql(client, FEED, {"first": 3, "after": cursor})

    error = only_error(body)
    assert error["message"] == (
        f"'{cursor[:64]}' is not a cursor of this list in its current order."
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# The feed in recorded order

FEED_BY = """
query FeedBy($orderBy: StatusUpdateOrder, $first: Int, $after: String, $last: Int,
             $before: String, $filter: StatusUpdateFilter) {
  statusUpdates(
    orderBy: $orderBy
    filter: $filter
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    edges { cursor node { id note occurredOn { text } issue { slug } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

RECORDED_DESC = {"field": "RECORDED", "direction": "DESC"}


async def feed_by(client: httpx.AsyncClient, **variables: object) -> JSON:
    data = await gql_data(client, FEED_BY, dict(variables))
    connection: JSON = data["statusUpdates"]
    return connection


def recorded_order(*, newest_first: bool) -> list[tuple[str, str, str]]:
    ordered = sorted(seed_updates(), key=lambda u: u.recorded, reverse=newest_first)
    return [seed_identity(u) for u in ordered]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_walking_the_feed_in_recorded_order_visits_every_update_once(
    client: httpx.AsyncClient, direction: str
) -> None:
    order_by = {"field": "RECORDED", "direction": direction}
    pages = [await feed_by(client, orderBy=order_by, first=50)]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        after = pages[-1]["pageInfo"]["endCursor"]
        pages.append(await feed_by(client, orderBy=order_by, first=50, after=after))
        assert len(pages) <= 20, "the walk does not end"

    walked = [identity(edge["node"]) for page in pages for edge in page["edges"]]
    assert walked == recorded_order(newest_first=direction == "DESC")
    # the seed is recorded issue by issue, so this order is not the history's
    assert walked != [seed_identity(u) for u in feed_order(newest_first=True)]
    assert [len(page["edges"]) for page in pages] == pages_of_50()


async def test_walking_the_feed_backward_in_recorded_order(
    client: httpx.AsyncClient,
) -> None:
    pages = [await feed_by(client, orderBy=RECORDED_DESC, last=60)]
    while pages[-1]["pageInfo"]["hasPreviousPage"]:
        before = pages[-1]["pageInfo"]["startCursor"]
        pages.append(
            await feed_by(client, orderBy=RECORDED_DESC, last=60, before=before)
        )
        assert len(pages) <= 20, "the walk does not end"

    walked = [identity(e["node"]) for page in reversed(pages) for e in page["edges"]]
    assert walked == recorded_order(newest_first=True)


async def test_a_back_filled_update_is_the_newest_recorded_not_the_newest(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given: an update recorded now about a day long past
    note = "Back-filled: recorded today about 2020."
    given = {"issueId": await issue_id(client, "trade-and-investment")}
    payload = await mutate(
        client,
        tokens.editor,
        POST_UPDATE,
        {**given, "status": "STALLED", "occurredOn": "2020-03-01", "note": note},
    )
    assert payload == {"__typename": "IssueUpdateStatusSuccess"}

    # when
    recorded = await feed_by(client, orderBy=RECORDED_DESC, first=2)
    occurred = await feed_by(client, orderBy={"field": "OCCURRED_ON"}, first=1)

    # then
    newest = recorded["edges"][0]["node"]
    assert (newest["note"], newest["occurredOn"]["text"]) == (note, "2020-03-01")
    assert (
        identity(recorded["edges"][1]["node"]) == recorded_order(newest_first=True)[0]
    )
    assert identity(occurred["edges"][0]["node"]) == seed_identity(
        feed_order(newest_first=True)[0]
    )


async def test_the_default_order_by_field_is_newest_first(
    client: httpx.AsyncClient,
) -> None:
    connection = await feed_by(client, orderBy={"field": "OCCURRED_ON"}, first=20)

    expected = [seed_identity(u) for u in feed_order(newest_first=True)[:20]]
    assert [identity(edge["node"]) for edge in connection["edges"]] == expected


async def test_the_feed_in_recorded_order_keeps_its_filters(
    client: httpx.AsyncClient,
) -> None:
    flights = await issue_id(client, "direct-flights")

    connection = await feed_by(
        client, orderBy=RECORDED_DESC, filter={"issue": flights}, first=100
    )

    expected = [
        seed_identity(u)
        for u in sorted(seed_updates(), key=lambda u: u.recorded, reverse=True)
        if u.slug == "direct-flights"
    ]
    assert [identity(edge["node"]) for edge in connection["edges"]] == expected


async def test_order_and_order_by_together_are_refused(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(
        client,
        "{ statusUpdates(order: ASC, orderBy: {field: RECORDED}) { nodes { id } } }",
    )

    error = only_error(body)
    assert error["message"] == "Pass either `order` or `orderBy`, not both."
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "orderBy"}
    assert body["data"] is None


async def test_a_cursor_of_one_order_is_refused_in_the_other(
    client: httpx.AsyncClient,
) -> None:
    page = await feed_by(client, orderBy=RECORDED_DESC, first=3)
    cursor = page["pageInfo"]["endCursor"]

    body = await gql(client, FEED, {"first": 3, "after": cursor})

    error = only_error(body)
    assert error["message"] == (
        f"'{cursor[:64]}' is not a cursor of this list in its current order."
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
