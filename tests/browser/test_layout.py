"""The board on a phone and on a wide screen, by keyboard, in readable colours."""

import pytest
from playwright.async_api import Page, expect

from tests.browser.page_checks import horizontal_overflow, layout_shift, low_contrast
from tests.browser.served_board import shut_in

# Google's threshold of a "good" cumulative layout shift.
GOOD_LAYOUT_SHIFT = 0.1


@pytest.mark.parametrize("width", [360, 1280])
async def test_the_board_fits_the_screen_without_sideways_scrolling(
    board_url: str, page: Page, width: int
) -> None:
    watched = await shut_in(page, board_url)
    await page.set_viewport_size({"width": width, "height": 800})

    await page.goto(board_url + "/")
    await expect(page.locator("article.card").first).to_be_visible()
    await expect(page.locator(".board")).to_have_attribute("aria-busy", "false")

    assert await horizontal_overflow(page) == 0
    assert await layout_shift(page) < GOOD_LAYOUT_SHIFT
    await page.locator('article.card[data-slug="direct-flights"] a').first.click()
    await expect(page.locator("li.update").first).to_be_visible()
    assert await horizontal_overflow(page) == 0
    watched.assert_clean()


async def test_every_text_passes_wcag_aa_contrast(board_url: str, page: Page) -> None:
    await page.goto(board_url + "/")
    await expect(page.locator("article.card").first).to_be_visible()
    assert await low_contrast(page) == []

    await page.goto(board_url + "/?issue=direct-flights")
    await expect(page.locator("li.update").first).to_be_visible()
    assert await low_contrast(page) == []


async def test_the_board_is_usable_from_the_keyboard(
    board_url: str, page: Page
) -> None:
    await page.goto(board_url + "/")
    await expect(page.locator("article.card").first).to_be_visible()
    first_card = page.locator("article.card a.card-link").first

    for _ in range(60):
        await page.keyboard.press("Tab")
        if await first_card.evaluate("link => link === document.activeElement"):
            break
    await page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    await expect(
        dialog.get_by_role("button", name="Close the timeline")
    ).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
