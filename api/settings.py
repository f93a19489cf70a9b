"""Configuration from environment variables, with safe defaults."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

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
    allowed_origins: tuple[str, ...] = ()
    max_subscriptions: int = 20
    connection_init_seconds: float = 10.0
    event_poll_seconds: float = 5.0
    pool_size: int = 10

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read `DATABASE_URL` and the `BILATERAL_*` variables."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            log_level=env.get("BILATERAL_LOG_LEVEL", "INFO").upper(),
            graphiql=_flag(env.get("BILATERAL_GRAPHIQL"), default=True),
            public_read=_flag(env.get("BILATERAL_PUBLIC_READ"), default=True),
            allowed_origins=_list(env.get("BILATERAL_ALLOWED_ORIGINS")),
            max_subscriptions=_number(env, "BILATERAL_MAX_SUBSCRIPTIONS", 20, int),
            event_poll_seconds=_number(env, "BILATERAL_EVENT_POLL_SECONDS", 5.0, float),
            pool_size=_number(env, "BILATERAL_DB_POOL_SIZE", 10, int),
        )


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


NumberT = TypeVar("NumberT", int, float)


def _number(
    env: Mapping[str, str], name: str, default: NumberT, kind: type[NumberT]
) -> NumberT:
    """A positive number from the environment, or a SettingsError naming it."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = kind(0)
    if not value > 0:
        raise SettingsError(f"{name} must be a positive number; got {raw!r}.")
    return value


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
