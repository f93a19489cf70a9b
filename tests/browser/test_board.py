"""The status board in a real browser that can reach nothing but the server."""

import json
from collections.abc import Mapping
from datetime import date

from playwright.async_api import Page, WebSocketRoute, expect

from tests.api.graphql import JSON
from tests.browser.served_board import gql, post_update, record_position, shut_in

STATUSES = """
query Statuses($day: Date!) {
  issues(first: 100, filter: {relationship: "india-china"}) {
    nodes { slug status statusAsOf(date: $day) }
  }
}
"""
FILTERED = """
{
  issues(filter: {relationship: "india-china", raisedBy: "IN", search: "visa"}) {
    nodes { slug }
  }
}
"""
POSITIONS = """
{
  relationship(slug: "india-china") {
    issue(slug: "border-peace-normalisation") { positions(first: 100) { nodes { id } } }
  }
}
"""
TIME_TRAVEL_DAY = date(2025, 1, 27)


async def expected_statuses(
    base_url: str, day: date
) -> tuple[dict[str, str], dict[str, str]]:
    """Each issue's status now, and on `day` (where it had one), as the API says."""
    data = await gql(base_url, STATUSES, {"day": day.isoformat()})
    nodes = data["issues"]["nodes"]
    now = {n["slug"]: n["status"] for n in nodes}
    then = {n["slug"]: n["statusAsOf"] for n in nodes if n["statusAsOf"] is not None}
    return now, then


async def shown_statuses(page: Page) -> dict[str, str]:
    """What each card on the board shows: slug to status."""
    cards = page.locator("article.card")
    shown: dict[str, str] = {}
    for index in range(await cards.count()):
        card = cards.nth(index)
        slug = await card.get_attribute("data-slug")
        status = await card.get_attribute("data-status")
        assert slug is not None
        assert status is not None
        shown[slug] = status
    return shown


async def wait_for_cards(page: Page, cards: Mapping[str, str | None]) -> None:
    """Until the board shows exactly these issues, each at its status where one is
    given (the board reloads as the view changes)."""
    await page.wait_for_function(
        """(wanted) => {
          const shown = [...document.querySelectorAll("article.card")];
          const fits = ({ dataset: { slug, status } }) =>
            slug in wanted && (wanted[slug] ?? status) === status;
          return shown.length === Object.keys(wanted).length && shown.every(fits);
        }""",
        arg=dict(cards),
    )


