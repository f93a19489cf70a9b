"""The service's logs: readable text by default, one JSON object a line on demand.

Every module logs through the standard library; structlog's ProcessorFormatter
renders each record, so uvicorn's, Tortoise's and our own lines come out alike.
A JSON line holds `time`, `level`, `logger`, `message` and, for a request, its
`request_id`, `operation_name`, `operation_type`, `duration_ms`, `viewer`,
`status` and, when it failed, `code`. Nothing else about a request is logged: not
its headers (a token), its variables or its document (literals), and tracebacks
never show local variables. SQL statements, which carry values, are not logged
at any level.
"""

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from structlog.typing import EventDict, Processor

FORMATS = ("text", "json")
# Names that could hold a credential or a client's data, dropped from any line.
WITHHELD = frozenset(
    {"authorization", "token", "secret", "password", "variables", "query", "document"}
)
# Tortoise logs each statement with its values at DEBUG.
QUIET_LOGGERS = ("tortoise.db_client", "aiosqlite", "asyncpg")


def _lift_details(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> EventDict:
    """The fields a request's record carries (`extra={"details": {...}}`), as keys."""
    record = event_dict.get("_record")
    details = getattr(record, "details", None)
    if isinstance(details, dict):
        for key, value in details.items():
            if value is not None:
                event_dict.setdefault(key, value)
    return dict(event_dict)


def _withhold(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> EventDict:
    for key in [key for key in event_dict if key.lower() in WITHHELD]:
        del event_dict[key]
    return dict(event_dict)


FIRST_KEYS = ("time", "level", "logger", "message")


def _first_keys_first(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> EventDict:
    """time, level, logger and message lead each JSON line, for people reading it."""
    ordered = {key: event_dict[key] for key in FIRST_KEYS if key in event_dict}
    ordered.update(event_dict)
    return ordered


def _renderer(log_format: str) -> Processor:
    if log_format == "json":
        return structlog.processors.JSONRenderer(sort_keys=False)
    return structlog.dev.ConsoleRenderer(
        colors=False,
        exception_formatter=structlog.dev.plain_traceback,
        pad_event_to=0,
        timestamp_key="time",
        sort_keys=False,
    )


def formatter(log_format: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every line: `text` (the default) or `json`."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        _lift_details,
    ]
    finishing: list[Processor] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        _withhold,
    ]
    if log_format == "json":
        finishing += [
            structlog.processors.format_exc_info,
            structlog.processors.EventRenamer("message"),
            _first_keys_first,
        ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[*finishing, _renderer(log_format)],
    )


def configure_logging(level: str, log_format: str = "text") -> None:
    """Send every record at `level` or above to stderr in `log_format`."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    for previous in list(root.handlers):
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    # uvicorn's loggers pass their records on to ours instead of printing them.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
