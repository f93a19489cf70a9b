"""Where the database is and how Tortoise finds our tables."""

import os
from collections.abc import Mapping
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

DEFAULT_DATABASE_URL = "sqlite://bilateral.sqlite3"
MODEL_MODULES = [
    "models.relationship",
    "models.issue",
    "models.status_update",
    "models.meeting",
    "models.position",
    "models.api_token",
    "models.idempotency",
    "models.feed_entry",
    "models.rate_window",
    "models.data_generation",
]


def database_url_from(env: Mapping[str, str]) -> str:
    """The configured database: `DATABASE_URL`, else a SQLite file in the cwd.

    The one reader of the variable: `api.settings.Settings` checks what it returns,
    and Tortoise's own CLI gets it through `TORTOISE_ORM` below.
    """
    return env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL


def tortoise_config(
    url: str,
    pool_size: int | None = None,
    statement_timeout_ms: int | None = None,
) -> dict[str, Any]:
    """The Tortoise configuration for one database URL.

    On PostgreSQL, `pool_size` sizes the pool and `statement_timeout_ms` cancels any
    statement running longer (0: no limit).
    """
    connection: str | dict[str, Any] = _with_pool(normalise_url(url), pool_size)
    if isinstance(connection, str) and is_postgres(connection):
        connection = expand_db_url(connection)
        credentials = connection["credentials"]
        credentials["reset"] = release_as_is
        if statement_timeout_ms:
            settings = {"statement_timeout": str(statement_timeout_ms)}
            credentials["server_settings"] = settings
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def release_as_is(connection: Any) -> None:
    """Hand a PostgreSQL connection back to the pool without asyncpg's reset query.

    asyncpg ends any open transaction itself; its reset query would also undo
    session settings, session advisory locks and LISTENs, none of which pooled
    connections take here (settings are startup parameters, advisory locks are
    transaction-scoped, the event bus listens on a connection of its own). Without
    it, a statement outside a transaction costs one round trip instead of two.
    """


def normalise_url(url: str) -> str:
    """Accept the usual `postgresql://` spelling as well as Tortoise's `postgres://`."""
    if url.startswith("postgresql://"):
        return "postgres://" + url.removeprefix("postgresql://")
    return url


def is_postgres(url: str) -> bool:
    """Whether a database URL names a PostgreSQL server."""
    return normalise_url(url).startswith("postgres://")


def _with_pool(url: str, pool_size: int | None) -> str:
    """Size the PostgreSQL pool, unless the URL already does."""
    if pool_size is None or not is_postgres(url) or "maxsize=" in url:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}minsize=1&maxsize={pool_size}"


def __getattr__(name: str) -> Any:
    """`TORTOISE_ORM`, which `tortoise makemigrations` reads through
    `[tool.tortoise]` in pyproject.toml; computed only when asked for, so that
    importing models never reads the environment."""
    if name == "TORTOISE_ORM":
        return tortoise_config(database_url_from(os.environ))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
