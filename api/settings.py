"""Configuration from environment variables, with safe defaults."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from models.config import DEFAULT_DATABASE_URL

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    graphiql: bool = True
    public_read: bool = True

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read `DATABASE_URL` and the `BILATERAL_*` variables."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            log_level=env.get("BILATERAL_LOG_LEVEL", "INFO").upper(),
            graphiql=_flag(env.get("BILATERAL_GRAPHIQL"), default=True),
            public_read=_flag(env.get("BILATERAL_PUBLIC_READ"), default=True),
        )


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
