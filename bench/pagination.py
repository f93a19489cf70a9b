"""Keyset pages cost the same deep in a list as at its start; prints the ratios.

Run: .venv/bin/python -m bench.pagination [--issues 2000]
Builds a throw-away SQLite database with the seeds plus many generated issues, then
times, in one run, a first page against a page deep in the list (keyset cursor), and
the same page fetched with a naive OFFSET for comparison.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import httpx

from api.app import create_app
from api.cli.progress import progress
from api.settings import Settings
from models.database import migrate, open_database
from models.enums import DatePrecision, IssueCategory, IssueStatus
from models.issue import Issue
from models.relationship import Relationship
from models.status_update import StatusUpdate
from seeds.loader import load_seeds

PAGE = """query($after: String) { issues(first: 20, after: $after) {
  pageInfo { endCursor } nodes { slug status latestUpdate { note } } } }"""


async def _populate(count: int) -> None:
    await load_seeds()
    relationship = await Relationship.get(slug="india-china")
    issues = [
        Issue(
            relationship=relationship,
            slug=f"generated-{n:06d}",
            title=f"Generated issue {n}",
            category=IssueCategory.TRADE,
            raised_by="IN",
            status=IssueStatus.IN_PROGRESS,
        )
        for n in range(count)
    ]
    await Issue.bulk_create(issues, batch_size=500)
    ids = [
        row["id"]
        for row in await Issue.filter(slug__startswith="generated").values("id")
    ]
    updates = [
        StatusUpdate(
            issue_id=pk,
            status=IssueStatus.IN_PROGRESS,
            occurred_on=date(2025, 1, 1 + k),
            occurred_precision=DatePrecision.DAY,
            note="generated",
            recorded_by="bench",
        )
        for pk in ids
        for k in range(3)
    ]
    await StatusUpdate.bulk_create(updates, batch_size=1000)


async def _timed(action: Callable[[], Awaitable[object]], rounds: int) -> float:
    samples = []
    with progress("timing", rounds) as advance:
        for _ in range(rounds):
            started = time.perf_counter()
            await action()
            samples.append(time.perf_counter() - started)
            advance(1)
    return statistics.median(samples)


async def run(count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await migrate(url)
        async with open_database(url):
            await _populate(count)
            app = create_app(
                Settings(database_url=url, rate_limit=0), manage_database=False
            )
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://b"
            ) as http:
                await _compare(http, count, rounds)


async def _page(http: httpx.AsyncClient, after: str | None) -> str:
    response = await http.post(
        "/graphql", json={"query": PAGE, "variables": {"after": after}}
    )
    return str(response.json()["data"]["issues"]["pageInfo"]["endCursor"])


async def _compare(http: httpx.AsyncClient, count: int, rounds: int) -> None:
    cursor = None
    for _ in range((count - 40) // 20):  # walk to a page near the end
        cursor = await _page(http, cursor)
    deep_offset = (count - 40) // 20 * 20
    first = await _timed(lambda: _page(http, None), rounds)
    deep = await _timed(lambda: _page(http, cursor), rounds)
    offset_first = await _timed(lambda: _offset_page(0), rounds)
    offset_deep = await _timed(lambda: _offset_page(deep_offset), rounds)
    print(f"issues in list: {count + 14}; page size 20; median of {rounds} rounds")
    print(f"keyset page at row {deep_offset} / first page: {deep / first:.2f}x")
    ratio = offset_deep / offset_first
    print(f"OFFSET page at row {deep_offset} / first page: {ratio:.2f}x")


async def _offset_page(offset: int) -> list[Issue]:
    return list(await Issue.all().order_by("slug", "id").offset(offset).limit(21))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(run(args.issues, args.rounds))


if __name__ == "__main__":
    main()
