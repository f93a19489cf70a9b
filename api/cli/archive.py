"""`bilateral export`, `import`, `backup` and `restore`: moving and keeping the data.

Export and import speak NDJSON (models.portable), portable between SQLite and
PostgreSQL; backup and restore copy the database as it is (models.backup).
"""

import argparse
import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from api.cli.progress import fraction_progress, progress
from models.backup import (
    BackupError,
    backup_postgres,
    backup_sqlite,
    kind_of_file,
    restore_postgres,
    restore_sqlite,
)
from models.config import is_postgres
from models.database import fetch_all, migrate, open_database
from models.errors import NotFoundError
from models.export import count_rows, export_lines, relationship_id_of
from models.import_ import ImportFileError, NotEmptyError, holds_data, import_file


class CommandError(Exception):
    """A command that cannot do its work; its message is the one line shown."""


def add_archive_commands(
    commands: "argparse._SubParsersAction[Any]", variables: str
) -> None:
    """The four commands' arguments."""
    epilog = f"Environment variables read: {variables}."
    export = commands.add_parser(
        "export",
        help="write the data as NDJSON (no tokens or secrets)",
        description="Write every relationship, issue, status update (retracted "
        "ones too), meeting, link, position and feed entry as NDJSON, one row a "
        "line, ids kept. The same data always gives the same bytes.",
        epilog=epilog,
    )
    export.add_argument("--relationship", metavar="SLUG", help="only this one")
    export.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="default: stdout"
    )
    imported = commands.add_parser(
        "import",
        help="restore an export into an empty database",
        description="Check every line of an export, then write it into an empty "
        "database in one transaction (migrating it first). A database already "
        "holding exactly this export is left as it is; any other holding data is "
        "refused, as is a malformed file, and nothing is written.",
        epilog=epilog,
    )
    imported.add_argument("file", type=Path, metavar="FILE")
    backup = commands.add_parser(
        "backup",
        help="copy the database consistently, also while it serves",
        description="SQLite: a copy through the online backup API. PostgreSQL: "
        "pg_dump's custom format (pg_dump must be on PATH).",
        epilog=epilog,
    )
    backup.add_argument("path", type=Path, metavar="PATH")
    backup.add_argument(
        "--force", action="store_true", help="replace PATH if it exists"
    )
    restore = commands.add_parser(
        "restore",
        help="put a backup back in place of the database (service stopped)",
        description="Replace the database by a backup made by `bilateral backup`, "
        "then apply pending migrations. Stop the service first.",
        epilog=epilog,
    )
    restore.add_argument("path", type=Path, metavar="PATH")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that holds data"
    )


def archive_command(args: argparse.Namespace, url: str) -> int:
    """Run one of the four commands; a CommandError is its one line."""
    try:
        if args.command == "export":
            summary = asyncio.run(_export(url, args.relationship, args.output))
            print(summary, file=sys.stdout if args.output else sys.stderr)
        elif args.command == "import":
            size = _size_of(args.file)
            print(asyncio.run(_import(url, args.file, size)))
        elif args.command == "backup":
            print(_backup(url, args.path, args.force))
        else:
            print(_restore(url, args.path, args.force))
    except (BackupError, CommandError) as error:
        print(f"bilateral: {error}", file=sys.stderr)
        return 1
    return 0


@contextmanager
def _output(path: Path | None) -> Iterator[IO[bytes]]:
    """stdout, or a file written beside `path` and renamed once complete."""
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as file:
            yield file
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"cannot write {str(path)!r}: {error.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


async def _export(url: str, relationship: str | None, path: Path | None) -> str:
    async with open_database(url):
        try:
            total = await count_rows(await relationship_id_of(relationship))
        except NotFoundError as error:
            raise CommandError(f"export refused: {error.message}") from None
        with progress("export", total) as advance, _output(path) as file:
            async for line in export_lines(relationship, advance):
                file.write(line)
    return f"exported {total} rows to {path or 'stdout'}"


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as error:
        raise CommandError(f"cannot read {str(path)!r}: {error.strerror}") from None


async def _import(url: str, path: Path, size: int) -> str:
    await migrate(url)
    async with open_database(url):
        try:
            with progress("import", 2 * size) as advance:
                report = await import_file(path, advance)
        except ImportFileError as error:
            raise CommandError(
                f"import refused: {path} {error}; nothing was written"
            ) from None
        except NotEmptyError as error:
            raise CommandError(
                f"import refused: {error}; nothing was written"
            ) from None
    if report.already_present:
        return f"the database already holds exactly {path}; nothing was written"
    counts = ", ".join(f"{name} {count}" for name, count in report.rows.items())
    return f"imported {report.total} rows ({counts})"


def _backup(url: str, path: Path, replace: bool) -> str:
    if is_postgres(url):
        with progress("backup (pg_dump)"):
            backup_postgres(url, path, replace)
    else:
        with fraction_progress("backup") as advance:
            backup_sqlite(url, path, advance, replace)
    return f"backed up to {path}"


def _restore(url: str, path: Path, replace: bool) -> str:
    kind = kind_of_file(path)
    if (kind == "pg_dump") != is_postgres(url):
        database = "PostgreSQL" if is_postgres(url) else "SQLite"
        raise CommandError(
            f"{str(path)!r} is a {kind} backup but DATABASE_URL names a {database} "
            "database; export and import move data between the two"
        )
    if kind == "pg_dump":
        if not replace and asyncio.run(_postgres_holds_data(url)):
            raise CommandError(
                "the database holds data; stop the service and pass --force to "
                "replace it with the backup"
            )
        with progress("restore (pg_restore)"):
            restore_postgres(path, url)
    else:
        with fraction_progress("restore") as advance:
            restore_sqlite(path, url, advance, replace)
    asyncio.run(migrate(url))
    return f"restored {path}; migrations applied"


async def _postgres_holds_data(url: str) -> bool:
    async with open_database(url):
        found = await fetch_all("SELECT to_regclass('public.issue') AS name")
        return found[0]["name"] is not None and await holds_data()
