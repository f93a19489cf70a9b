"""What a database failure means, in words an operator or a client can act on.

The drivers raise many kinds of errors, often wrapped by Tortoise; these helpers
look through the wrapping (`args`, `__cause__`, `__context__`) for the one that
says what happened.
"""

import sqlite3
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from models.config import is_postgres


class WriteRefusal(StrEnum):
    """Why the database would not take a write."""

    READ_ONLY = "read-only"
    DISK_FULL = "disk-full"
    PERMISSION_DENIED = "permission-denied"


# PostgreSQL SQLSTATEs: out of space, a read-only transaction (also a standby in
# recovery), a missing privilege.
POSTGRES_REFUSALS = {
    "53100": WriteRefusal.DISK_FULL,  # disk_full
    "25006": WriteRefusal.READ_ONLY,  # read_only_sql_transaction
    "42501": WriteRefusal.PERMISSION_DENIED,  # insufficient_privilege
}
SQLITE_REFUSALS = {
    "SQLITE_READONLY": WriteRefusal.READ_ONLY,
    "SQLITE_FULL": WriteRefusal.DISK_FULL,
    "SQLITE_PERM": WriteRefusal.PERMISSION_DENIED,
}
UNDEFINED_TABLE = "42P01"
INVALID_CATALOG_NAME = "3D000"  # the database does not exist
INVALID_PASSWORD = "28P01"
INVALID_AUTHORIZATION = "28000"

REFUSAL_MESSAGES = {
    WriteRefusal.READ_ONLY: "the database is read-only",
    WriteRefusal.DISK_FULL: "the database is out of space",
    WriteRefusal.PERMISSION_DENIED: "the service may not write to the database",
}


class DatabaseOpenError(Exception):
    """The database cannot be opened, for a reason found before trying."""


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then every exception it wraps or was raised while handling."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [arg for arg in current.args if isinstance(arg, BaseException)]
        linked = [current.__cause__, current.__context__]
        pending.extend([*wrapped, *(e for e in linked if e is not None)])


def write_refusal(error: BaseException) -> WriteRefusal | None:
    """Whether the database refused for lack of space, permission or writability."""
    for cause in causes(error):
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate in POSTGRES_REFUSALS:
            return POSTGRES_REFUSALS[sqlstate]
        if isinstance(cause, sqlite3.Error):
            name = str(getattr(cause, "sqlite_errorname", ""))
            for prefix, refusal in SQLITE_REFUSALS.items():
                if name.startswith(prefix):
                    return refusal
    return None


def refusal_message(refusal: WriteRefusal) -> str:
    """A sentence for a client: what happened, that nothing was written."""
    return (
        f"The service cannot write right now: {REFUSAL_MESSAGES[refusal]}. Nothing "
        "was written; retry later."
    )


def check_sqlite_folder(url: str) -> None:
    """Refuse a SQLite file in a folder that does not exist (SQLite would hang)."""
    if is_postgres(url) or not url.startswith("sqlite://"):
        return
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    if path in ("", ":memory:"):
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise DatabaseOpenError(
            f"the folder {str(folder)!r} of the SQLite database does not exist; "
            "create it, or set DATABASE_URL to a file in an existing folder"
        )


def describe(error: BaseException, url: str) -> str | None:
    """One line saying why a command could not use the database, if we know why."""
    for cause in causes(error):
        if isinstance(cause, DatabaseOpenError):
            return str(cause)
        if (refusal := write_refusal(cause)) is not None:
            return f"{REFUSAL_MESSAGES[refusal]}; nothing was written"
        if (line := _postgres_problem(cause, url)) is not None:
            return line
        if _is_missing_table(cause):
            return "the database has no tables yet; run `bilateral migrate` first"
    return None


def _postgres_problem(cause: BaseException, url: str) -> str | None:
    sqlstate = getattr(cause, "sqlstate", None)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    if sqlstate == INVALID_CATALOG_NAME:
        return (
            f"the PostgreSQL database {name!r} does not exist on {where}; "
            f"create it with `createdb {name}`"
        )
    if sqlstate in (INVALID_PASSWORD, INVALID_AUTHORIZATION):
        return f"PostgreSQL at {where} refused the login: {cause}"
    if isinstance(cause, ConnectionRefusedError):
        return f"cannot connect to PostgreSQL at {where}: is the server running?"
    if isinstance(cause, OSError) and is_postgres(url) and cause.errno is not None:
        return f"cannot connect to PostgreSQL at {where}: {cause.strerror}"
    return None


def _is_missing_table(cause: BaseException) -> bool:
    if getattr(cause, "sqlstate", None) == UNDEFINED_TABLE:
        return True
    return isinstance(cause, sqlite3.OperationalError) and str(cause).startswith(
        "no such table"
    )
