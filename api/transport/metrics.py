"""`GET /metrics`: the Prometheus text format, beside the API or on a port of its own.

Served beside the API by default; with `BILATERAL_METRICS_PORT` it is served on
that port only (by prometheus-client's own small HTTP server, in the process
that starts the workers), so a deployment can keep it off the public address.
The database pool is sampled every `POOL_SAMPLE_SECONDS` in each process, and
again when that process is scraped.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from prometheus_client import start_http_server
from starlette.requests import Request
from starlette.responses import Response

from api.observability import metrics
from api.transport.server import ListenError
from models.database import pool_usage

logger = logging.getLogger("bilateral.metrics")
POOL_SAMPLE_SECONDS = 1.0


async def metrics_endpoint(request: Request) -> Response:
    """Every metric of every worker, in the Prometheus text format."""
    sample_pool()
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)


def sample_pool() -> None:
    """Set the pool gauges from the default connection, when it is open."""
    try:
        usage = pool_usage()
    except Exception:  # no database open in this context (yet)
        return
    if usage is None:
        return
    metrics.POOL_IN_USE.set(usage.in_use)
    metrics.POOL_IDLE.set(usage.idle)
    metrics.POOL_WAITING.set(usage.waiting)


async def sample_pool_forever(seconds: float = POOL_SAMPLE_SECONDS) -> None:
    """Keep this process's pool gauges fresh for whichever process is scraped."""
    while True:
        sample_pool()
        await asyncio.sleep(seconds)


@contextlib.asynccontextmanager
async def pool_sampling() -> AsyncIterator[None]:
    """Sample the pool while the app runs."""
    task = asyncio.create_task(sample_pool_forever(), name="bilateral-pool-sampler")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def serve_apart(host: str, port: int) -> None:
    """Serve `/metrics` on a port of its own, in a thread of this process."""
    try:
        start_http_server(port, host, registry=metrics.registry())
    except OSError as error:
        reason = error.strerror or str(error)
        raise ListenError(f"cannot serve metrics on {host}:{port}: {reason}") from None
    logger.info("Serving metrics at http://%s:%s/metrics", host, port)
