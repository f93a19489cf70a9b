"""Consistent copies of the database while the service runs, and restoring one.

SQLite is copied through its online backup API, page by page: writers may go on
meanwhile, and the copy is of one moment (SQLite starts the copy again when a
write lands during it). PostgreSQL is copied by `pg_dump` (custom format), which
reads one snapshot; `pg_restore` puts it back. A copy is written beside its
destination and renamed into place, so an interrupted backup leaves no half file.
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from tortoise.backends.base.config_generator import expand_db_url

from models.config import is_postgres, normalise_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PAGES_PER_STEP = 256
Advance = Callable[[int, int], None]  # (done, total) in pages; (0, 0): unknown


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def sqlite_path(url: str) -> Path:
    """The file of a `sqlite://PATH` URL."""
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    if path in ("", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(path)


def _fresh(destination: Path, replace: bool) -> Path:
    """Where a copy is written before it is renamed to `destination`."""
    if destination.exists() and not replace:
        raise BackupError(
            f"{str(destination)!r} exists; name a new file, or pass --force to "
            "replace it"
        )
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {str(destination.parent)!r} does not exist")
    return destination.with_name(destination.name + ".partial")


def _copy_sqlite(source: sqlite3.Connection, target: Path, advance: Advance) -> None:
    target.unlink(missing_ok=True)
    with sqlite3.connect(target) as copy:
        source.backup(
            copy,
            pages=PAGES_PER_STEP,
            progress=lambda status, remaining, total: advance(total - remaining, total),
        )
    copy.close()


def backup_sqlite(
    url: str, destination: Path, advance: Advance, replace: bool = False
) -> None:
    """Copy the SQLite database to `destination` while others may write to it."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"there is no SQLite database at {str(source_path)!r}")
    partial = _fresh(destination, replace)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        _copy_sqlite(source, partial, advance)
    finally:
        source.close()
    partial.replace(destination)


def _is_tracker(path: Path) -> bool:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
        found = probe.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'tortoise_migrations'"
        ).fetchone()
    probe.close()
    return found is not None


def restore_sqlite(
    backup: Path, url: str, advance: Advance, replace: bool = False
) -> None:
    """Put a SQLite backup in place of the database (the service stopped)."""
    if not _is_tracker(backup):
        raise BackupError(f"{str(backup)!r} is a SQLite file but not a backup of ours")
    target = sqlite_path(url)
    partial = _fresh(target, replace)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _copy_sqlite(source, partial, advance)
    finally:
        source.close()
    for suffix in ("-journal", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial.replace(target)


def kind_of_file(path: Path) -> str:
    """ "sqlite" or "pg_dump", from the file's first bytes; BackupError otherwise."""
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {str(path)!r}: {error.strerror}") from None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{str(path)!r} is neither a SQLite backup nor a pg_dump archive")


def postgres_environment(url: str) -> dict[str, str]:
    """libpq's variables for the URL, so that no password appears in `ps`."""
    credentials = expand_db_url(normalise_url(url))["credentials"]
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "database": "PGDATABASE",
    }
    found = {
        variable: str(credentials[key])
        for key, variable in names.items()
        if credentials.get(key) not in (None, "")
    }
    return {**os.environ, **found}


def postgres_tool(name: str) -> str:
    """The path of `pg_dump` or `pg_restore`, or BackupError saying what to do."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (e.g. "
            "`apt-get install postgresql-client`) or use your own backup tooling "
            "(see the README's Backups section)"
        )
    return found


def _run(command: list[str], url: str) -> None:
    done = subprocess.run(
        command, env=postgres_environment(url), capture_output=True, text=True
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {reason}")


def backup_postgres(url: str, destination: Path, replace: bool = False) -> None:
    """`pg_dump` of the database into `destination` (custom format, one snapshot)."""
    if not is_postgres(url):
        raise BackupError("not a PostgreSQL database")
    tool = postgres_tool("pg_dump")
    partial = _fresh(destination, replace)
    partial.unlink(missing_ok=True)
    try:
        _run([tool, "--format=custom", "--no-owner", f"--file={partial}"], url)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)


def restore_postgres(backup: Path, url: str) -> None:
    """`pg_restore` of an archive into the database, in one transaction: whatever
    the archive holds replaces what the database holds."""
    tool = postgres_tool("pg_restore")
    command = [
        tool,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname=" + postgres_environment(url)["PGDATABASE"],
        str(backup),
    ]
    _run(command, url)
