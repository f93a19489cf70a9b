"""A real server on a free port, and a graphql-transport-ws client for it."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """Run `app` with uvicorn on this event loop; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server_process(
    database_url: str, environ: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run the app in a process of its own (as a worker would); yields its URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **(environ or {})}
    command = [sys.executable, "-m", "uvicorn", "api.app:app_from_environment"]
    options = ["--factory", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen([*command, *options], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes] | subprocess.Popen[str]
) -> None:
    """Poll /readyz until it answers 200; fail if the process dies first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not become ready")


class GraphQLSocket:
    """One graphql-transport-ws connection, message by message."""

    def __init__(self, connection: websockets.ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        """Send one protocol message."""
        await self.connection.send(json.dumps(message))

    async def receive(self, seconds: float = 5.0) -> dict[str, Any]:
        """The next protocol message (pings are answered and skipped)."""
        while True:
            text = await asyncio.wait_for(self.connection.recv(), seconds)
            message: dict[str, Any] = json.loads(text)
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def initialise(self, payload: dict[str, Any] | None = None) -> None:
        """connection_init, then expect connection_ack."""
        await self.send({"type": "connection_init", "payload": payload or {}})
        ack = await self.receive()
        assert ack["type"] == "connection_ack", ack

    async def subscribe(
        self,
        id: str,
        query: str | None,
        variables: dict[str, Any] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        """Start an operation (with no `query` when it is None)."""
        payload: dict[str, Any] = {"variables": variables or {}}
        if query is not None:
            payload["query"] = query
        if extensions is not None:
            payload["extensions"] = extensions
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def data(self, seconds: float = 5.0) -> dict[str, Any]:
        """The data of the next `next` message; fails on anything else."""
        message = await self.receive(seconds)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def close_code(self, seconds: float = 5.0) -> int | None:
        """Wait until the server closes the connection; its close code."""
        try:
            while True:
                await asyncio.wait_for(self.connection.recv(), seconds)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


@asynccontextmanager
async def graphql_socket(
    base_url: str,
    *,
    payload: dict[str, Any] | None = None,
    initialise: bool = True,
    headers: Mapping[str, str] | None = None,
    origin: str | None = None,
    subprotocol: str = PROTOCOL,
) -> AsyncIterator[GraphQLSocket]:
    """A connection to `/graphql`, initialised unless told otherwise."""
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url,
        subprotocols=[websockets.Subprotocol(subprotocol)],
        additional_headers=dict(headers or {}),
        origin=websockets.Origin(origin) if origin else None,
        open_timeout=5,
    ) as connection:
        socket_ = GraphQLSocket(connection)
        if initialise:
            await socket_.initialise(payload)
        yield socket_


async def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until `condition()` holds; fail after `seconds`."""
    for _ in range(int(seconds / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"still not true after {seconds}s")
