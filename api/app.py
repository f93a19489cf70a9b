"""The Starlette application: `/graphql`, health probes and the database lifespan."""

import gc
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.exceptions import BaseORMException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.context import Services
from api.guards.auth import AuthenticationMiddleware
from api.guards.gate import Gate
from api.guards.persisted import PersistedDocuments
from api.guards.rate_limit import rate_limiter
from api.live.bus import bus_for
from api.live.hub import Hub
from api.observability.logs import configure_logging
from api.schema.build import SchemaOptions, build_schema
from api.settings import Settings
from api.transport.caching import ConditionalGetMiddleware
from api.transport.compression import compressed
from api.transport.endpoint import GraphQLEndpoint
from api.transport.graphql_app import BilateralGraphQL
from api.transport.http import refused_write_response
from api.transport.metrics import metrics_endpoint, pool_sampling
from api.transport.observed import ObservedRequestsMiddleware
from api.transport.replays import ReplayMiddleware, Replays
from api.transport.request_id import RequestIdMiddleware
from api.web.pages import playground_page
from api.web.routes import web_routes
from models.config import tortoise_config
from models.database import connect_now, ping, write_refusal_now
from models.events import Event, Publish, discard

logger = logging.getLogger("bilateral.api")
# Raised outside GraphQL execution, a refused write is answered 503 too.
DATABASE_ERRORS = (BaseORMException, asyncpg.PostgresError, sqlite3.Error)


async def healthz(request: Request) -> JSONResponse:
    """Alive: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready: the database answers and would take a write; 503 otherwise.

    `database` says which: `ok`, `unreachable`, `read-only` or `permission-denied`
    (see `models.database.write_refusal_now` for what the write probe can see: not
    a full disk).
    """
    try:
        await ping()
        refusal = await write_refusal_now()
    except Exception:
        logger.warning(
            "Readiness check failed: the database did not answer", exc_info=True
        )
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    if refusal is not None:
        logger.warning("Readiness check failed: the database is %s", refusal.value)
        body = {"status": "unavailable", "database": refusal.value}
        return JSONResponse(body, 503, {"Retry-After": "30"})
    return JSONResponse({"status": "ok", "database": "ok"})


GC_YOUNG_THRESHOLD = 10_000


def settle_memory() -> None:
    """Keep garbage collection off the request path once the app is built.

    What exists now (modules, the schema, the connection pool) lives as long as
    the process: frozen, a full collection no longer walks it. Collecting the
    young generation less often spares a large answer several pauses, which every
    request waiting behind it would share.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def build_services(settings: Settings, publish: Publish = discard) -> Services:
    """The app's long-lived services: the event bus and its hub, and the gate.

    Events go to the event bus the database calls for, then to `publish` (which
    tests use to watch them).
    """
    bus = bus_for(settings.database_url)

    async def announce(event: Event) -> None:
        await bus.publish(event)
        await publish(event)

    limiter = rate_limiter(settings.rate_limit, settings.database_url)
    return Services(
        publish=announce,
        hub=Hub(bus, settings.event_poll_seconds, settings.token_check_seconds),
        gate=Gate(limiter, settings.heavy_cost, settings.heavy_slots),
        public_read=settings.public_read,
        persisted=PersistedDocuments(settings.trusted_documents),
    )


def create_app(
    settings: Settings, *, manage_database: bool = True, publish: Publish = discard
) -> Starlette:
    """The app; with manage_database it opens and closes the database itself.

    Events go to the event bus, then to `publish` (see build_services).
    """
    services = build_services(settings, publish)
    schema = build_schema(SchemaOptions(settings.limits, settings.introspection))
    view = BilateralGraphQL(settings, services, schema)
    playground = playground_page if settings.graphiql else None
    endpoint = GraphQLEndpoint(settings, schema, view, services.gate, playground)
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/graphql", endpoint),
        WebSocketRoute("/graphql", endpoint),
        *web_routes(settings),
    ]
    if settings.metrics and settings.metrics_port is None:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    app = Starlette(
        routes=routes,
        lifespan=_lifespan(settings, services.hub, manage_database=manage_database),
        exception_handlers=dict.fromkeys(DATABASE_ERRORS, refused_write_response),
    )
    _add_middleware(app, settings)
    replays = Replays(settings.response_cache_entries, settings.response_cache_bytes)
    app.add_middleware(
        ReplayMiddleware,
        replays=replays,
        cache=endpoint.cache,
        charge=endpoint.charge_replay,
        body_limit=settings.limits.body_bytes,
        body_seconds=settings.request_timeout_seconds,
    )
    _add_outer_middleware(app, settings)
    app.state.services = services
    app.state.replays = replays
    return app


def _lifespan(
    settings: Settings, hub: Hub, *, manage_database: bool
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Start and stop the hub; with manage_database, open the database around it."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            try:
                yield
            finally:
                await hub.stop()
            return
        config = tortoise_config(
            settings.database_url, settings.pool_size, settings.statement_timeout_ms
        )
        async with RegisterTortoise(app, config=config), pool_sampling():
            await connect_now()
            await hub.start()
            settle_memory()
            try:
                yield
            finally:
                await hub.stop()

    return lifespan


def _add_middleware(app: Starlette, settings: Settings) -> None:
    """Authentication inside the observation of requests, inside request ids,
    inside compression, inside conditional GETs (which compare the tag of the
    representation as sent). The replay of kept answers goes around them all."""
    app.add_middleware(AuthenticationMiddleware)
    app.add_middleware(ObservedRequestsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(compressed)
    app.add_middleware(ConditionalGetMiddleware)


def _add_outer_middleware(app: Starlette, settings: Settings) -> None:
    """CORS and proxy headers when configured, around everything else."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "X-Request-ID",
                "If-None-Match",
            ],
            expose_headers=[
                "X-Request-ID",
                "ETag",
                "Retry-After",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ],
            max_age=600,
        )
    if settings.trusted_proxies:
        # Outermost, so that every check (rate limit included) sees the client.
        app.add_middleware(
            ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)
        )


def app_from_environment() -> Starlette:
    """The app as configured by the environment: what each worker process runs."""
    settings = Settings.from_environment()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
