"""The benchmark suite: the service as a user runs it (`bilateral serve`, rate
limit off), driven over loopback by wrk (2 threads, 16 connections), beside a
GraphQL floor (bench.floor_app) and a bare-bytes ceiling (bench.ceiling_app).

Run: .venv/bin/python -m bench.suite [--dataset seed|10k]
     [--database sqlite|postgres] [--seconds 3] [--rounds 2]

Rounds interleave the measurements (the machine is shared and noisy); each row
reports the median of its rounds. Prints req/s, p50 and p99 per row and the
ratios measured in this run, and writes bench/results/<date>-<database>.md.
"""

import argparse
import asyncio
import json
import signal
import statistics
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from api.cli.progress import Advance, progress
from api.core.relay import global_id
from bench import datasets, report
from bench.mix import run_mix
from bench.processes import bilateral_serve, python_module, settle
from bench.report import Row
from bench.wrk import (
    WrkResult,
    random_date_script,
    run_wrk,
    static_script,
    write_script,
)
from models.database import open_database
from models.issue import Issue

BOARD = """{ issues(first: 50, orderBy: {field: UPDATED_AT, direction: DESC}) {
  nodes { slug status
    latestUpdate { status occurredOn { text } note source { url } }
    updates(first: 3) { nodes { status occurredOn { text } note source { url } } }
  } } }"""
DETAIL = """{ relationship(slug: "india-china") { issue(slug: "direct-flights") {
  slug title summary category raisedBy status version updatedAt
  latestUpdate { status occurredOn { text } note source { url title publisher } }
  updates(first: 20) { nodes { status previousStatus occurredOn { text } note
    source { url title publisher } verified recordedAt } }
  meetings { nodes { heldOn { text } title location participants summary } } } } }"""
TIME_TRAVEL = """query TimeTravel($day: Date!) {
  statusCounts(asOf: $day) { status count }
  issues(first: 20, filter: {asOf: $day}) { nodes { slug statusAsOf(date: $day) } } }"""
WRITE = """mutation Write($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename
    ... on IssueUpdateStatusSuccess { update { id } } } }"""
CACHE_OFF = {"BILATERAL_RESPONSE_CACHE": "off"}


class Suite:
    """The servers of one run, and the rows they fill round by round."""

    def __init__(self, stack: ExitStack, url: str, postgres: bool) -> None:
        self.url, self.stack = url, stack
        self.busy = datasets.postgres_busy(url) if postgres else lambda: False
        self.token = datasets.bilateral(
            url, "token", "create", "--name", "bench", "--role", "editor"
        ).splitlines()[-1]
        self.issue_ids = asyncio.run(_issue_ids(url))
        self.off = stack.enter_context(bilateral_serve(url, CACHE_OFF))
        self.on = stack.enter_context(bilateral_serve(url, {}))
        self.on_b = stack.enter_context(bilateral_serve(url, {})) if postgres else None
        self.floor = stack.enter_context(python_module("bench.floor_app", url))
        self.board = _answer(self.on, BOARD)
        self.floor_matches = _answer(self.floor, BOARD) == self.board
        answer = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "board"
        answer.write_bytes(json.dumps(self.board).encode())
        self.ceiling = stack.enter_context(
            python_module("bench.ceiling_app", url, "--answer", str(answer))
        )
        for endpoint, query in ((self.off, DETAIL), (self.off, TIME_TRAVEL)):
            _answer(endpoint, query, {"day": "2025-01-27"})
        self.rows: dict[str, Row] = {}
        self.mix = {"checked": 0, "violations": 0, "writes": 0}
        # Moves the progress bar on by one measurement (a terminal only).
        self.advance: Advance = lambda steps: None

    def row(self, name: str, against: str, note: str = "") -> Row:
        """The row named `name`, made on first use."""
        return self.rows.setdefault(name, Row(name, against, note=note))

    def measure(self, name: str, against: str, result: WrkResult) -> None:
        """Record one wrk round in its row, say so, and let the servers settle."""
        row = self.row(name, against)
        row.add(
            result.requests_per_second,
            result.p50_ms,
            result.p99_ms,
            result.requests,
            result.errors,
        )
        print(
            f"  {name:<24} {result.requests_per_second:>9,.0f} req/s  p50 "
            f"{result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
            f"errors {result.errors}",
            flush=True,
        )
        settle(self.busy)
        self.advance(1)

    def round(self, seconds: int) -> None:
        """Every measurement once, one after another."""
        board = static_script(BOARD)
        self.measure(
            "board uncached",
            "serve, cache off",
            run_wrk(self.off, board, seconds=seconds),
        )
        self.measure(
            "GraphQL floor",
            "bench.floor_app",
            run_wrk(self.floor, board, seconds=seconds),
        )
        _answer(self.on, BOARD)  # the warm-up: the next requests are hits
        self.measure(
            "board cache hit",
            "serve, cache on",
            run_wrk(self.on, board, seconds=seconds),
        )
        self.measure(
            "ceiling",
            "bench.ceiling_app",
            run_wrk(self.ceiling, board, seconds=seconds),
        )
        self.measure(
            "detail",
            "serve, cache off",
            run_wrk(self.off, static_script(DETAIL), seconds=seconds),
        )
        travel = random_date_script(TIME_TRAVEL, "day")
        self.measure(
            "time travel",
            "serve, cache off",
            run_wrk(self.off, travel, seconds=seconds),
        )
        self.measure(
            "time travel, cache on",
            "serve, cache on",
            run_wrk(self.on, travel, seconds=seconds),
        )
        nonce = datetime.now(UTC).strftime("%H%M%S%f")
        writes = write_script(WRITE, self.issue_ids, self.token, nonce)
        self.measure(
            "writes (8 connections)",
            "serve, cache on",
            run_wrk(self.on, writes, seconds=seconds, connections=8),
        )
        self.measure_mix(seconds)

    def measure_mix(self, seconds: int) -> None:
        """One round of the 99%-read mix, through A and B."""
        endpoints = (self.on, self.on_b or self.on)
        mix = asyncio.run(run_mix(endpoints, self.token, self.issue_ids, seconds))
        latencies = sorted(mix.latencies)
        result = WrkResult(
            requests_per_second=mix.requests_per_second,
            p50_ms=statistics.median(latencies) * 1000,
            p99_ms=latencies[int(0.99 * (len(latencies) - 1))] * 1000,
            requests=len(latencies),
            errors=mix.errors + mix.violations,
        )
        against = "serve A + B, cache on" if self.on_b else "serve, cache on"
        self.measure("99%-read mix", against, result)
        for key in self.mix:
            self.mix[key] += getattr(mix, key)


