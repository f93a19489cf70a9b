"""The 99%-read mix: board reads with a write every 100 reads, checking that every
read after a write sees it (read-your-writes), across two server processes.

Each of 16 clients reads the board, alternately from process A and B; every
100th request is a write to A (an update dated today, so it becomes its issue's
latest), and the read right after it goes to B and must show that update as the
issue's `latestUpdate`. Clients write to issues of their own (no two share one),
so no other client's write can legitimately hide it (with fewer issues than
clients, as on the seeds, the clients left without one only read). A small
HTTP/1.1 client of our own (keep-alive, Content-Length) keeps the client's share
of the CPU low.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import orjson

WRITE_EVERY = 100
MIX_BOARD = """{ issues(first: 50, orderBy: {field: UPDATED_AT, direction: DESC}) {
  nodes { id slug status latestUpdate { id status occurredOn { text } note
  source { url } } updates(first: 3) { nodes { status occurredOn { text } note
  source { url } } } } } }"""
WRITE = """mutation Write($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename
    ... on IssueUpdateStatusSuccess { update { id } } } }"""


class Connection:
    """One keep-alive HTTP/1.1 connection posting JSON to one endpoint."""

    def __init__(self, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes, token: str | None = None) -> tuple[int, bytes]:
        """Post `body`; the status and the body of the answer."""
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        auth = f"authorization: Bearer {token}\r\n" if token else ""
        head = (
            f"POST {self.path} HTTP/1.1\r\nhost: {self.host}:{self.port}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
            f"{auth}\r\n"
        )
        writer.write(head.encode() + body)
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if line)
        answer = await reader.readexactly(int(headers["content-length"]))
        return int(lines[0].split()[1]), answer

    def close(self) -> None:
        """Close the connection, if open."""
        if self.streams is not None:
            self.streams[1].close()


@dataclass
class MixResult:
    """What the clients did and saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    writes: int = 0
    checked: int = 0
    violations: int = 0
    errors: int = 0

    @property
    def requests_per_second(self) -> float:
        """Reads and writes answered per second."""
        return len(self.latencies) / self.seconds


async def run_mix(
    endpoints: tuple[str, str],
    token: str,
    issue_ids: list[str],
    seconds: float,
    clients: int = 16,
) -> MixResult:
    """Run the mix for `seconds` with `clients` concurrent clients."""
    result = MixResult()
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(
        *(
            _client(endpoints, token, issue_ids[number::clients], deadline, result)
            for number in range(clients)
        )
    )
    result.seconds = time.monotonic() - started
    return result


async def _client(
    endpoints: tuple[str, str],
    token: str,
    own_issues: list[str],
    deadline: float,
    result: MixResult,
) -> None:
    a, b = Connection(endpoints[0]), Connection(endpoints[1])
    read = orjson.dumps({"query": MIX_BOARD})
    count, written = 0, None
    try:
        while time.monotonic() < deadline:
            count += 1
            started = time.perf_counter()
            if count % WRITE_EVERY == 0 and own_issues:
                issue = own_issues[(count // WRITE_EVERY) % len(own_issues)]
                written = (issue, await _write(a, token, issue, result))
            else:
                status, body = await (b if count % 2 or written else a).post(read)
                if status != 200:
                    result.errors += 1
                elif written is not None:
                    _check(body, written, result)
                written = None
            result.latencies.append(time.perf_counter() - started)
    finally:
        a.close()
        b.close()


async def _write(a: Connection, token: str, issue: str, result: MixResult) -> str:
    today = datetime.now(UTC).date().isoformat()
    variables = {
        "input": {
            "issueId": issue,
            "status": "IN_PROGRESS",
            "occurredOn": today,
            "note": "A write of the read-your-writes mix.",
            "idempotencyKey": f"mix-{uuid.uuid4()}",
        }
    }
    _, body = await a.post(
        orjson.dumps({"query": WRITE, "variables": variables}), token
    )
    answer = orjson.loads(body)["data"]["issueUpdateStatus"]
    if answer["__typename"] != "IssueUpdateStatusSuccess":
        raise RuntimeError(f"the mix's write was refused: {answer}")
    result.writes += 1
    update_id: str = answer["update"]["id"]
    return update_id


def _check(body: bytes, written: tuple[str, str], result: MixResult) -> None:
    issue, update = written
    nodes = orjson.loads(body)["data"]["issues"]["nodes"]
    latest = {node["id"]: (node["latestUpdate"] or {}).get("id") for node in nodes}
    result.checked += 1
    if latest.get(issue) != update:
        result.violations += 1
