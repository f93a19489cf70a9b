"""Fixtures: throw-away databases on each backend, the app, and a SQL query counter."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings
from models.database import migrate, open_database
from models.enums import TokenRole
from models.events import Event
from models.tokens import create_token
from seeds.loader import load_seeds
from tests.databases import (
    DatabaseFactory,
    postgres_server_url,
    rolled_back,
    run_aside,
)

BACKEND = "postgres" if postgres_server_url() else "sqlite"
BACKEND_MARKS = {"sqlite": "postgres_only", "postgres": "sqlite_only"}


@dataclass
class EventRecorder:
    """A Publish that keeps every event, for asserting what was (not) published."""

    events: list[Event] = field(default_factory=list)

    async def __call__(self, event: Event) -> None:
        self.events.append(event)


@dataclass(frozen=True)
class Tokens:
    """The secrets of one token per role (named reader, editor and admin)."""

    reader: str
    editor: str
    admin: str


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres_only: the test applies to PostgreSQL only"
    )
    config.addinivalue_line("markers", "sqlite_only: the test applies to SQLite only")
    config.addinivalue_line(
        "markers",
        "commits: the test needs a database of its own whose writes commit "
        "(several connections or processes, the event bus, transaction rules)",
    )


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Leave out the tests that do not apply to this run's backend."""
    other = BACKEND_MARKS[BACKEND]
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_report_header() -> str:
    if BACKEND == "sqlite":
        return "database: SQLite (set TEST_DATABASE_URL to run on PostgreSQL instead)"
    return "database: PostgreSQL (TEST_DATABASE_URL)"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    """The database factory of this run's backend.

    Tortoise caches dialect-specific SQL per model, so one process runs one
    backend: SQLite, or PostgreSQL when TEST_DATABASE_URL is set.
    """
    factory = DatabaseFactory(tmp_path_factory.mktemp(BACKEND), postgres_server_url())
    yield factory
    factory.drop_all()


async def _prepare_template(factory: DatabaseFactory, kind: str) -> str:
    url = await factory.create(f"bilateral_{kind}_template")
    await migrate(url)
    if kind == "seeded":
        async with open_database(url):
            await load_seeds()
    return factory.name_of(url)


@pytest.fixture(scope="session")
def empty_template(databases: DatabaseFactory) -> str:
    """A migrated database with no rows, to clone."""
    return asyncio.run(_prepare_template(databases, "empty"))


@pytest.fixture(scope="session")
def seeded_template(databases: DatabaseFactory) -> str:
    """A migrated and seeded database, to clone."""
    return asyncio.run(_prepare_template(databases, "seeded"))


@pytest.fixture(scope="session")
def shared_empty_url(databases: DatabaseFactory, empty_template: str) -> str | None:
    """On PostgreSQL, an empty database that tests share, each in a transaction."""
    if BACKEND != "postgres":
        return None
    return asyncio.run(databases.create("bilateral_shared", empty_template))


@pytest.fixture(scope="session")
def shared_seeded_url(databases: DatabaseFactory, seeded_template: str) -> str | None:
    """On PostgreSQL, a seeded database that tests share, each in a transaction."""
    if BACKEND != "postgres":
        return None
    return asyncio.run(databases.create("bilateral_shared", seeded_template))


@pytest.fixture
def database_url(databases: DatabaseFactory) -> str:
    """A new database with no tables (for migration tests)."""
    return asyncio.run(databases.create("bilateral_blank"))


@pytest.fixture
def empty_url(databases: DatabaseFactory, empty_template: str) -> Iterator[str]:
    """The URL of a new, migrated database with no rows, all its own."""
    url = run_aside(databases.create("bilateral_test", empty_template))
    yield url
    run_aside(databases.drop(url))


@pytest.fixture
def seeded_url(databases: DatabaseFactory, seeded_template: str) -> Iterator[str]:
    """The URL of a new seeded database, all its own, which the test opens itself."""
    url = run_aside(databases.create("bilateral_test", seeded_template))
    yield url
    run_aside(databases.drop(url))


def _rolls_back(request: pytest.FixtureRequest, own_url: str) -> bool:
    """Whether the test may share a database, its writes rolled back at the end.

    On PostgreSQL a test shares a database unless it is marked `commits` or also
    asks for a database of its own (to open it from another process, say).
    """
    return (
        BACKEND == "postgres"
        and request.node.get_closest_marker("commits") is None
        and own_url not in request.fixturenames
    )


@asynccontextmanager
async def _database(
    request: pytest.FixtureRequest, shared_url: str | None, own_url: str
) -> AsyncIterator[TortoiseContext]:
    if shared_url is not None and _rolls_back(request, own_url):
        async with open_database(shared_url) as context, rolled_back(shared_url):
            yield context
        return
    url: str = request.getfixturevalue(own_url)
    async with open_database(url) as context:
        yield context


@pytest.fixture
async def empty_db(
    request: pytest.FixtureRequest, shared_empty_url: str | None
) -> AsyncIterator[TortoiseContext]:
    """An open, migrated database with no rows."""
    async with _database(request, shared_empty_url, "empty_url") as context:
        yield context


@pytest.fixture
async def seeded_db(
    request: pytest.FixtureRequest, shared_seeded_url: str | None
) -> AsyncIterator[TortoiseContext]:
    """An open, migrated database holding the seed data."""
    async with _database(request, shared_seeded_url, "seeded_url") as context:
        yield context


@pytest.fixture
def settings() -> Settings:
    """Default settings for an app under test."""
    return Settings.from_environment({})


@pytest.fixture
def events() -> EventRecorder:
    """A publisher that records what operations publish."""
    return EventRecorder()


@pytest.fixture
async def client(
    seeded_db: TortoiseContext, settings: Settings, events: EventRecorder
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client driving the app in-process over the seeded database."""
    app = create_app(settings, manage_database=False, publish=events)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def tokens(seeded_db: TortoiseContext) -> Tokens:
    """A reader, an editor and an admin token in the seeded database."""
    return Tokens(
        reader=(await create_token("reader", TokenRole.READER, actor="test")).secret,
        editor=(await create_token("editor", TokenRole.EDITOR, actor="test")).secret,
        admin=(await create_token("admin", TokenRole.ADMIN, actor="test")).secret,
    )


class QueryCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends while it is attached."""

    VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        text = str(args[0]) if isinstance(args, tuple) and args else str(record.msg)
        if text.lstrip().upper().startswith(self.VERBS):
            self.statements.append(text)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)


@pytest.fixture
def sql_queries() -> Iterator[QueryCounter]:
    """Attach a statement counter to Tortoise's client logger."""
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    yield counter
    logger.removeHandler(counter)
    logger.setLevel(previous_level)


@pytest.fixture
def seed_path() -> Path:
    """The seed file of the India-China relationship."""
    return Path(__file__).parent.parent / "seeds" / "india_china.json"
