"""The Atom feeds: valid RFC 4287 (read back with feedparser), status updates and
positions newest first, linked to the board and the sources, revalidated with
ETag and Last-Modified."""

from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx

from api.core.relay import global_id
from models.issue import Issue
from models.position import Position
from models.status_update import StatusUpdate
from tests.conftest import Tokens
from tests.web.conftest import ClientWith

FEED = "/feeds/india-china.atom"
FLIGHTS_FEED = "/feeds/india-china/direct-flights.atom"
POST = """
mutation Post($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename ... on IssueUpdateStatusSuccess { update { id } }
  }
}
"""
RECORD_POSITION = """
mutation Record($input: PositionRecordInput!) {
  positionRecord(input: $input) { __typename }
}
"""
RETRACT = """
mutation Retract($input: StatusUpdateRetractInput!) {
  statusUpdateRetract(input: $input) { __typename }
}
"""


def parsed(response: httpx.Response) -> Any:
    """The feed as feedparser reads it, after checking that it is well-formed Atom."""
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert (feed.bozo, feed.version) == (0, "atom10"), feed.get("bozo_exception")
    return feed


async def newest_updates(limit: int, **scope: Any) -> list[StatusUpdate]:
    found: list[StatusUpdate] = (
        await StatusUpdate.filter(**scope)
        .order_by("-occurred_on", "-id")
        .limit(limit)
        .prefetch_related("issue")
    )
    return found


async def newest_positions(limit: int, **scope: Any) -> list[Position]:
    found: list[Position] = (
        await Position.filter(**scope)
        .order_by("-stated_on", "-id")
        .limit(limit)
        .prefetch_related("issue")
    )
    return found


async def expected_summaries(limit: int, **scope: Any) -> list[str]:
    """The feed's entries as its rule has them: by day, newest first, updates
    before positions on one day, each kind in its recorded order."""
    updates = await newest_updates(limit, **scope)
    positions = await newest_positions(limit, **scope)
    dated = [(u.occurred_on, f"{u.occurred.text}: {u.note}") for u in updates] + [
        (p.stated_on, f"{p.stated.text}: {p.speaker}: {p.statement}") for p in positions
    ]
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [summary for _, summary in dated[:limit]]


async def graphql(
    client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"input": variables}},
        headers={"Authorization": f"Bearer {token}"},
    )
    data: dict[str, Any] = response.json()["data"]
    return data


async def post_update(client: httpx.AsyncClient, token: str, note: str) -> str:
    issue = await Issue.get(slug="direct-flights")
    data = await graphql(
        client,
        token,
        POST,
        {
            "issueId": global_id("Issue", issue.pk),
            "status": "IN_PROGRESS",
            "occurredOn": datetime.now(UTC).date().isoformat(),
            "note": note,
            "source": {"url": "https://example.org/news", "publisher": "Example"},
        },
    )
    assert data["issueUpdateStatus"]["__typename"] == "IssueUpdateStatusSuccess"
    update_id: str = data["issueUpdateStatus"]["update"]["id"]
    return update_id


async def test_the_relationship_feed_holds_its_newest_fifty_items_newest_first(
    client: httpx.AsyncClient,
) -> None:
    feed = parsed(await client.get(FEED))
    expected = await expected_summaries(50, issue__relationship__slug="india-china")

    title = "India\N{EN DASH}China: status updates and positions"
    assert feed.feed.title == title
    assert [link.rel for link in feed.feed.links] == ["self", "alternate"]
    assert feed.feed.links[0].href == "http://test/feeds/india-china.atom"
    assert feed.feed.links[1].href == "http://test/"
    assert [entry.summary for entry in feed.entries] == expected
    assert len({entry.id for entry in feed.entries}) == len(expected) == 50
    kinds = {entry.tags[0].term for entry in feed.entries}
    assert kinds == {"status-update", "position"}


async def test_each_entry_links_to_its_issue_on_the_board_and_to_its_source(
    client: httpx.AsyncClient,
) -> None:
    feed = parsed(await client.get(FEED))
    [update] = await newest_updates(1, issue__relationship__slug="india-china")

    entry = next(e for e in feed.entries if e.tags[0].term == "status-update")
    links = {link.rel: link.href for link in entry.links}
    assert links == {
        "alternate": f"http://test/?issue={update.issue.slug}",
        "related": update.source_url,
    }
    assert entry.title.startswith(f"{update.issue.title}: ")
    assert entry.author == "seed"
    assert [tag.term for tag in entry.tags] == ["status-update", update.status.value]


async def test_a_position_entry_says_who_said_what_and_where(
    client: httpx.AsyncClient,
) -> None:
    [position] = await newest_positions(1, issue__relationship__slug="india-china")
    feed = parsed(await client.get(f"/feeds/india-china/{position.issue.slug}.atom"))

    entry = next(e for e in feed.entries if e.tags[0].term == "position")
    country = {"IN": "India", "CN": "China"}[position.country]
    assert entry.title == f"{position.issue.title}: {country}'s position"
    assert [(tag.term, tag.label) for tag in entry.tags] == [
        ("position", "Stated position"),
        (position.country, country),
    ]
    assert {link.rel: link.href for link in entry.links} == {
        "alternate": f"http://test/?issue={position.issue.slug}",
        "related": position.source_url,
    }
    if position.quote:
        assert "<blockquote>" in entry.content[0].value


