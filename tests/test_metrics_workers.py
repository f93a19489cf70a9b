"""`serve --workers 2` reports one coherent set of metrics, whichever answers."""

import os
import subprocess
import sys

import httpx
import pytest

from tests.live import free_port, wait_until_ready
from tests.metrics import sample

# Several workers need PostgreSQL.
pytestmark = [pytest.mark.postgres_only, pytest.mark.commits]

QUERIES = 20


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
    pools = {sample(text, "bilateral_db_pool_idle") for text in scrapes}
    assert all(idle >= 2 for idle in pools)  # at least one connection per worker
