"""Fixtures of the web face's tests: the app under chosen settings."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings

ClientWith = Callable[[dict[str, str]], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_with(seeded_db: TortoiseContext) -> ClientWith:
    """An HTTP client of the app configured by these environment variables."""

    @asynccontextmanager
    async def client(environ: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(Settings.from_environment(environ), manage_database=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test"
        ) as http:
            yield http

    return client
