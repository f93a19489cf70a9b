"""Slow clients over a real server, built as `bilateral serve` builds it.

Headers must be complete within the header timeout, a body within the request
timeout (408), and a process holds a bounded number of connections (503 beyond).
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
import websockets
from starlette.applications import Starlette
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings
from api.transport.server import server_config
from tests.live import graphql_socket
from tests.served import served

HEADER_SECONDS = 0.5
SLOWLORIS_CONNECTIONS = 50
BYTE_EVERY_SECONDS = 0.05


def _app(settings: Settings) -> Starlette:
    return create_app(settings, manage_database=False)


@asynccontextmanager
async def server(seeded_url: str, **overrides: Any) -> AsyncIterator[str]:
    """The app over the test's seeded database, served as `serve` serves it."""
    settings = replace(Settings(database_url=seeded_url), **overrides)
    async with served(settings, _app(settings)) as base:
        yield base


def _address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


async def _slowloris(base: str) -> float:
    """Trickle never-ending headers a byte at a time; seconds until closed."""
    reader, writer = await asyncio.open_connection(*_address(base))
    started = time.monotonic()
    headers = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + b"a" * 10_000
    closed = asyncio.ensure_future(reader.read())
    try:
        for byte in headers:
            if closed.done():
                break
            writer.write(bytes([byte]))
            await asyncio.sleep(BYTE_EVERY_SECONDS)
        assert await closed == b""  # closed without an answer
        return time.monotonic() - started
    finally:
        writer.close()


async def test_slowloris_connections_are_closed_after_the_header_timeout(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url, header_timeout_seconds=HEADER_SECONDS) as base:
        # when 50 clients each trickle headers a byte every 50 ms
        attack = asyncio.gather(
            *(_slowloris(base) for _ in range(SLOWLORIS_CONNECTIONS))
        )
        # then the server still answers others meanwhile
        async with httpx.AsyncClient(base_url=base) as http:
            healthy = await http.get("/healthz")
        lifetimes = await asyncio.wait_for(attack, 10)

    # and closes every slow connection once its headers are overdue
    assert healthy.status_code == 200
    assert len(lifetimes) == SLOWLORIS_CONNECTIONS
    assert min(lifetimes) >= HEADER_SECONDS - 0.05
    assert max(lifetimes) < HEADER_SECONDS + 1.0


async def test_a_connection_that_sends_nothing_is_closed(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url, header_timeout_seconds=HEADER_SECONDS) as base:
        reader, writer = await asyncio.open_connection(*_address(base))
        started = time.monotonic()
        received = await asyncio.wait_for(reader.read(), 5)
        lifetime = time.monotonic() - started
        writer.close()

    assert received == b""
    assert HEADER_SECONDS - 0.05 <= lifetime < HEADER_SECONDS + 1.0


async def test_the_header_timer_restarts_for_each_request_on_a_connection(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url, header_timeout_seconds=HEADER_SECONDS) as base:
        reader, writer = await asyncio.open_connection(*_address(base))
        answers = []
        # when two requests come on one connection, each with headers trickled
        # over 60% of the timeout, so together they take longer than it
        for _ in range(2):
            for line in (b"GET /healthz HTTP/1.1\r\n", b"Host: test\r\n", b"\r\n"):
                writer.write(line)
                await asyncio.sleep(HEADER_SECONDS * 0.3)
            answers.append(await asyncio.wait_for(_response_head(reader), 5))
        writer.close()

    # then both are answered
    assert answers == [b"HTTP/1.1 200 OK", b"HTTP/1.1 200 OK"]


async def _response_head(reader: asyncio.StreamReader) -> bytes:
    """The status line of one response, its body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in lines
        if line.lower().startswith(b"content-length")
    )
    await reader.readexactly(length)
    return lines[0]


async def test_a_body_that_does_not_arrive_in_time_gets_408(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url, request_timeout_seconds=0.3) as base:
        reader, writer = await asyncio.open_connection(*_address(base))
        # when a client declares 100 bytes of body and sends 10
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            b'{"query": '
        )
        started = time.monotonic()
        response = await asyncio.wait_for(reader.read(), 5)
        waited = time.monotonic() - started
        writer.close()

    # then after the request timeout it gets 408 and the connection is closed
    head, body = response.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 408 Request Timeout"
    assert "connection: close" in [line.lower() for line in lines]
    assert json.loads(body) == {
        "errors": [
            {
                "message": "The request body did not arrive within 0.3 s.",
                "extensions": {"code": "TIMEOUT"},
            }
        ]
    }
    assert 0.25 <= waited < 2.0


async def test_connections_beyond_the_limit_get_503(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url, max_connections=2) as base:
        async with (
            httpx.AsyncClient(base_url=base) as first,
            httpx.AsyncClient(base_url=base) as second,
            httpx.AsyncClient(base_url=base) as third,
        ):
            # given two open keep-alive connections
            assert (await first.get("/healthz")).status_code == 200
            assert (await second.get("/healthz")).status_code == 200

            # when a third connection asks
            refused = await third.get("/healthz")

            # then it gets 503, while the two admitted ones are still served
            still = await first.get("/healthz")
        # once one closes, a new connection is admitted
        async with httpx.AsyncClient(base_url=base) as fourth:
            admitted = await fourth.get("/healthz")

    assert (refused.status_code, refused.text) == (503, "Service Unavailable")
    assert still.status_code == 200
    assert admitted.status_code == 200


async def test_websockets_count_towards_the_connection_limit(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with (
        server(seeded_url, max_connections=2) as base,
        graphql_socket(base),
        graphql_socket(base),
    ):
        # given two open WebSocket connections
        # when a third handshake comes, and a plain request
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with graphql_socket(base):
                pass
        async with httpx.AsyncClient(base_url=base) as http:
            request = await http.get("/healthz")

    # then both are refused with 503
    assert refused.value.response.status_code == 503
    assert request.status_code == 503


async def test_a_websocket_that_never_sends_connection_init_is_closed(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    overrides = {"header_timeout_seconds": 0.2, "connection_init_seconds": 0.6}
    async with (
        server(seeded_url, **overrides) as base,
        graphql_socket(base, initialise=False) as ws,
    ):
        started = time.monotonic()
        # when a client upgrades and says nothing, then the header timeout does not
        # apply to the upgraded connection; connection_init's wait does
        code = await ws.close_code(seconds=5)
        lifetime = time.monotonic() - started

    assert code == 4408
    assert lifetime >= 0.5


def test_serve_and_the_tests_build_the_same_server_options() -> None:
    settings = Settings.from_environment(
        {
            "BILATERAL_HEADER_TIMEOUT_SECONDS": "2.5",
            "BILATERAL_MAX_CONNECTIONS": "50",
        }
    )

    config = server_config(settings, "api.app:app_from_environment", "0.0.0.0", 80, 4)

    assert (config.header_timeout_seconds, config.limit_concurrency) == (2.5, 51)
    assert (config.proxy_headers, config.timeout_keep_alive) == (False, 5)
    assert (config.factory, config.workers) == (True, 4)


def test_slow_client_defaults() -> None:
    settings = Settings.from_environment({})

    assert (settings.header_timeout_seconds, settings.max_connections) == (10.0, 1000)
    assert settings.request_timeout_seconds == 10.0
