"""Refusing an abusive document costs no more than answering a small query.

Run: .venv/bin/python -m bench.refusals [--rounds 200]

Serves the app in-process over a throw-away seeded SQLite database and times, in
one run, a small query against documents refused for each limit; prints each
refusal's median time as a ratio of the small query's, once with the same text
each time (parsing cached) and once with new text each time (parsed every time).
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from api.app import create_app
from api.cli.main import prepare_database
from api.settings import Settings
from models.database import open_database

SMALL = "{ relationships { slug name } }"
FAN_OUT = (
    "{ viewer { ...F0 } }\n"
    + "\n".join(
        f"fragment F{n} on Viewer {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40)
    )
    + "\nfragment F40 on Viewer { r: role }"
)
DOCUMENTS = {
    "depth 12": "{ issues { nodes { updates { nodes { issue { updates { nodes { "
    "issue { updates { nodes { issue { slug } } } } } } } } } } } }",
    "16 aliases": "{ " + " ".join(f"a{n}: viewer {{ role }}" for n in range(16)) + " }",
    "fan-out of 2**40 aliases": FAN_OUT,
    "2,001 tokens": "{ viewer { " + "a " * 2_001 + "} }",
    "15,001 characters": "{ viewer { role } }\n#" + "x" * 14_981,
    "10,100 nodes": "{ issues(first: 100) { nodes { updates(first: 100) { "
    "totalCount } } } }",
}


async def _median(
    http: httpx.AsyncClient, query: str, rounds: int, *, fresh: bool
) -> float:
    """Median time of a request; `fresh` makes each text new, defeating caches."""
    samples = []
    for n in range(rounds):
        text = f"{query}\n#{n}" if fresh else query
        started = time.perf_counter()
        await http.post("/graphql", json={"query": text})
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def run(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        await prepare_database(url)
        async with open_database(url):
            settings = Settings(database_url=url, rate_limit=0)
            app = create_app(settings, manage_database=False)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://b"
            ) as http:
                for fresh in (False, True):
                    small = await _median(http, SMALL, rounds, fresh=fresh)
                    kind = "new text each time" if fresh else "same text (cached)"
                    print(f"{kind}; median of {rounds}; small query = 1.00x")
                    for name, document in DOCUMENTS.items():
                        took = await _median(http, document, rounds, fresh=fresh)
                        print(f"  refusing {name}: {took / small:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
