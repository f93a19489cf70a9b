"""Cheap reads under expensive load: the p99 of a small read alone and during 30
concurrent heavy queries, with the slots for expensive operations and without.

Run: .venv/bin/python -m bench.heavy_load [--heavy-clients 30] [--samples 1000]
     [--rounds 3] [--database postgres://postgres@127.0.0.1:5432/empty]

Builds a throw-away SQLite database (or fills the given empty PostgreSQL one)
with the seeds plus 100 generated issues of 80 updates each, so that the heavy
query (100 issues x 80 updates, priced at 81 points) really returns 8,100 nodes.
Two server processes serve it with the rate limit off: one with the default slot
for expensive operations (BILATERAL_HEAVY_OPERATIONS=1), one without (=0). Rounds
alternate between them; in each, one client sends small reads one after another,
alone and then while 30 clients, in a process of their own, send the heavy query
as fast as they are answered (waiting as long as `Retry-After` says when refused;
a client that does not wait is the rate limit's business, off here). Prints the
p50 and p99 of the small read in each case and the ratios under load / alone.
"""

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from models.database import migrate, open_database
from models.enums import DatePrecision, IssueCategory, IssueStatus
from models.issue import Issue
from models.relationship import Relationship
from models.status_update import StatusUpdate
from seeds.loader import load_seeds
from tests.live import server_process

SMALL = """{ relationship(slug: "india-china") {
  issue(slug: "direct-flights") { title status latestUpdate { note } } } }"""
HEAVY = """{ issues(first: 100, orderBy: {field: UPDATED_AT, direction: DESC}) {
  nodes { slug updates(first: 80) { nodes { status note occurredOn { text } } } } } }"""
GENERATED_ISSUES = 100
UPDATES_EACH = 80
SLOTS = ("1", "0")


async def _populate(url: str) -> None:
    await migrate(url)
    async with open_database(url):
        await load_seeds()
        relationship = await Relationship.get(slug="india-china")
        await Issue.bulk_create(
            [
                Issue(
                    relationship=relationship,
                    slug=f"generated-{n:04d}",
                    title=f"Generated issue {n}",
                    category=IssueCategory.TRADE,
                    raised_by="IN",
                    status=IssueStatus.IN_PROGRESS,
                )
                for n in range(GENERATED_ISSUES)
            ],
            batch_size=500,
        )
        ids = await Issue.filter(slug__startswith="generated").values_list(
            "id", flat=True
        )
        await StatusUpdate.bulk_create(
            [
                StatusUpdate(
                    issue_id=pk,
                    status=IssueStatus.IN_PROGRESS,
                    occurred_on=date(2020 + k // 12, 1 + k % 12, 1),
                    occurred_precision=DatePrecision.MONTH,
                    note=f"Generated update {k} with a note of ordinary length.",
                    recorded_by="bench",
                )
                for pk in ids
                for k in range(UPDATES_EACH)
            ],
            batch_size=1000,
        )


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _small_reads(base: str, count: int, deadline: float) -> list[float]:
    """Seconds per small read, one after another, until `count` or the deadline."""
    samples: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while len(samples) < count and time.monotonic() < deadline:
            started = time.perf_counter()
            response = await http.post("/graphql", json={"query": SMALL})
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
    return samples


async def _heavy_client(base: str, stop: Any, tally: dict[int, int]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while not stop.is_set():
            response = await http.post("/graphql", json={"query": HEAVY})
            tally[response.status_code] = tally.get(response.status_code, 0) + 1
            if "retry-after" in response.headers:  # as a well-behaved client does
                await asyncio.sleep(float(response.headers["retry-after"]))


def _heavy_load(base: str, clients: int, stop: Any, tallies: Any) -> None:
    """The heavy clients, in a process of their own: reading their answers must
    not delay the small reads' own clock."""

    async def load() -> None:
        tally: dict[int, int] = {}
        await asyncio.gather(
            *(_heavy_client(base, stop, tally) for _ in range(clients))
        )
        tallies.put(tally)

    asyncio.run(load())


async def _under_load(
    base: str, clients: int, samples: int, seconds: float
) -> tuple[list[float], dict[int, int]]:
    context = multiprocessing.get_context("spawn")
    stop, tallies = context.Event(), context.Queue()
    load = context.Process(target=_heavy_load, args=(base, clients, stop, tallies))
    load.start()
    await asyncio.sleep(2.0)  # let the heavy queries pile up first
    reads = await _small_reads(base, samples, time.monotonic() + seconds)
    stop.set()
    tally: dict[int, int] = await asyncio.to_thread(tallies.get, timeout=180)
    await asyncio.to_thread(load.join)
    return reads, tally


async def run(
    database: str | None, clients: int, samples: int, rounds: int, seconds: float
) -> None:
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        url = database or f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await _populate(url)
        common = {"BILATERAL_RATE_LIMIT": "0", "BILATERAL_LOG_LEVEL": "WARNING"}
        servers = {
            slots: stack.enter_context(
                server_process(url, {**common, "BILATERAL_HEAVY_OPERATIONS": slots})
            )
            for slots in SLOTS
        }
        alone: dict[str, list[float]] = {slots: [] for slots in servers}
        loaded: dict[str, list[float]] = {slots: [] for slots in servers}
        tallies: dict[str, dict[int, int]] = {slots: {} for slots in servers}
        for number in range(rounds):
            for slots, base in servers.items():
                far = time.monotonic() + seconds
                alone[slots] += await _small_reads(base, samples, far)
                reads, tally = await _under_load(base, clients, samples, seconds)
                loaded[slots] += reads
                for status, count in tally.items():
                    tallies[slots][status] = tallies[slots].get(status, 0) + count
                print(f"round {number + 1} with {slots} slots done", flush=True)
    print(
        f"small read alone and during {clients} concurrent heavy queries (8,100 nodes)"
    )
    for slots in servers:
        quiet, busy = alone[slots], loaded[slots]
        label = f"{slots} slots" if slots != "0" else "no slots"
        print(
            f"{label}: alone p50 {statistics.median(quiet) * 1000:.1f} ms, p99 "
            f"{_percentile(quiet, 0.99) * 1000:.1f} ms; under load p50 "
            f"{statistics.median(busy) * 1000:.1f} ms, p99 "
            f"{_percentile(busy, 0.99) * 1000:.1f} ms ({len(busy)} reads); "
            f"heavy answers by status {dict(sorted(tallies[slots].items()))}"
        )
        print(
            f"{label}: p99 under load / alone = "
            f"{_percentile(busy, 0.99) / _percentile(quiet, 0.99):.2f}x, p50 "
            f"{statistics.median(busy) / statistics.median(quiet):.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--heavy-clients", type=int, default=30)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="at most this long per phase"
    )
    parser.add_argument(
        "--database", help="an empty PostgreSQL database's URL (default: SQLite)"
    )
    args = parser.parse_args()
    asyncio.run(
        run(args.database, args.heavy_clients, args.samples, args.rounds, args.seconds)
    )


if __name__ == "__main__":
    main()
