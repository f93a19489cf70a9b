"""Where reads need a token, the board asks for one and keeps it in the tab only."""

from collections.abc import Iterator

import pytest
from playwright.async_api import Page, expect

from tests.browser.served_board import create_token, shut_in
from tests.live import server_process


@pytest.fixture
def private_url(seeded_url: str) -> Iterator[str]:
    environ = {"BILATERAL_PUBLIC_READ": "false", "BILATERAL_RATE_LIMIT": "0"}
    with server_process(seeded_url, environ) as url:
        yield url


async def test_the_board_asks_for_a_token_and_keeps_it_in_session_storage(
    private_url: str, seeded_url: str, page: Page
) -> None:
    watched = await shut_in(page, private_url)
    token = create_token(seeded_url, "desk", "reader")

    await page.goto(private_url + "/")
    await expect(page.get_by_role("heading", name="needs a token")).to_be_visible()
    await page.get_by_label("API token").fill(token)
    await page.get_by_role("button", name="Show the board").click()

    await expect(page.locator("article.card").first).to_be_visible()
    await expect(page.locator("[data-live]")).to_have_attribute("data-live", "live")
    stored = await page.evaluate(
        "[sessionStorage.getItem('bilateral.token'), localStorage.length]"
    )
    assert stored == [token, 0]
    watched.assert_clean()


async def test_a_refused_token_is_asked_for_again(private_url: str, page: Page) -> None:
    await page.goto(private_url + "/")
    await page.get_by_label("API token").fill("bil_not_a_token")
    await page.get_by_role("button", name="Show the board").click()

    await expect(page.get_by_role("alert")).to_contain_text("refused")
    assert await page.evaluate("sessionStorage.getItem('bilateral.token')") is None
