"""The service's metrics, in the Prometheus text format (prometheus-client).

Every process records into the client's default registry. Under `serve --workers
N` each worker writes its values to files in `PROMETHEUS_MULTIPROC_DIR` (the
client's multiprocess mode, set up by the command line before any worker starts),
and whichever process is scraped reads every worker's files: one coherent set.
Gauges of things that live in a process (connections, subscriptions, the pool)
add up the processes alive.

Label values are bounded: operation names are those of admitted documents only,
at most `OPERATION_NAMES` of them per process, each at most `NAME_LENGTH`
characters; any other name is counted as `other`.
"""

import os
import re
import threading
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
OPERATION_NAMES = 200
NAME_LENGTH = 64
ANONYMOUS = "anonymous"
UNKNOWN = "unknown"
OTHER = "other"
# From a cache hit (a millisecond) to the request timeout (10 s).
LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
)
_GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")

REQUESTS = Counter(
    "bilateral_requests",
    "GraphQL operations answered, by operation name, type and outcome (ok, "
    "user_error, limited, rate_limited, unavailable, internal_error).",
    ["operation", "type", "outcome", "transport"],
)
LATENCY = Histogram(
    "bilateral_request_duration_seconds",
    "Time to answer a query or mutation, by operation type.",
    ["type"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter(
    "bilateral_graphql_errors",
    "Top-level GraphQL errors sent, by extensions.code.",
    ["code"],
)
USER_ERRORS = Counter(
    "bilateral_user_errors",
    "Mutation refusals returned as UserError members of a result union, by code.",
    ["code"],
)
RATE_LIMITED = Counter(
    "bilateral_rate_limit_refusals",
    "Operations refused because their client's budget could not pay for them.",
)
WEBSOCKETS = Gauge(
    "bilateral_websocket_connections",
    "WebSocket connections open.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS = Gauge(
    "bilateral_subscriptions",
    "Live subscription streams open.",
    multiprocess_mode="livesum",
)
EVENTS_DELIVERED = Counter(
    "bilateral_events_delivered",
    "Feed events handed to subscription streams.",
)
EVENTS_DROPPED = Counter(
    "bilateral_events_dropped",
    "Queued events a slow subscriber dropped (it then reads them from the table).",
)
CACHE_LOOKUPS = Counter(
    "bilateral_response_cache_lookups",
    "Response cache look-ups, by result (hit, miss).",
    ["result"],
)
POOL_IN_USE = Gauge(
    "bilateral_db_pool_in_use",
    "Database connections lent out to requests (SQLite: its one connection).",
    multiprocess_mode="livesum",
)
POOL_IDLE = Gauge(
    "bilateral_db_pool_idle",
    "Database connections open and waiting for work.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "bilateral_db_pool_waiting",
    "Requests waiting for a database connection.",
    multiprocess_mode="livesum",
)


class OperationNames:
    """The operation names this process counts under their own label."""

    def __init__(self, most: int = OPERATION_NAMES) -> None:
        self.most = most
        self.names: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        """The label for an admitted operation's name: itself, or `other`."""
        if name is None:
            return ANONYMOUS
        if len(name) > NAME_LENGTH or not _GRAPHQL_NAME.match(name):
            return OTHER
        with self._lock:
            if name in self.names:
                return name
            if len(self.names) >= self.most:
                return OTHER
            self.names.add(name)
        return name


operation_names = OperationNames()


_CHILDREN: dict[tuple[int, tuple[object, ...]], Any] = {}


def labelled(metric: MetricWrapperBase, *values: object) -> Any:
    """`metric.labels(*values)`, looked up once per metric and values: the
    client validates and converts the values on every call, on every request.
    The values are bounded (see above), and so is what this keeps."""
    key = (id(metric), values)
    found = _CHILDREN.get(key)
    if found is None:
        found = _CHILDREN[key] = metric.labels(*values)
    return found


def is_multiprocess() -> bool:
    """Whether this process writes its values for others to read."""
    return bool(os.environ.get(MULTIPROCESS_VARIABLE))


def exposition() -> bytes:
    """Every metric in the text format: this process's, or all the workers'."""
    return generate_latest(registry())


def registry() -> CollectorRegistry:
    """What a scrape reads: this process's registry, or every worker's files."""
    if not is_multiprocess():
        return REGISTRY
    shared = CollectorRegistry()
    MultiProcessCollector(shared)  # type: ignore[no-untyped-call]
    return shared
