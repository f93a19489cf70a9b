"""Where the database is and how Tortoise finds our tables."""

import os
from typing import Any

DEFAULT_DATABASE_URL = "sqlite://bilateral.sqlite3"
MODEL_MODULES = [
    "models.relationship",
    "models.issue",
    "models.status_update",
    "models.meeting",
    "models.api_token",
    "models.idempotency",
]


def database_url() -> str:
    """The configured database: `DATABASE_URL`, else a SQLite file in the cwd."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def tortoise_config(url: str | None = None) -> dict[str, Any]:
    """The Tortoise configuration for one database URL."""
    return {
        "connections": {"default": normalise_url(url or database_url())},
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


def normalise_url(url: str) -> str:
    """Accept the usual `postgresql://` spelling as well as Tortoise's `postgres://`."""
    if url.startswith("postgresql://"):
        return "postgres://" + url.removeprefix("postgresql://")
    return url


# Read by `tortoise makemigrations` through `[tool.tortoise]` in pyproject.toml.
TORTOISE_ORM = tortoise_config()
