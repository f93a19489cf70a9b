"""Issue.statusSpans and Relationship.statusStandings over the seeded history."""

from datetime import UTC, date, datetime

import httpx
import pytest

from models.status_spans import today
from tests.api.feed import post_update, retract_update
from tests.api.graphql import JSON, first_day, gql_data, history_of, seed_slugs
from tests.conftest import Tokens

SPANS = """
query Spans($slug: String!, $asOf: Date) {
  relationship(slug: "india-china") {
    issue(slug: $slug) {
      id
      status
      statusSpans(asOf: $asOf) {
        status from until days
        startedBy { occurredOn { text } status }
      }
    }
  }
}
"""

STANDINGS = """
query Standings($asOf: Date) {
  relationship(slug: "india-china") {
    statusStandings(asOf: $asOf) { issue { slug status } status since days }
  }
}
"""


def expected_spans(slug: str, day: date, as_of: date | None = None) -> list[JSON]:
    """The spans of a seeded issue, computed from the seed file."""
    runs: list[tuple[str, date, str]] = []
    for update in history_of(slug):
        if as_of is not None and update.day > as_of:
            continue
        if not runs or runs[-1][0] != update.status:
            runs.append((update.status, update.day, update.entry["date"]))
    spans = []
    for index, (status, start, text) in enumerate(runs):
        until = runs[index + 1][1] if index + 1 < len(runs) else None
        spans.append(
            {
                "status": status,
                "from": start.isoformat(),
                "until": until.isoformat() if until else None,
                "days": ((until or as_of or day) - start).days,
                "startedBy": {"occurredOn": {"text": text}, "status": status},
            }
        )
    return spans


async def spans(client: httpx.AsyncClient, slug: str, as_of: str | None = None) -> JSON:
    data = await gql_data(client, SPANS, {"slug": slug, "asOf": as_of})
    issue: JSON = data["relationship"]["issue"]
    return issue


@pytest.mark.parametrize("slug", seed_slugs())
async def test_every_seeded_issue_has_the_spans_its_history_gives(
    client: httpx.AsyncClient, slug: str
) -> None:
    issue = await spans(client, slug)

    assert issue["statusSpans"] == expected_spans(slug, today())
    assert issue["statusSpans"][-1]["status"] == issue["status"]


async def test_the_flights_were_suspended_for_five_years(
    client: httpx.AsyncClient,
) -> None:
    issue = await spans(client, "direct-flights")

    suspended = issue["statusSpans"][0]
    assert (suspended["status"], suspended["from"], suspended["until"]) == (
        "SUSPENDED",
        "2020-01-29",
        "2025-01-27",
    )
    assert suspended["days"] == 1825


async def test_as_of_gives_the_spans_as_they_stood_then(
    client: httpx.AsyncClient,
) -> None:
    issue = await spans(client, "direct-flights", "2025-01-27")

    assert issue["statusSpans"] == expected_spans(
        "direct-flights", today(), date(2025, 1, 27)
    )
    assert issue["statusSpans"][-1]["status"] == "AGREED_IN_PRINCIPLE"
    assert issue["statusSpans"][-1]["until"] is None
    assert (await spans(client, "direct-flights", "2019-12-31"))["statusSpans"] == []


async def test_a_new_status_closes_the_current_span_and_a_retraction_reopens_it(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    before = await spans(client, "border-trade")
    stamp = datetime.now(UTC).date().isoformat()

    update_id = await post_update(
        client,
        tokens.editor,
        before["id"],
        "Trade halted.",
        status="SUSPENDED",
        occurredOn=stamp,
    )
    after = await spans(client, "border-trade")
    await retract_update(client, tokens.editor, update_id)
    reopened = await spans(client, "border-trade")

    assert after["statusSpans"][:-2] == before["statusSpans"][:-1]
    assert after["statusSpans"][-2]["until"] == stamp
    assert after["statusSpans"][-1] == {
        "status": "SUSPENDED",
        "from": stamp,
        "until": None,
        "days": 0,
        "startedBy": {"occurredOn": {"text": stamp}, "status": "SUSPENDED"},
    }
    assert reopened["statusSpans"] == before["statusSpans"]


@pytest.mark.parametrize("as_of", [None, "2025-01-27"])
async def test_standings_list_every_issue_longest_standing_first(
    client: httpx.AsyncClient, as_of: str | None
) -> None:
    data = await gql_data(client, STANDINGS, {"asOf": as_of})

    standings = data["relationship"]["statusStandings"]
    day = date.fromisoformat(as_of) if as_of else None
    expected = []
    for slug in seed_slugs():
        found = expected_spans(slug, today(), day)
        if found:
            last = found[-1]
            expected.append((slug, last["status"], last["from"], last["days"]))
    expected.sort(key=lambda row: (-row[3], row[0]))
    assert [
        (s["issue"]["slug"], s["status"], s["since"], s["days"]) for s in standings
    ] == expected
    assert all(first_day(s["since"]) <= (day or today()) for s in standings)