async def test_an_issue_feed_holds_that_issues_updates_and_positions(
    client: httpx.AsyncClient,
) -> None:
    [position] = await newest_positions(1, issue__relationship__slug="india-china")
    issue = position.issue
    feed = parsed(await client.get(f"/feeds/india-china/{issue.slug}.atom"))

    assert feed.feed.title == f"{issue.title}: status updates and positions"
    assert [e.summary for e in feed.entries] == await expected_summaries(
        50, issue_id=issue.pk
    )


async def test_unknown_relationships_and_issues_are_404(
    client: httpx.AsyncClient,
) -> None:
    responses = [
        await client.get("/feeds/india-mars.atom"),
        await client.get("/feeds/india-china/no-such-issue.atom"),
        await client.get("/feeds/india-mars/direct-flights.atom"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]


async def test_an_unchanged_feed_is_answered_304_by_its_tag_or_its_date(
    client: httpx.AsyncClient,
) -> None:
    first = await client.get(FEED)
    tag, modified = first.headers["etag"], first.headers["last-modified"]

    by_tag = await client.get(FEED, headers={"If-None-Match": tag})
    by_date = await client.get(FEED, headers={"If-Modified-Since": modified})
    older = await client.get(
        FEED, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )

    assert (by_tag.status_code, by_tag.content, by_tag.headers["etag"]) == (
        304,
        b"",
        tag,
    )
    assert (by_date.status_code, by_date.content) == (304, b"")
    assert by_date.headers["etag"] == tag
    assert older.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"


async def test_a_posted_update_changes_the_feeds(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    before = await client.get(FLIGHTS_FEED)
    note = "A third carrier announces the route."

    await post_update(client, tokens.editor, note)

    for path in (FEED, FLIGHTS_FEED):
        after = await client.get(
            path, headers={"If-None-Match": before.headers["etag"]}
        )
        feed = parsed(after)
        assert (
            feed.entries[0].summary == f"{datetime.now(UTC).date().isoformat()}: {note}"
        )
        assert feed.entries[0].author == "editor"
        assert after.headers["etag"] != before.headers["etag"]


async def test_a_recorded_position_changes_the_feeds(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    issue = await Issue.get(slug="direct-flights")
    before = await client.get(FLIGHTS_FEED)
    statement = "India wants more weekly frequencies."

    data = await graphql(
        client,
        tokens.editor,
        RECORD_POSITION,
        {
            "issueId": global_id("Issue", issue.pk),
            "country": "IN",
            "statedOn": datetime.now(UTC).date().isoformat(),
            "speaker": "Ministry of Civil Aviation",
            "statement": statement,
            "quote": "We want more flights.",
            "source": {"url": "https://example.org/aviation"},
        },
    )

    assert data["positionRecord"]["__typename"] == "PositionRecordSuccess"
    after = parsed(await client.get(FLIGHTS_FEED))
    assert after.entries[0].summary.endswith(f"Ministry of Civil Aviation: {statement}")
    assert after.entries[0].tags[0].term == "position"
    assert (await client.get(FLIGHTS_FEED)).headers["etag"] != before.headers["etag"]


async def test_a_retraction_shows_in_the_feed(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    update_id = await post_update(client, tokens.editor, "Misreported.")
    reason = "The carrier denied it."

    data = await graphql(
        client, tokens.editor, RETRACT, {"updateId": update_id, "reason": reason}
    )

    assert data["statusUpdateRetract"]["__typename"] == "StatusUpdateRetractSuccess"
    entry = parsed(await client.get(FLIGHTS_FEED)).entries[0]
    assert entry.title.endswith("In progress (retracted)")
    assert f"Retracted</strong>: {reason}" in entry.content[0].value
    assert entry.updated_parsed >= entry.published_parsed


async def test_where_reads_need_a_token_so_do_the_feeds(
    client_with: ClientWith, tokens: Tokens
) -> None:
    async with client_with({"BILATERAL_PUBLIC_READ": "false"}) as client:
        anonymous = await client.get(FEED)
        wrong = await client.get(FEED, headers={"Authorization": "Bearer nope"})
        reader = await client.get(
            FEED, headers={"Authorization": f"Bearer {tokens.reader}"}
        )

    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="bilateral"'
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"].endswith('error="invalid_token"')
    assert len(parsed(reader).entries) == 50
    assert reader.headers["cache-control"] == "private, max-age=0, must-revalidate"


async def test_without_the_board_entries_link_to_their_sources_only(
    client_with: ClientWith,
) -> None:
    async with client_with({"BILATERAL_BOARD": "false"}) as client:
        feed = parsed(await client.get(FEED))

    assert [link.rel for link in feed.feed.links] == ["self"]
    assert all(
        [link.rel for link in entry.links] == ["related"] for entry in feed.entries
    )