async def _issue_ids(url: str) -> list[str]:
    async with open_database(url):
        keys: list[int] = await Issue.filter(archived_at__isnull=True).values_list(
            "id", flat=True
        )  # type: ignore[assignment]
    return [str(global_id("Issue", key)) for key in keys]


def _answer(endpoint: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The data of one answer; fails on any error, so no row measures errors."""
    body = {"query": query, "variables": variables or {}}
    answer = httpx.post(endpoint, json=body, timeout=60).json()
    if answer.get("errors") or "data" not in answer:
        raise RuntimeError(f"{endpoint} answered with errors: {answer}")
    return answer["data"]


NOTES = {
    "board uncached": "first 50 issues, latest update + 3 updates each, executed",
    "GraphQL floor": "same query, Strawberry over in-memory objects, no database",
    "board cache hit": "the board from the response cache (generation read only)",
    "ceiling": "bare Starlette route returning the board's bytes",
    "detail": "one issue: 20 updates, its meetings",
    "time travel": "statusCounts(asOf:) + issues(filter: {asOf:}), random day",
    "time travel, cache on": "the same, response cache on (random days: few hits)",
    "writes (8 connections)": "issueUpdateStatus, random issue, unique key, back-fill",
    "99%-read mix": "board reads, a write every 100; read-your-writes checked",
}


def run(dataset: str, database: str, seconds: int, rounds: int) -> None:
    """Build, serve, measure, print and write the results file."""
    command = (
        f".venv/bin/python -m bench.suite --dataset {dataset} --database {database} "
        f"--seconds {seconds} --rounds {rounds}"
    )
    with datasets.database(database) as url, ExitStack() as stack:
        started = datetime.now(UTC)
        datasets.load(url, dataset)
        built = (datetime.now(UTC) - started).total_seconds()
        size = asyncio.run(datasets.dataset_size(url))
        print(f"dataset {dataset}: {size}, built in {built:.1f} s", flush=True)
        facts = datasets.describe_machine(url)
        suite = Suite(stack, url, database == "postgres")
        with progress("measuring", rounds * len(NOTES)) as suite.advance:
            for number in range(rounds):
                print(f"round {number + 1} of {rounds}", flush=True)
                suite.round(seconds)
    rows = list(suite.rows.values())
    for row in rows:
        row.note = NOTES[row.name]
    _finish(suite, rows, facts, command, dataset, database, size, seconds, rounds)


def _finish(
    suite: Suite,
    rows: list[Row],
    facts: dict[str, str],
    command: str,
    dataset: str,
    database: str,
    size: str,
    seconds: int,
    rounds: int,
) -> None:
    by_name = suite.rows
    ratios = {
        "board uncached / GraphQL floor": report.ratio(
            by_name["board uncached"], by_name["GraphQL floor"]
        ),
        "board cache hit / ceiling": report.ratio(
            by_name["board cache hit"], by_name["ceiling"]
        ),
        "99%-read mix / board uncached": report.ratio(
            by_name["99%-read mix"], by_name["board uncached"]
        ),
        "board cache hit / board uncached": report.ratio(
            by_name["board cache hit"], by_name["board uncached"]
        ),
        "mix read-your-writes": (
            f"{suite.mix['checked']} reads checked after {suite.mix['writes']} "
            f"writes, {suite.mix['violations']} violations"
        ),
        "floor answers the same data as the service": (
            "yes" if suite.floor_matches else "NO"
        ),
    }
    facts = {
        **facts,
        "dataset": f"{dataset} ({size})",
        "load": f"wrk, 2 threads, 16 connections (writes: 8), {seconds} s per "
        f"round, {rounds} rounds interleaved, median of rounds",
    }
    today = datetime.now(UTC).date().isoformat()
    title = f"Benchmark suite, {dataset} on {database}, {today}"
    text = report.document(title, command, facts, rows, ratios)
    print("\n" + text)
    report.RESULTS.mkdir(exist_ok=True)
    path = report.RESULTS / f"{today}-{database}.md"
    path.write_text(text, encoding="utf-8")
    print(f"written to {path}")


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds: servers stop, the database is dropped


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=["seed", "10k"], default="seed")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=3, help="per round and row")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    handler: Callable[[int, FrameType | None], None] = _stop
    signal.signal(signal.SIGTERM, handler)
    run(args.dataset, args.database, args.seconds, args.rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
