"""Telling a refused write (read-only, full, no privilege) from other failures."""

import sqlite3

import asyncpg
import pytest
from tortoise.exceptions import OperationalError, TransactionManagementError

from models.failures import WriteRefusal, describe, write_refusal


def _wrapped(error: Exception, wrapper: type[Exception]) -> Exception:
    """The error as Tortoise raises it: wrapped, the driver's error as its cause."""
    try:
        raise wrapper(error) from error
    except wrapper as wrapped:
        return wrapped


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (asyncpg.exceptions.DiskFullError("no space"), WriteRefusal.DISK_FULL),
        (
            _wrapped(
                asyncpg.exceptions.ReadOnlySQLTransactionError("read-only"),
                TransactionManagementError,
            ),
            WriteRefusal.READ_ONLY,
        ),
        (
            _wrapped(
                asyncpg.exceptions.InsufficientPrivilegeError("denied"),
                OperationalError,
            ),
            WriteRefusal.PERMISSION_DENIED,
        ),
        (asyncpg.exceptions.UniqueViolationError("duplicate"), None),
        (asyncpg.exceptions.QueryCanceledError("timeout"), None),
        (RuntimeError("a bug"), None),
    ],
)
def test_postgresql_refusals_are_known_by_sqlstate(
    error: Exception, expected: WriteRefusal | None
) -> None:
    assert write_refusal(error) == expected


def test_sqlite_refusals_are_known_by_error_name() -> None:
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.execute("PRAGMA query_only = 1")
        with pytest.raises(sqlite3.OperationalError) as refused:
            connection.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.OperationalError) as missing:
            connection.execute("SELECT * FROM nowhere")

    assert write_refusal(_wrapped(refused.value, OperationalError)) == (
        WriteRefusal.READ_ONLY
    )
    assert write_refusal(missing.value) is None


def test_a_refusal_is_described_for_the_command_line() -> None:
    error = _wrapped(asyncpg.exceptions.ReadOnlySQLTransactionError("x"), Exception)

    assert describe(error, "postgres://u@h/db") == (
        "the database is read-only; nothing was written"
    )