async def test_the_board_shows_every_seeded_issue_at_its_current_status(
    board_url: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    now, _ = await expected_statuses(board_url, TIME_TRAVEL_DAY)

    await page.goto(board_url + "/")
    await wait_for_cards(page, now)

    assert await shown_statuses(page) == now
    first = page.locator("article.card").first
    await expect(first.locator(".status")).not_to_be_empty()
    await expect(page.locator("[data-live]")).to_have_attribute("data-live", "live")
    watched.assert_clean()


async def test_the_slider_shows_the_board_as_it_stood_on_a_day(
    board_url: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    _, then = await expected_statuses(board_url, TIME_TRAVEL_DAY)
    await page.goto(board_url + "/")
    await expect(page.locator("article.card").first).to_be_visible()

    day_number = (TIME_TRAVEL_DAY - date(1970, 1, 1)).days
    await page.locator("input#as-of").fill(str(day_number))

    await expect(page.locator(".as-of-label")).to_have_text("As of 27 January 2025")
    await wait_for_cards(page, then)
    await expect(page).to_have_url(f"{board_url}/?asOf=2025-01-27")
    shown = await shown_statuses(page)
    assert shown == then
    assert shown["direct-flights"] == "AGREED_IN_PRINCIPLE"
    assert shown["kailash-mansarovar-yatra"] == "AGREED_IN_PRINCIPLE"
    watched.assert_clean()


async def test_a_shared_url_opens_the_same_view(board_url: str, page: Page) -> None:
    watched = await shut_in(page, board_url)
    now, _ = await expected_statuses(board_url, TIME_TRAVEL_DAY)
    resolved = sorted(slug for slug, status in now.items() if status == "RESOLVED")

    await page.goto(f"{board_url}/?status=RESOLVED&group=category")

    await wait_for_cards(page, dict.fromkeys(resolved))
    await expect(page.get_by_label("Group by")).to_have_value("category")
    await expect(page.get_by_role("checkbox", name="Resolved")).to_be_checked()
    watched.assert_clean()


async def test_filters_are_kept_in_the_url(board_url: str, page: Page) -> None:
    watched = await shut_in(page, board_url)
    await page.goto(board_url + "/")
    await expect(page.locator("article.card").first).to_be_visible()

    await page.get_by_role("searchbox").fill("visa")
    await page.get_by_label("Raised by").select_option("IN")

    await expect(page).to_have_url(f"{board_url}/?raisedBy=IN&q=visa")
    data = await gql(board_url, FILTERED, {})
    wanted = [node["slug"] for node in data["issues"]["nodes"]]
    assert wanted
    await wait_for_cards(page, dict.fromkeys(wanted))
    watched.assert_clean()


async def test_a_click_opens_the_issue_timeline(board_url: str, page: Page) -> None:
    watched = await shut_in(page, board_url)
    await page.goto(board_url + "/")
    card = page.locator('article.card[data-slug="direct-flights"]')

    await card.get_by_role("link").first.click()

    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    await expect(page).to_have_url(f"{board_url}/?issue=direct-flights")
    await expect(dialog.locator(".span-bar rect.band").first).to_be_visible()
    await expect(dialog.locator("li.update").first).to_be_visible()
    feed = page.locator('head link[rel="alternate"][data-issue-feed]')
    await expect(feed).to_have_attribute(
        "href", "/feeds/india-china/direct-flights.atom"
    )
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    await expect(page).to_have_url(f"{board_url}/")
    watched.assert_clean()


async def test_a_timeline_shows_each_sides_positions_and_new_ones_live(
    board_url: str, editor_token: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    data = await gql(board_url, POSITIONS, {})
    said = data["relationship"]["issue"]["positions"]["nodes"]
    await page.goto(board_url + "/?issue=border-peace-normalisation")
    dialog = page.get_by_role("dialog")
    await expect(dialog.locator("li.position")).to_have_count(len(said))
    await expect(page.locator("[data-live]")).to_have_attribute("data-live", "live")

    statement = "China says the border should be put in its appropriate place."
    position = await record_position(
        board_url, editor_token, "border-peace-normalisation", "CN", statement
    )

    entry = dialog.locator(f'li.position[data-position="{position}"]')
    await expect(entry).to_contain_text(statement, timeout=2_000)
    await expect(dialog.locator(".side h4")).to_have_text(["India", "China"])
    watched.assert_clean()


async def test_a_posted_update_appears_live_and_after_a_reconnect(
    board_url: str, editor_token: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    sockets: list[WebSocketRoute] = []
    refusing = False

    async def through(ws: WebSocketRoute) -> None:
        if refusing:
            await ws.close()
            return
        sockets.append(ws)
        ws.connect_to_server()

    await page.route_web_socket(f"{board_url.replace('http', 'ws')}/graphql", through)
    await page.goto(board_url + "/")
    live = page.locator("[data-live]")
    await expect(live).to_have_attribute("data-live", "live")
    card = page.locator('article.card[data-slug="trade-and-investment"]')

    note = "A first live note, posted while the page is open."
    await post_update(board_url, editor_token, "trade-and-investment", "STALLED", note)
    await expect(card).to_have_attribute("data-status", "STALLED", timeout=2_000)
    await expect(card.locator(".card-note")).to_have_text(note, timeout=2_000)

    refusing = True
    for socket in sockets:
        await socket.close()
    await expect(live).to_have_attribute("data-live", "reconnecting")
    missed = "Posted while the page was cut off; replayed when it came back."
    await post_update(
        board_url, editor_token, "trade-and-investment", "RESOLVED", missed
    )
    refusing = False

    await expect(live).to_have_attribute("data-live", "live", timeout=15_000)
    await expect(card).to_have_attribute("data-status", "RESOLVED", timeout=2_000)
    await expect(card.locator(".card-note")).to_have_text(missed, timeout=2_000)
    assert len(sockets) == 2  # one WebSocket at a time carries both subscriptions
    watched.assert_clean()


async def test_a_page_load_replays_nothing_the_board_already_shows(
    board_url: str, editor_token: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    events: list[JSON] = []

    async def counting(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            text = message if isinstance(message, str) else message.decode()
            sent: JSON = json.loads(text)
            if sent.get("type") == "next":
                events.append(sent["payload"]["data"])
            ws.send(message)

        server.on_message(from_server)

    await page.route_web_socket(f"{board_url.replace('http', 'ws')}/graphql", counting)
    await page.goto(board_url + "/")
    await expect(page.locator("[data-live]")).to_have_attribute("data-live", "live")

    note = "The only news since the page loaded."
    posted = await post_update(
        board_url, editor_token, "journalists-visas", "IN_PROGRESS", note
    )
    card = page.locator('article.card[data-slug="journalists-visas"]')
    await expect(card.locator(".card-note")).to_have_text(note)

    # the feed sent what happened after the board was read, and nothing before it
    assert [event["statusUpdates"]["id"] for event in events] == [posted]
    watched.assert_clean()
