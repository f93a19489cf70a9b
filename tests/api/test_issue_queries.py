"""Issue lists and single issues: order, pages, filters, current status, time travel."""

import base64
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime

import httpx
import pytest

from api.guards.limits import Limits
from api.settings import Settings
from tests.api.graphql import (
    JSON,
    STATUSES,
    current_status,
    days_around_updates,
    gql,
    gql_data,
    history_of,
    only_error,
    seed_issues,
    seed_slugs,
    status_count_list,
    status_on,
    statuses_on,
)

ISSUES = """
query Issues(
  $filter: IssueFilter
  $orderBy: IssueOrder
  $first: Int
  $after: String
  $last: Int
  $before: String
) {
  issues(
    filter: $filter
    orderBy: $orderBy
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    totalCount
    edges { cursor node { slug createdAt updatedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

# The default order, hard-coded rather than sorted in Python: it is a key fact.
SLUG_ORDER = [
    "arunachal-residents-visas-transit",
    "border-peace-normalisation",
    "border-trade",
    "brahmaputra-mega-dam",
    "china-export-curbs-rare-earths-fertilisers",
    "chinese-app-bans",
    "chinese-fdi-press-note-3",
    "direct-flights",
    "indian-films-in-china",
    "journalists-visas",
    "kailash-mansarovar-yatra",
    "lac-de-escalation",
    "lac-disengagement",
    "public-procurement-curbs",
    "special-representatives-talks",
    "trade-and-investment",
    "trans-border-rivers-data",
    "tunnel-boring-machines-held-in-china",
    "visas-for-chinese-nationals",
    "visas-for-indian-nationals",
    "wto-ev-battery-subsidy-dispute",
]

ORDERS = [
    {"field": field, "direction": direction}
    for field in ("SLUG", "TITLE", "CREATED_AT", "UPDATED_AT")
    for direction in ("ASC", "DESC")
]


def in_slug_order(chosen: Iterable[str]) -> list[str]:
    wanted = set(chosen)
    return [slug for slug in SLUG_ORDER if slug in wanted]


async def list_issues(client: httpx.AsyncClient, **variables: object) -> JSON:
    data = await gql_data(client, ISSUES, dict(variables))
    connection: JSON = data["issues"]
    return connection


def slugs(connection: JSON) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


def page_flags(connection: JSON) -> tuple[bool, bool]:
    info = connection["pageInfo"]
    return info["hasPreviousPage"], info["hasNextPage"]


async def walk_forward(
    client: httpx.AsyncClient, size: int, order_by: JSON | None = None
) -> list[JSON]:
    pages = [await list_issues(client, first=size, orderBy=order_by)]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        after = pages[-1]["pageInfo"]["endCursor"]
        pages.append(
            await list_issues(client, first=size, after=after, orderBy=order_by)
        )
        assert len(pages) <= 20, "the walk does not end"
    return pages


async def walk_backward(
    client: httpx.AsyncClient, size: int, order_by: JSON | None = None
) -> list[JSON]:
    pages = [await list_issues(client, last=size, orderBy=order_by)]
    while pages[-1]["pageInfo"]["hasPreviousPage"]:
        before = pages[-1]["pageInfo"]["startCursor"]
        pages.append(
            await list_issues(client, last=size, before=before, orderBy=order_by)
        )
        assert len(pages) <= 20, "the walk does not end"
    return pages


# Ordering and pages


async def test_issues_are_ordered_by_slug_by_default(
    client: httpx.AsyncClient,
) -> None:
    assert sorted(SLUG_ORDER) == sorted(seed_slugs())

    connection = await list_issues(client, first=100)

    assert slugs(connection) == SLUG_ORDER
    assert connection["totalCount"] == len(SLUG_ORDER)
    assert page_flags(connection) == (False, False)


async def test_issues_without_first_or_last_return_the_default_page(
    client: httpx.AsyncClient,
) -> None:
    assert len(SLUG_ORDER) > 20, "the seeds no longer fill more than a default page"

    connection = await list_issues(client)

    # The default page holds the first 20 of the seeded issues.
    assert slugs(connection) == SLUG_ORDER[:20]
    assert connection["totalCount"] == len(SLUG_ORDER)
    assert page_flags(connection) == (False, True)


async def test_walking_forward_three_at_a_time_visits_every_issue_once(
    client: httpx.AsyncClient,
) -> None:
    pages = await walk_forward(client, 3)

    # 21 issues: seven full pages, the last of which knows it is the last.
    expected = SLUG_ORDER
    assert [slugs(page) for page in pages] == [
        expected[0:3],
        expected[3:6],
        expected[6:9],
        expected[9:12],
        expected[12:15],
        expected[15:18],
        expected[18:21],
    ]
    assert [page_flags(page) for page in pages] == [
        (False, True),
        (True, True),
        (True, True),
        (True, True),
        (True, True),
        (True, True),
        (True, False),
    ]
    assert {page["totalCount"] for page in pages} == {len(SLUG_ORDER)}
    for page in pages:
        info, edges = page["pageInfo"], page["edges"]
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["endCursor"] == edges[-1]["cursor"]


async def test_walking_backward_three_at_a_time_visits_every_issue_once(
    client: httpx.AsyncClient,
) -> None:
    pages = await walk_backward(client, 3)

    expected = SLUG_ORDER
    assert [slugs(page) for page in pages] == [
        expected[18:21],
        expected[15:18],
        expected[12:15],
        expected[9:12],
        expected[6:9],
        expected[3:6],
        expected[0:3],
    ]
    assert [page_flags(page) for page in pages] == [
        (True, False),
        (True, True),
        (True, True),
        (True, True),
        (True, True),
        (True, True),
        (False, True),
    ]


async def test_a_page_in_the_middle_knows_both_neighbours(
    client: httpx.AsyncClient,
) -> None:
    expected = SLUG_ORDER
    first_page = await list_issues(client, first=5)
    after = first_page["pageInfo"]["endCursor"]

    middle = await list_issues(client, first=4, after=after)
    back = await list_issues(client, last=5, before=middle["pageInfo"]["startCursor"])

    assert slugs(middle) == expected[5:9]
    assert page_flags(middle) == (True, True)
    assert slugs(back) == expected[0:5]
    assert page_flags(back) == (False, True)


@pytest.mark.parametrize(
    "order_by", ORDERS, ids=lambda o: f"{o['field']}-{o['direction']}"
)
async def test_walking_any_order_forward_matches_one_full_page(
    client: httpx.AsyncClient, order_by: JSON
) -> None:
    whole = slugs(await list_issues(client, first=100, orderBy=order_by))

    # Four at a time, the walk ends on a short page (of one).
    pages = await walk_forward(client, 4, order_by)

    walked = [slug for page in pages for slug in slugs(page)]
    assert walked == whole
    assert sorted(walked) == sorted(SLUG_ORDER)
    assert [len(page["edges"]) for page in pages] == [4, 4, 4, 4, 4, 1]


@pytest.mark.parametrize(
    "order_by", ORDERS, ids=lambda o: f"{o['field']}-{o['direction']}"
)
async def test_walking_any_order_backward_matches_one_full_page(
    client: httpx.AsyncClient, order_by: JSON
) -> None:
    whole = slugs(await list_issues(client, first=100, orderBy=order_by))

    pages = await walk_backward(client, 4, order_by)

    walked = [slug for page in reversed(pages) for slug in slugs(page)]
    assert walked == whole
    assert [len(page["edges"]) for page in pages] == [4, 4, 4, 4, 4, 1]


@pytest.mark.parametrize(
    ("field", "key"), [("CREATED_AT", "createdAt"), ("UPDATED_AT", "updatedAt")]
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_ordering_by_a_time_sorts_by_that_time(
    client: httpx.AsyncClient, field: str, key: str, direction: str
) -> None:
    connection = await list_issues(
        client, first=100, orderBy={"field": field, "direction": direction}
    )

    times = [datetime.fromisoformat(edge["node"][key]) for edge in connection["edges"]]
    assert times == sorted(times, reverse=direction == "DESC")


async def test_slug_descending_is_the_reverse_of_slug_ascending(
    client: httpx.AsyncClient,
) -> None:
    descending = await list_issues(
        client, first=100, orderBy={"field": "SLUG", "direction": "DESC"}
    )

    assert slugs(descending) == SLUG_ORDER[::-1]


async def test_first_zero_returns_an_empty_page(client: httpx.AsyncClient) -> None:
    connection = await list_issues(client, first=0)

    assert connection["edges"] == []
    assert connection["totalCount"] == len(SLUG_ORDER)
    assert connection["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"first": 101}, "`first` must be between 0 and 100; 101 was given."),
        ({"first": -1}, "`first` must be between 0 and 100; -1 was given."),
        ({"last": 101}, "`last` must be between 0 and 100; 101 was given."),
        ({"last": -1}, "`last` must be between 0 and 100; -1 was given."),
        ({"first": 3, "last": 3}, "Pass either `first` or `last`, not both."),
        ({"first": 3, "after": "garbage"}, "'garbage' is not a valid cursor."),
        ({"last": 3, "before": "garbage"}, "'garbage' is not a valid cursor."),
    ],
)
async def test_page_arguments_out_of_bounds_are_bad_user_input(
    client: httpx.AsyncClient, page: JSON, message: str
) -> None:
    body = await gql(client, ISSUES, page)

    error = only_error(body)
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["issues"]
    assert body["data"] is None


async def test_a_cursor_of_another_order_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    by_title = await list_issues(client, first=3, orderBy={"field": "TITLE"})
    cursor = by_title["pageInfo"]["endCursor"]

    body = await gql(client, ISSUES, {"first": 3, "after": cursor})

    error = only_error(body)
    assert error["message"] == (
        f"'{cursor[:64]}' is not a cursor of this list in its current order."
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


def tampered_cursor(payload: list[object]) -> str:
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("order_by", "payload"),
    [
        ({"field": "SLUG"}, ["slug", None, 1]),
        ({"field": "SLUG"}, ["slug", "direct-flights", 2**31]),
        ({"field": "CREATED_AT"}, ["created_at", "not-a-time", 1]),
    ],
    ids=["null-key", "id-beyond-int32", "text-for-a-time"],
)
async def test_a_tampered_cursor_is_bad_user_input(
    client: httpx.AsyncClient, order_by: JSON, payload: list[object]
) -> None:
    # Cursors are opaque, but clients can still send edited ones: a cursor whose
    # key does not fit the order is the client's mistake, not a server error.
    cursor = tampered_cursor(payload)

    body = await gql(client, ISSUES, {"first": 3, "after": cursor, "orderBy": order_by})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == f"'{cursor[:64]}' is not a valid cursor."
    assert body["data"] is None


# Current status

CURRENT_STATUSES = """
{
  relationship(slug: "india-china") {
    flights: issue(slug: "direct-flights") { status }
    apps: issue(slug: "chinese-app-bans") { status }
    rivers: issue(slug: "trans-border-rivers-data") { status }
    missing: issue(slug: "no-such-issue") { status }
  }
}
"""

ISSUE_STATUSES = """
{
  issues(first: 100) {
    nodes {
      slug status
      latestUpdate { status occurredOn { text } note }
    }
  }
}
"""


async def test_seeded_issues_stand_at_their_latest_status(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, CURRENT_STATUSES)

    assert data["relationship"] == {
        "flights": {"status": "RESOLVED"},
        "apps": {"status": "SUSPENDED"},
        "rivers": {"status": "AGREED_IN_PRINCIPLE"},
        "missing": None,
    }


async def test_every_issue_stands_at_the_status_of_its_latest_update(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, ISSUE_STATUSES)

    got = {node["slug"]: node for node in data["issues"]["nodes"]}
    expected = {}
    for slug in seed_slugs():
        latest = history_of(slug)[-1]
        expected[slug] = {
            "slug": slug,
            "status": current_status(slug),
            "latestUpdate": {
                "status": latest.status,
                "occurredOn": {"text": latest.entry["date"]},
                "note": latest.entry["note"],
            },
        }
    assert got == expected


# Time travel

DIRECT_FLIGHTS_AS_OF = """
{
  relationship(slug: "india-china") {
    issue(slug: "direct-flights") {
      before: statusAsOf(date: "2019-01-01")
      eve: statusAsOf(date: "2025-01-26")
      day: statusAsOf(date: "2025-01-27")
      later: statusAsOf(date: "2026-11-27")
    }
  }
}
"""

PARTIAL_DATES_AS_OF = """
{
  relationship(slug: "india-china") {
    visas: issue(slug: "visas-for-chinese-nationals") {
      july: statusAsOf(date: "2024-07-31")
      august: statusAsOf(date: "2024-08-01")
      october: statusAsOf(date: "2025-10-31")
      november: statusAsOf(date: "2025-11-01")
    }
    yatra: issue(slug: "kailash-mansarovar-yatra") {
      march: statusAsOf(date: "2020-03-31")
      april: statusAsOf(date: "2020-04-01")
    }
  }
}
"""


def _as_of_document(days: list[date]) -> str:
    fields = " ".join(
        f'd{day:%Y%m%d}: statusAsOf(date: "{day.isoformat()}")' for day in days
    )
    return f"{{ issues(first: 100) {{ nodes {{ slug {fields} }} }} }}"


AS_OF_DAYS = days_around_updates()
EVERY_DAY_AS_OF = _as_of_document(AS_OF_DAYS)

ISSUE_SLUGS = """
query Slugs($filter: IssueFilter) {
  issues(filter: $filter, first: 100) { totalCount nodes { slug } }
}
"""

STATUS_COUNTS = """
query Counts($asOf: Date, $relationship: String) {
  statusCounts(asOf: $asOf, relationship: $relationship) { status count }
}
"""


async def test_status_as_of_follows_the_direct_flights_history(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, DIRECT_FLIGHTS_AS_OF)

    assert data["relationship"]["issue"] == {
        "before": None,
        "eve": "SUSPENDED",
        "day": "AGREED_IN_PRINCIPLE",
        "later": "RESOLVED",
    }


async def test_a_partial_date_takes_effect_from_its_first_day(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, PARTIAL_DATES_AS_OF)

    # Seeded as "2024-08" and "2025-11" for visas, "2020-04" for the yatra.
    assert data["relationship"] == {
        "visas": {
            "july": "SUSPENDED",
            "august": "IN_PROGRESS",
            "october": "AGREED_IN_PRINCIPLE",
            "november": "RESOLVED",
        },
        "yatra": {"march": None, "april": "SUSPENDED"},
    }


# One alias per day (over 200 of them), far past the public limit, to batch the
# lookups.
@pytest.mark.parametrize("settings", [Settings(limits=Limits(aliases=len(AS_OF_DAYS)))])
async def test_status_as_of_matches_the_seed_history_around_every_update(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, EVERY_DAY_AS_OF)

    got = {node.pop("slug"): node for node in data["issues"]["nodes"]}
    expected = {
        slug: {f"d{day:%Y%m%d}": status_on(slug, day) for day in AS_OF_DAYS}
        for slug in seed_slugs()
    }
    assert got == expected


@pytest.mark.parametrize("day", [date(2024, 10, 22), date(2025, 1, 27)])
async def test_as_of_lists_the_issues_that_had_an_update_by_then(
    client: httpx.AsyncClient, day: date
) -> None:
    data = await gql_data(client, ISSUE_SLUGS, {"filter": {"asOf": day.isoformat()}})

    expected = in_slug_order(statuses_on(day))
    assert [node["slug"] for node in data["issues"]["nodes"]] == expected
    assert data["issues"]["totalCount"] == len(expected)


async def test_as_of_before_some_issues_began_leaves_them_out(
    client: httpx.AsyncClient,
) -> None:
    day = date(2024, 10, 22)
    began_later = {slug for slug in seed_slugs() if history_of(slug)[0].day > day}

    data = await gql_data(client, ISSUE_SLUGS, {"filter": {"asOf": day.isoformat()}})

    listed = {node["slug"] for node in data["issues"]["nodes"]}
    # Among them: first updates dated 2024-10-23 and 2024-10-25.
    assert {"special-representatives-talks", "lac-de-escalation"} <= began_later
    assert listed == set(seed_slugs()) - began_later


@pytest.mark.parametrize(
    "statuses",
    [["AGREED_IN_PRINCIPLE"], ["SUSPENDED", "UNDER_DISCUSSION"], ["RESOLVED"]],
)
async def test_as_of_with_status_judges_the_status_of_that_day(
    client: httpx.AsyncClient, statuses: list[str]
) -> None:
    day = date(2025, 1, 27)
    given = {"asOf": day.isoformat(), "status": statuses}

    data = await gql_data(client, ISSUE_SLUGS, {"filter": given})

    expected = in_slug_order(
        s for s, status in statuses_on(day).items() if status in statuses
    )
    assert [node["slug"] for node in data["issues"]["nodes"]] == expected


async def test_as_of_agreed_in_principle_includes_direct_flights(
    client: httpx.AsyncClient,
) -> None:
    given = {"asOf": "2025-01-27", "status": ["AGREED_IN_PRINCIPLE"]}

    data = await gql_data(client, ISSUE_SLUGS, {"filter": given})

    assert "direct-flights" in {node["slug"] for node in data["issues"]["nodes"]}


@pytest.mark.parametrize(
    "day", [date(2019, 1, 1), date(2024, 10, 22), date(2025, 1, 27)]
)
async def test_status_counts_as_of_a_day_count_that_days_statuses(
    client: httpx.AsyncClient, day: date
) -> None:
    data = await gql_data(client, STATUS_COUNTS, {"asOf": day.isoformat()})

    assert data["statusCounts"] == status_count_list(statuses_on(day))


async def test_status_counts_today_count_current_statuses(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, STATUS_COUNTS)

    current = {slug: current_status(slug) for slug in seed_slugs()}
    assert data["statusCounts"] == status_count_list(current)
    assert [row["status"] for row in data["statusCounts"]] == STATUSES
    assert sum(row["count"] for row in data["statusCounts"]) == len(seed_slugs())


async def test_status_counts_of_an_unknown_relationship_are_all_zero(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, STATUS_COUNTS, {"relationship": "nope"})

    assert data["statusCounts"] == [{"status": s, "count": 0} for s in STATUSES]


# Filters


async def filtered_slugs(client: httpx.AsyncClient, given: JSON) -> list[str]:
    data = await gql_data(client, ISSUE_SLUGS, {"filter": given})
    found = [node["slug"] for node in data["issues"]["nodes"]]
    assert data["issues"]["totalCount"] == len(found)
    return found


def seeded_where(keep: Callable[[JSON], bool]) -> list[str]:
    return in_slug_order(issue["slug"] for issue in seed_issues() if keep(issue))


@pytest.mark.parametrize(
    "statuses",
    [["RESOLVED"], ["SUSPENDED", "STALLED"], ["PROPOSED"], STATUSES],
)
async def test_status_filter_keeps_issues_at_those_statuses(
    client: httpx.AsyncClient, statuses: list[str]
) -> None:
    found = await filtered_slugs(client, {"status": statuses})

    assert found == in_slug_order(
        s for s in seed_slugs() if current_status(s) in statuses
    )


@pytest.mark.parametrize("categories", [["BORDER"], ["VISAS", "TRADE"], ["MEDIA"]])
async def test_category_filter_keeps_issues_in_those_categories(
    client: httpx.AsyncClient, categories: list[str]
) -> None:
    found = await filtered_slugs(client, {"category": categories})

    assert found == seeded_where(lambda issue: issue["category"] in categories)
    assert found


@pytest.mark.parametrize(
    ("raised_by", "code"), [("IN", "IN"), ("CN", "CN"), ("in", "IN")]
)
async def test_raised_by_filter_keeps_issues_raised_by_that_country(
    client: httpx.AsyncClient, raised_by: str, code: str
) -> None:
    found = await filtered_slugs(client, {"raisedBy": raised_by})

    assert found == seeded_where(lambda issue: code in issue["raised_by"])
    assert 0 < len(found) < len(seed_slugs())


async def test_raised_by_a_country_outside_the_relationship_finds_nothing(
    client: httpx.AsyncClient,
) -> None:
    assert await filtered_slugs(client, {"raisedBy": "US"}) == []


@pytest.mark.parametrize("raised_by", ["IND", "I", "", "I1"])
async def test_raised_by_must_be_a_two_letter_code(
    client: httpx.AsyncClient, raised_by: str
) -> None:
    body = await gql(client, ISSUE_SLUGS, {"filter": {"raisedBy": raised_by}})

    error = only_error(body)
    assert error["message"] == (
        "`raisedBy` must be a two-letter country code such as 'IN'."
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


def seeded_containing(text: str) -> list[str]:
    needle = text.lower()
    return seeded_where(
        lambda issue: (
            needle in issue["title"].lower() or needle in issue["summary"].lower()
        )
    )


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("KAILASH", ["kailash-mansarovar-yatra"]),
        ("kailash", ["kailash-mansarovar-yatra"]),
        ("Tranquillity", ["border-peace-normalisation"]),
        ("tranquill_ty", []),
        ("tranquill%", []),
        ("%", ["chinese-fdi-press-note-3"]),
        ("_", []),
        ("no such words anywhere", []),
    ],
)
async def test_search_matches_title_or_summary_literally_ignoring_case(
    client: httpx.AsyncClient, search: str, expected: list[str]
) -> None:
    found = await filtered_slugs(client, {"search": search})

    assert found == expected
    assert found == seeded_containing(search)


async def test_search_in_summaries_only_finds_those_issues(
    client: httpx.AsyncClient,
) -> None:
    # "Galwan" is in the summary, not the title, of border-peace-normalisation.
    found = await filtered_slugs(client, {"search": "galwan"})

    assert found == seeded_containing("galwan")
    assert "border-peace-normalisation" in found


async def test_search_longer_than_200_characters_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    body = await gql(client, ISSUE_SLUGS, {"filter": {"search": "x" * 201}})

    error = only_error(body)
    assert error["message"] == "`search` is limited to 200 characters."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_include_archived_lists_every_seeded_issue(
    client: httpx.AsyncClient,
) -> None:
    # Nothing is archived in the seed data.
    found = await filtered_slugs(client, {"includeArchived": True})

    assert found == SLUG_ORDER


@pytest.mark.parametrize(
    ("since", "expected"),
    [("2999-01-01T00:00:00+00:00", 0), ("1970-01-01T00:00:00+00:00", len(SLUG_ORDER))],
)
async def test_updated_since_keeps_issues_changed_since_then(
    client: httpx.AsyncClient, since: str, expected: int
) -> None:
    found = await filtered_slugs(client, {"updatedSince": since})

    assert len(found) == expected


@pytest.mark.parametrize(
    ("relationship", "expected"), [("india-china", len(SLUG_ORDER)), ("nope", 0)]
)
async def test_relationship_filter_keeps_that_relationships_issues(
    client: httpx.AsyncClient, relationship: str, expected: int
) -> None:
    found = await filtered_slugs(client, {"relationship": relationship})

    assert len(found) == expected


RELATIONSHIP_ISSUES = """
{
  relationship(slug: "india-china") {
    issues(filter: {relationship: "nope"}, first: 100) { totalCount nodes { slug } }
  }
}
"""


async def test_relationship_issues_ignore_the_relationship_filter(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, RELATIONSHIP_ISSUES)

    issues = data["relationship"]["issues"]
    assert issues["totalCount"] == len(SLUG_ORDER)
    assert [node["slug"] for node in issues["nodes"]] == SLUG_ORDER


async def test_filters_combine(client: httpx.AsyncClient) -> None:
    found = await filtered_slugs(client, {"category": ["BORDER"], "raisedBy": "CN"})

    assert found == ["special-representatives-talks"]


async def test_a_filtered_list_pages_within_the_filter(
    client: httpx.AsyncClient,
) -> None:
    given = {"raisedBy": "CN"}
    expected = seeded_where(lambda issue: "CN" in issue["raised_by"])
    size = len(expected) // 2 + 1  # two pages, the second short
    assert len(expected) > size

    first_page = await list_issues(client, filter=given, first=size)
    after = first_page["pageInfo"]["endCursor"]
    second_page = await list_issues(client, filter=given, first=size, after=after)

    assert slugs(first_page) + slugs(second_page) == expected
    assert first_page["totalCount"] == second_page["totalCount"] == len(expected)
    assert page_flags(second_page) == (True, False)


NEWEST_CHANGES = """
{
  issues(first: 2, orderBy: {field: UPDATED_AT, direction: DESC}) {
    nodes { slug updatedAt }
  }
}
"""


async def test_updated_since_includes_an_issue_changed_at_that_very_instant(
    client: httpx.AsyncClient,
) -> None:
    data = await gql_data(client, NEWEST_CHANGES)
    newest, runner_up = data["issues"]["nodes"]

    found = await filtered_slugs(client, {"updatedSince": newest["updatedAt"]})
    both = await filtered_slugs(client, {"updatedSince": runner_up["updatedAt"]})

    assert found == [newest["slug"]]
    assert both == in_slug_order([newest["slug"], runner_up["slug"]])
