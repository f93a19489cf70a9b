"""Configuration from environment variables, with safe defaults."""

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from api.guards.limits import Limits
from api.guards.persisted import ManifestError, read_manifest
from models.config import DEFAULT_DATABASE_URL, database_url_from

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DATABASE_SCHEMES = ("sqlite://", "postgres://", "postgresql://")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
LOG_FORMATS = ("text", "json")
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    graphiql: bool = True
    board: bool = True
    public_read: bool = True
    allowed_origins: tuple[str, ...] = ()
    max_subscriptions: int = 20
    connection_init_seconds: float = 10.0
    event_poll_seconds: float = 5.0
    pool_size: int = 10
    introspection: bool = True
    cors_origins: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    rate_limit: int = 600
    heavy_cost: int = 10
    heavy_slots: int = 1
    token_check_seconds: float = 1.0
    request_timeout_seconds: float = 10.0
    statement_timeout_ms: int = 5_000
    header_timeout_seconds: float = 10.0
    max_connections: int = 1_000
    trusted_proxies: tuple[str, ...] = ()
    response_cache_entries: int = 2_000
    response_cache_bytes: int = 64 * 1024 * 1024
    # The only documents that may run, by SHA-256 (None: any, with APQ).
    trusted_documents: Mapping[str, str] | None = field(default=None, hash=False)
    log_format: str = "text"
    metrics: bool = True
    # None: /metrics on the API's own port; a port: there only, on metrics_host.
    metrics_port: int | None = None
    metrics_host: str = DEFAULT_HOST

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read `DATABASE_URL` and the `BILATERAL_*` variables, once per process.

        Everything else gets what it needs from the Settings; nothing below the
        app reads the environment itself.
        """
        env = os.environ if environ is None else environ
        return cls(
            database_url=_database_url(env),
            log_level=_log_level(env),
            graphiql=_flag(env, "BILATERAL_GRAPHIQL", default=True),
            board=_flag(env, "BILATERAL_BOARD", default=True),
            public_read=_flag(env, "BILATERAL_PUBLIC_READ", default=True),
            allowed_origins=_list(env.get("BILATERAL_ALLOWED_ORIGINS")),
            max_subscriptions=_number(env, "BILATERAL_MAX_SUBSCRIPTIONS", 20, int),
            event_poll_seconds=_number(env, "BILATERAL_EVENT_POLL_SECONDS", 5.0, float),
            pool_size=_number(env, "BILATERAL_DB_POOL_SIZE", 10, int),
            introspection=_flag(env, "BILATERAL_INTROSPECTION", default=True),
            cors_origins=_list(env.get("BILATERAL_CORS_ORIGINS")),
            limits=_limits(env),
            rate_limit=_number(env, "BILATERAL_RATE_LIMIT", 600, int, allow_zero=True),
            heavy_cost=_number(env, "BILATERAL_HEAVY_COST", 10, int),
            heavy_slots=_number(
                env, "BILATERAL_HEAVY_OPERATIONS", 1, int, allow_zero=True
            ),
            token_check_seconds=_number(
                env, "BILATERAL_TOKEN_CHECK_SECONDS", 1.0, float
            ),
            request_timeout_seconds=_number(
                env, "BILATERAL_REQUEST_TIMEOUT_SECONDS", 10.0, float
            ),
            statement_timeout_ms=_number(
                env, "BILATERAL_STATEMENT_TIMEOUT_MS", 5_000, int, allow_zero=True
            ),
            header_timeout_seconds=_number(
                env, "BILATERAL_HEADER_TIMEOUT_SECONDS", 10.0, float
            ),
            max_connections=_number(env, "BILATERAL_MAX_CONNECTIONS", 1_000, int),
            trusted_proxies=_trusted_proxies(env),
            response_cache_entries=_response_cache(env),
            response_cache_bytes=_number(
                env, "BILATERAL_RESPONSE_CACHE_BYTES", 64 * 1024 * 1024, int
            ),
            trusted_documents=_trusted_documents(env),
            log_format=_log_format(env),
            metrics=_flag(env, "BILATERAL_METRICS", default=True),
            metrics_port=_metrics_port(env),
            metrics_host=env.get("BILATERAL_METRICS_HOST", "").strip() or DEFAULT_HOST,
        )


def _limits(env: Mapping[str, str]) -> Limits:
    defaults = Limits()
    return Limits(
        depth=_number(env, "BILATERAL_MAX_DEPTH", defaults.depth, int),
        aliases=_number(env, "BILATERAL_MAX_ALIASES", defaults.aliases, int),
        tokens=_number(env, "BILATERAL_MAX_TOKENS", defaults.tokens, int),
        document_chars=_number(
            env, "BILATERAL_MAX_DOCUMENT_CHARS", defaults.document_chars, int
        ),
        body_bytes=_number(env, "BILATERAL_MAX_BODY_BYTES", defaults.body_bytes, int),
        nodes=_number(env, "BILATERAL_MAX_NODES", defaults.nodes, int),
    )


def _response_cache(env: Mapping[str, str]) -> int:
    """`BILATERAL_RESPONSE_CACHE`: on (2,000 answers), off, or a number of answers."""
    name = "BILATERAL_RESPONSE_CACHE"
    raw = env.get(name, "").strip().lower()
    if raw in TRUE_WORDS - {"1"} or not raw:
        return 2_000
    if raw in FALSE_WORDS:
        return 0
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise SettingsError(
            f"{name} must be on, off or a number of answers to keep; got {raw!r}."
        )
    return value


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


NumberT = TypeVar("NumberT", int, float)


def _number(
    env: Mapping[str, str],
    name: str,
    default: NumberT,
    kind: type[NumberT],
    allow_zero: bool = False,
) -> NumberT:
    """A positive (or zero) number from the environment, or a SettingsError."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = kind(-1)
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        wanted = "a number of 0 or more" if allow_zero else "a positive number"
        raise SettingsError(f"{name} must be {wanted}; got {raw!r}.")
    return value


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    """A boolean from the environment; anything but the usual words is refused."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    raise SettingsError(
        f"{name} must be true or false (also 1/0, yes/no, on/off); got {raw!r}."
    )


def _database_url(env: Mapping[str, str]) -> str:
    url = database_url_from(env)
    if not url.startswith(DATABASE_SCHEMES) or url in DATABASE_SCHEMES:
        raise SettingsError(
            "DATABASE_URL must be sqlite://PATH or postgres://USER@HOST:PORT/NAME; "
            f"got {_shown(url)!r}."
        )
    return url


def _shown(url: str) -> str:
    """A URL fit for an error message: no password, at most 100 characters."""
    scheme, separator, rest = url.partition("://")
    if "@" in rest:
        rest = "…@" + rest.rsplit("@", 1)[1]
    return (scheme + separator + rest)[:100]


def _log_level(env: Mapping[str, str]) -> str:
    level = env.get("BILATERAL_LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        wanted = ", ".join(LOG_LEVELS)
        raise SettingsError(
            f"BILATERAL_LOG_LEVEL must be one of {wanted}; got {level!r}."
        )
    return level


def _log_format(env: Mapping[str, str]) -> str:
    raw = env.get("BILATERAL_LOG_FORMAT", "").strip().lower() or "text"
    if raw not in LOG_FORMATS:
        raise SettingsError(f"BILATERAL_LOG_FORMAT must be text or json; got {raw!r}.")
    return raw


def _metrics_port(env: Mapping[str, str]) -> int | None:
    """A port of its own for `/metrics`, or None to serve it beside the API."""
    raw = env.get("BILATERAL_METRICS_PORT", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 65_535:
        raise SettingsError(
            f"BILATERAL_METRICS_PORT must be a port from 1 to 65535; got {raw!r}."
        )
    return int(raw)


def _trusted_proxies(env: Mapping[str, str]) -> tuple[str, ...]:
    """Addresses or networks (CIDR) whose X-Forwarded-For is believed; `*`: all."""
    proxies = _list(env.get("BILATERAL_TRUSTED_PROXIES"))
    for proxy in proxies:
        if proxy == "*":
            continue
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError(
                "BILATERAL_TRUSTED_PROXIES must list IP addresses or networks "
                f"(e.g. 10.0.0.0/8), comma-separated; got {proxy!r}."
            ) from None
    return proxies


def _trusted_documents(env: Mapping[str, str]) -> dict[str, str] | None:
    """The trusted manifest's documents by hash, every hash checked; None if unset."""
    name = "BILATERAL_TRUSTED_DOCUMENTS"
    path = env.get(name, "").strip()
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise SettingsError(
            f"{name} must name a JSON manifest of trusted documents; cannot read "
            f"{path!r}: {reason}."
        ) from None
    try:
        return read_manifest(text)
    except ManifestError as error:
        raise SettingsError(f"{name}: the manifest {path!r} {error}.") from None
