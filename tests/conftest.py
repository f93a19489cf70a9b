"""Fixtures: throw-away databases on each backend, the app, and a SQL query counter."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
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
from tests.databases import DatabaseFactory, postgres_server_url

BACKENDS = ["sqlite", "postgres"]


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


def pytest_report_header() -> str:
    server = postgres_server_url()
    if server is None:
        return "database: SQLite (set TEST_DATABASE_URL to run on PostgreSQL instead)"
    return "database: PostgreSQL (TEST_DATABASE_URL)"


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    """A database factory for each backend; PostgreSQL skips without a server."""
    server_url = postgres_server_url()
    if request.param == "postgres" and server_url is None:
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set")
    if request.param == "sqlite" and server_url is not None:
        # Tortoise caches dialect-specific SQL per model: one backend per process.
        pytest.skip("SQLite: this run targets PostgreSQL (TEST_DATABASE_URL is set)")
    if request.param == "sqlite":
        server_url = None
    factory = DatabaseFactory(tmp_path_factory.mktemp(request.param), server_url)
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


@pytest.fixture
def database_url(databases: DatabaseFactory) -> str:
    """A new database with no tables (for migration tests)."""
    return asyncio.run(databases.create("bilateral_blank"))


@pytest.fixture
async def empty_db(
    databases: DatabaseFactory, empty_template: str
) -> AsyncIterator[TortoiseContext]:
    """An open, migrated database with no rows."""
    url = await databases.create("bilateral_test", empty_template)
    async with open_database(url) as context:
        yield context
    await databases.drop(url)


@pytest.fixture
async def seeded_url(
    databases: DatabaseFactory, seeded_template: str
) -> AsyncIterator[str]:
    """The URL of a new seeded database, which the test opens itself."""
    url = await databases.create("bilateral_test", seeded_template)
    yield url
    await databases.drop(url)


@pytest.fixture
async def seeded_db(seeded_url: str) -> AsyncIterator[TortoiseContext]:
    """An open, migrated database holding the seed data."""
    async with open_database(seeded_url) as context:
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
        text = str(record.args[0]) if record.args else str(record.msg)
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
