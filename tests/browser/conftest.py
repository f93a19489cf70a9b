"""Fixtures of the browser tests: a served, seeded tracker and a browser page."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.browser.served_board import CHROMIUM, chromium, create_token
from tests.live import server_process

if not Path(CHROMIUM).exists():
    pytest.exit(
        f"The browser tests need Debian's Chromium at {CHROMIUM}: "
        "apt-get install chromium (./scripts/test installs it when it can).",
        returncode=4,
    )


@pytest.fixture
def board_url(seeded_url: str) -> Iterator[str]:
    """The base URL of a served tracker over a seeded database of its own."""
    with server_process(seeded_url, {"BILATERAL_RATE_LIMIT": "0"}) as url:
        yield url


@pytest.fixture
def editor_token(seeded_url: str) -> str:
    return create_token(seeded_url, "newsroom", "editor")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A fresh page 1280 px wide (tests set their own width when it matters)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    yield page
    await context.close()
