"""`serve --workers 2` reports one coherent set of metrics, whichever answers."""

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.live import free_port, wait_until_ready
from tests.metrics import sample

# Several workers need PostgreSQL.
pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]

QUERIES = 20


def opened_connections(text: str) -> float:
    """The pool connections open, summed over the workers alive."""
    return sample(text, "bilateral_db_pool_idle") + sample(
        text, "bilateral_db_pool_in_use"
    )


def both_workers_report(url: str) -> bool:
    """Whether the workers' gauges add up to a connection each (within 20 s).

    Each worker's pool keeps a connection open, so 2 means both workers' gauges
    are read, whichever answers the scrape.
    """
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if opened_connections(httpx.get(f"{url}/metrics").text) >= 2:
            return True
        time.sleep(0.1)
    return False


def test_two_workers_add_up_their_counts(seeded_url: str) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": seeded_url, "BILATERAL_RATE_LIMIT": "0"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "api.cli", "serve", "--workers", "2"]
    url = f"http://127.0.0.1:{port}"
    with subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        try:
            wait_until_ready(url, process)
            # Ready is one worker ready: wait until both have opened their pools.
            assert both_workers_report(url), "the second worker never reported"
            for _ in range(QUERIES):
                # A connection each, so that both workers take some.
                answer = httpx.post(
                    f"{url}/graphql",
                    json={"query": "query Spread { issues(first: 1) { totalCount } }"},
                    headers={"Connection": "close"},
                )
                assert answer.status_code == 200
            scrapes = [httpx.get(f"{url}/metrics").text for _ in range(6)]
        finally:
            process.terminate()
            process.wait(timeout=20)

    counts = {
        sample(
            text,
            "bilateral_requests_total",
            operation="Spread",
            type="query",
            outcome="ok",
            transport="http",
        )
        for text in scrapes
    }
    assert counts == {QUERIES}
