"""Measurements taken inside the page: contrast, layout shift, horizontal scroll."""

from pathlib import Path
from typing import Any

from playwright.async_api import Page

# Run in the page by Playwright; each returns what it measured.
CONTRAST = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
LAYOUT_SHIFT = """
() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const shifts = list.getEntries().filter((e) => !e.hadRecentInput);
    resolve(shifts.reduce((sum, e) => sum + e.value, 0));
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(0), 500);
})
"""


async def low_contrast(page: Page) -> list[str]:
    """The texts whose contrast falls below WCAG AA."""
    found: list[str] = await page.evaluate(CONTRAST)
    return found


async def layout_shift(page: Page) -> float:
    """The page's cumulative layout shift so far."""
    total: Any = await page.evaluate(LAYOUT_SHIFT)
    return float(total)


async def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than its window (0: no sideways scroll)."""
    extra: int = await page.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    return extra
