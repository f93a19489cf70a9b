"""A real server built exactly as `bilateral serve` builds it, on a free port."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from starlette.applications import Starlette

from api.settings import Settings
from api.transport.server import Server, listen, server_config


@asynccontextmanager
async def served(settings: Settings, app: Starlette) -> AsyncIterator[str]:
    """Serve `app` on this event loop with the options `serve` uses; its base URL."""
    quiet = replace(settings, log_level="WARNING")
    config = server_config(quiet, app, "127.0.0.1", 0)
    # A test that fails with a request still open fails, instead of hanging.
    config.timeout_graceful_shutdown = 2
    sock = listen(config)
    server = Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
