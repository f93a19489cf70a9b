"""One operation observed: who ran what, how it ended, how long it took.

The transport opens an Observation per GraphQL request (or WebSocket operation)
and fills in what it learns: the operation once its document is admitted, the
codes of the errors it answers with. Resolvers' exception handlers add the codes
of the user errors a mutation returns through `note_user_error`, which finds the
observation of the running operation in a context variable. `finish` records the
metrics and writes the one log line of the request.
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from api.observability import metrics

logger = logging.getLogger("bilateral.request")


class Outcome(StrEnum):
    """How an operation ended, for the requests counter."""

    OK = "ok"
    USER_ERROR = "user_error"
    LIMITED = "limited"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    INTERNAL_ERROR = "internal_error"


# The worst outcome wins: a request with an internal error is counted as one.
SEVERITY = list(Outcome)
LIMIT_CODES = frozenset({"LIMIT_EXCEEDED", "TIMEOUT"})


def outcome_of_code(code: str, reason: str | None = None) -> Outcome:
    """The outcome an error code stands for."""
    if code == "INTERNAL_SERVER_ERROR":
        return Outcome.INTERNAL_ERROR
    if code == "RATE_LIMITED":
        return Outcome.RATE_LIMITED
    if code in LIMIT_CODES or (code == "SERVICE_UNAVAILABLE" and reason == "busy"):
        return Outcome.LIMITED
    if code == "SERVICE_UNAVAILABLE":
        return Outcome.UNAVAILABLE
    return Outcome.USER_ERROR


def outcome_of_status(status: int) -> Outcome:
    """The outcome of an answer that carried no GraphQL error (e.g. a 401)."""
    if status == 429:
        return Outcome.RATE_LIMITED
    if status >= 500:
        return Outcome.INTERNAL_ERROR
    if status >= 400:
        return Outcome.USER_ERROR
    return Outcome.OK


@dataclass
class Observation:
    """What one operation did, filled in as the transport learns it."""

    request_id: str
    transport: str = "http"
    operation: str | None = None
    kind: str | None = None
    viewer: str | None = None
    codes: list[str] = field(default_factory=list)
    user_error_codes: list[str] = field(default_factory=list)
    outcome: Outcome = Outcome.OK
    started: float = field(default_factory=time.perf_counter)
    finished: bool = False

    def admit(self, operation: str | None, kind: str) -> None:
        """The admitted operation's name (None when it has none) and type."""
        self.operation = metrics.operation_names.label(operation)
        self.kind = kind

    def error(self, code: str, reason: str | None = None) -> None:
        """The operation answers with a top-level error of this code."""
        self.codes.append(code)
        self._worsen(outcome_of_code(code, reason))

    def errors(self, formatted: object) -> None:
        """The top-level errors of an answer, as sent (a list of JSON objects)."""
        if not isinstance(formatted, list):
            return
        for error in formatted:
            extensions = error.get("extensions") if isinstance(error, dict) else None
            found = extensions if isinstance(extensions, dict) else {}
            reason = found.get("reason")
            self.error(
                str(found.get("code", "UNKNOWN")),
                reason if isinstance(reason, str) else None,
            )

    def user_error(self, code: str) -> None:
        """A mutation returned a UserError member with this code."""
        self.user_error_codes.append(code)
        self._worsen(Outcome.USER_ERROR)

    def _worsen(self, outcome: Outcome) -> None:
        if SEVERITY.index(outcome) > SEVERITY.index(self.outcome):
            self.outcome = outcome

    def finish(self, status: int | None = None) -> None:
        """Record the metrics and the log line, once."""
        if self.finished:
            return
        self.finished = True
        if status is not None and not self.codes:
            self._worsen(outcome_of_status(status))
        seconds = time.perf_counter() - self.started
        self._count(seconds)
        self._log(status, seconds)

    def _count(self, seconds: float) -> None:
        kind = self.kind or metrics.UNKNOWN
        operation = self.operation or metrics.UNKNOWN
        metrics.labelled(
            metrics.REQUESTS, operation, kind, self.outcome, self.transport
        ).inc()
        if kind in ("query", "mutation"):
            metrics.labelled(metrics.LATENCY, kind).observe(seconds)
        for code in self.codes:
            metrics.labelled(metrics.ERRORS, code).inc()
        for code in self.user_error_codes:
            metrics.labelled(metrics.USER_ERRORS, code).inc()

    def _log(self, status: int | None, seconds: float) -> None:
        level = (
            logging.ERROR if self.outcome is Outcome.INTERNAL_ERROR else logging.INFO
        )
        if not logger.isEnabledFor(level):
            return
        details: dict[str, object] = {
            "request_id": self.request_id,
            "transport": self.transport,
            "operation_name": self.operation,
            "operation_type": self.kind,
            "duration_ms": round(seconds * 1000, 3),
            "viewer": self.viewer,
            "status": status,
            "outcome": self.outcome.value,
        }
        if self.codes or self.user_error_codes:
            details["code"] = (self.codes or self.user_error_codes)[0]
        logger.log(level, "graphql request", extra={"details": details})


current: ContextVar[Observation | None] = ContextVar("observation", default=None)


def note_user_error(code: str) -> None:
    """Count a user error returned by the running operation, if it is observed."""
    observation = current.get()
    if observation is not None:
        observation.user_error(code)
