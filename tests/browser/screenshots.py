"""Screenshots of the board for the README: `python -m tests.browser.screenshots`.

Serves a fresh seeded tracker as a user would (`bilateral serve` on a SQLite file
in a scratch folder) and writes docs/board-360.png and docs/board-1280.png.
"""

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.browser.served_board import chromium, shut_in
from tests.live import free_port, wait_until_ready

DOCS = Path(__file__).parents[2] / "docs"
SIZES = {360: 780, 1280: 900}


async def capture(base_url: str) -> None:
    async with chromium() as browser:
        for width, height in SIZES.items():
            page = await browser.new_page(viewport={"width": width, "height": height})
            watched = await shut_in(page, base_url)
            await page.goto(base_url + "/")
            await page.locator("article.card").first.wait_for()
            await page.locator('.board[aria-busy="false"]').wait_for()
            await page.locator('[data-live="live"]').wait_for()
            await page.screenshot(path=DOCS / f"board-{width}.png")
            watched.assert_clean()
            await page.close()


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite://{scratch}/board.sqlite3"}
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_ready(url, server)
            asyncio.run(capture(url))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {', '.join(f'docs/board-{w}.png' for w in SIZES)}")


if __name__ == "__main__":
    main()
