"""X-Forwarded-For is believed only from BILATERAL_TRUSTED_PROXIES, HTTP and WebSocket.

Over a real server built as `bilateral serve` builds it: uvicorn's own proxy handling
is off, so without trusted proxies a client on localhost cannot pick its address
(and with it its anonymous rate-limit budget).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
import websockets
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings, SettingsError
from tests.served import served

VIEWER = {"query": "{ viewer { role } }"}
BUDGET = 3


async def client_host(request: Request) -> PlainTextResponse:
    """Says which client address the app sees."""
    return PlainTextResponse(request.client.host if request.client else "-")


async def websocket_client_host(websocket: WebSocket) -> None:
    """Says which client address the app sees on a WebSocket."""
    await websocket.accept()
    await websocket.send_text(websocket.client.host if websocket.client else "-")
    await websocket.close()


def _app(settings: Settings) -> Starlette:
    app = create_app(settings, manage_database=False)
    app.router.routes.append(Route("/client", client_host))
    app.router.routes.append(WebSocketRoute("/client", websocket_client_host))
    return app


@asynccontextmanager
async def server(seeded_url: str, **overrides: Any) -> AsyncIterator[str]:
    """The app, with a route echoing the client address, served as `serve` does."""
    settings = replace(Settings(database_url=seeded_url), **overrides)
    async with served(settings, _app(settings)) as base:
        yield base


async def _statuses(base: str, forwarded_for: list[str]) -> list[int]:
    async with httpx.AsyncClient(base_url=base) as http:
        return [
            (
                await http.post(
                    "/graphql", json=VIEWER, headers={"X-Forwarded-For": address}
                )
            ).status_code
            for address in forwarded_for
        ]


async def _websocket_host(base: str, forwarded_for: str) -> str:
    url = base.replace("http://", "ws://") + "/client"
    headers = {"X-Forwarded-For": forwarded_for}
    async with websockets.connect(url, additional_headers=headers) as connection:
        return str(await connection.recv())


FOUR_ADDRESSES = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]


async def test_without_trusted_proxies_forwarded_for_does_not_change_the_budget(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url, rate_limit=BUDGET) as base:
        # when a client on localhost claims a new address with each request
        statuses = await _statuses(base, FOUR_ADDRESSES)
        async with httpx.AsyncClient(base_url=base) as http:
            seen = await http.get("/client", headers={"X-Forwarded-For": "203.0.113.9"})

    # then they all spend its own budget, which runs out
    assert statuses == [200, 200, 200, 429]
    assert seen.text == "127.0.0.1"


async def test_a_trusted_proxy_forwards_the_client_address(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    overrides = {"rate_limit": BUDGET, "trusted_proxies": ("127.0.0.1",)}
    async with server(seeded_url, **overrides) as base:
        # when the trusted proxy forwards four clients, then one client four times
        different = await _statuses(base, FOUR_ADDRESSES)
        same = await _statuses(base, ["198.51.100.7"] * 4)
        async with httpx.AsyncClient(base_url=base) as http:
            seen = await http.get("/client", headers={"X-Forwarded-For": "203.0.113.9"})

    # then each forwarded client has a budget of its own
    assert different == [200, 200, 200, 200]
    assert same == [200, 200, 200, 429]
    assert seen.text == "203.0.113.9"


async def test_a_trusted_network_is_given_as_cidr(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with (
        server(seeded_url, trusted_proxies=("127.0.0.0/8",)) as base,
        httpx.AsyncClient(base_url=base) as http,
    ):
        seen = await http.get(
            "/client", headers={"X-Forwarded-For": "203.0.113.9, 127.0.0.5"}
        )

    # the rightmost untrusted address is the client
    assert seen.text == "203.0.113.9"


async def test_a_websocket_client_is_forwarded_only_by_a_trusted_proxy(
    seeded_db: TortoiseContext, seeded_url: str
) -> None:
    async with server(seeded_url) as base:
        untrusted = await _websocket_host(base, "203.0.113.9")
    async with server(seeded_url, trusted_proxies=("127.0.0.1",)) as base:
        trusted = await _websocket_host(base, "203.0.113.9")

    assert (untrusted, trusted) == ("127.0.0.1", "203.0.113.9")


def test_trusted_proxies_are_read_from_the_environment() -> None:
    settings = Settings.from_environment(
        {"BILATERAL_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16,,::1"}
    )

    assert settings.trusted_proxies == ("10.0.0.1", "10.1.0.0/16", "::1")
    assert Settings.from_environment({}).trusted_proxies == ()


def test_a_trusted_proxy_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment({"BILATERAL_TRUSTED_PROXIES": "10.0.0.1,proxy.lan"})

    assert str(refused.value) == (
        "BILATERAL_TRUSTED_PROXIES must list IP addresses or networks "
        "(e.g. 10.0.0.0/8), comma-separated; got 'proxy.lan'."
    )
