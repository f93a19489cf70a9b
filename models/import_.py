"""Import an export (models.export) into an empty database, exactly as it was.

Rows keep their ids, versions, moments and retractions, so global ids, history,
current statuses and feed positions are those of the exported database. The file
is read twice: first every line is checked (JSON, kind, columns, values, unique
ids, references to rows above it, the end line's count), so a malformed file is
reported with its line number before anything is written; then the rows are
written in one transaction. A database that already holds exactly the file's
data is left as it is; any other that holds data is refused.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.data_generation import bump_generation
from models.database import dialect
from models.errors import NotFoundError
from models.export import export_lines
from models.portable import (
    END_KIND,
    FORMAT,
    HEADER_KIND,
    KINDS,
    KINDS_BY_NAME,
    LINE_TYPE,
    VERSION,
    BadValueError,
    Kind,
    db_value,
    read_value,
)

BATCH = 500
Advance = Callable[[int], None]
_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), MAX(id)) "
    'FROM "{table}" HAVING MAX(id) IS NOT NULL'
)


class ImportFileError(Exception):
    """A line of the file is not what an export holds; nothing was written."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class NotEmptyError(Exception):
    """The database already holds other data; nothing was written."""


@dataclass
class ImportReport:
    """What an import wrote (nothing, when the database already held the file)."""

    rows: dict[str, int] = field(default_factory=dict)
    already_present: bool = False

    @property
    def total(self) -> int:
        """Every row written."""
        return sum(self.rows.values())


@dataclass
class _Checked:
    """What checking the file found: its scope and a digest of its bytes."""

    relationship: str | None
    digest: str
    rows: dict[str, int]


def _lines(path: Path, advance: Advance) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            advance(len(line))
            yield number, line


def _parse(number: int, line: bytes) -> dict[str, Any]:
    try:
        values = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise ImportFileError(number, "not a JSON object") from None
    if not isinstance(values, dict):
        raise ImportFileError(number, "not a JSON object")
    return values


def _check_header(number: int, values: dict[str, Any]) -> str | None:
    if values.get(LINE_TYPE) != HEADER_KIND or values.get("format") != FORMAT:
        raise ImportFileError(number, "not a bilateral export (no export header)")
    if values.get("version") != VERSION:
        raise ImportFileError(
            number, f"export version {values.get('version')!r}; this reads {VERSION}"
        )
    relationship = values.get("relationship")
    if relationship is not None and not isinstance(relationship, str):
        raise ImportFileError(number, "`relationship` must be a slug or null")
    return relationship


def row_of(number: int, kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """A line's columns as Python values, or ImportFileError saying which is wrong."""
    expected = set(kind.columns)
    given = set(values) - {LINE_TYPE}
    if given != expected:
        missing = ", ".join(sorted(expected - given)) or "none"
        unknown = ", ".join(sorted(given - expected)) or "none"
        raise ImportFileError(
            number, f"{kind.name}: missing columns: {missing}; unknown: {unknown}"
        )
    row = {}
    for column in kind.columns:
        try:
            row[column] = read_value(kind, column, values[column])
        except BadValueError as error:
            raise ImportFileError(number, f"{kind.name}: `{column}` {error}") from None
    return row


class _Checker:
    """Checks the lines after the header, one at a time, keeping only ids."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {kind.name: set() for kind in KINDS}
        self.position = 0
        self.ended = False

    def check(self, number: int, values: dict[str, Any]) -> None:
        if self.ended:
            raise ImportFileError(number, "a line after the end line")
        name = values.get(LINE_TYPE)
        if name == END_KIND:
            self._end(number, values)
            return
        kind = KINDS_BY_NAME.get(name) if isinstance(name, str) else None
        if kind is None:
            known = ", ".join(KINDS_BY_NAME)
            raise ImportFileError(number, f"unknown kind {name!r} (known: {known})")
        order = KINDS.index(kind)
        if order < self.position:
            raise ImportFileError(number, f"{kind.name} lines must come before others")
        self.position = order
        self._row(number, kind, row_of(number, kind, values))

    def _row(self, number: int, kind: Kind, row: dict[str, Any]) -> None:
        seen = self.ids[kind.name]
        if row["id"] in seen:
            raise ImportFileError(number, f"{kind.name} {row['id']} appears twice")
        for column, other in kind.references.items():
            if row[column] is not None and row[column] not in self.ids[other]:
                raise ImportFileError(
                    number,
                    f"{kind.name}: `{column}` {row[column]} names no {other} "
                    "above it in the file",
                )
        seen.add(row["id"])

    def _end(self, number: int, values: dict[str, Any]) -> None:
        rows = sum(len(ids) for ids in self.ids.values())
        if values.get("rows") != rows:
            raise ImportFileError(
                number, f"the end line counts {values.get('rows')!r} rows; found {rows}"
            )
        self.ended = True


def check_file(path: Path, advance: Advance = lambda size: None) -> _Checked:
    """Check every line; ImportFileError names the first bad one."""
    digest = hashlib.sha256()
    checker = _Checker()
    relationship: str | None = None
    last = 0
    for number, line in _lines(path, advance):
        digest.update(line)
        last = number
        values = _parse(number, line)
        if number == 1:
            relationship = _check_header(number, values)
        else:
            checker.check(number, values)
    if last == 0:
        raise ImportFileError(1, "the file is empty")
    if not checker.ended:
        raise ImportFileError(last, "the file ends without its end line (cut short?)")
    rows = {name: len(ids) for name, ids in checker.ids.items()}
    return _Checked(relationship, digest.hexdigest(), rows)


async def holds_data() -> bool:
    """Whether any table an export carries has a row."""
    for kind in KINDS:
        if await kind.model.exists():
            return True
    return False


async def _digest_of_export(relationship: str | None) -> str | None:
    """The digest of what exporting this database would write (None: it holds no
    such relationship)."""
    digest = hashlib.sha256()
    try:
        async for line in export_lines(relationship):
            digest.update(line)
    except NotFoundError:
        return None
    return digest.hexdigest()


async def import_file(path: Path, advance: Advance = lambda size: None) -> ImportReport:
    """Check the file, then write it into an empty database in one transaction.

    `advance` is told of the bytes read (the file is read twice). Raises
    ImportFileError for a malformed file, NotEmptyError for a database holding
    other data; a database already holding exactly this file is left alone.
    """
    checked = check_file(path, advance)
    if await holds_data():
        if await _digest_of_export(checked.relationship) == checked.digest:
            return ImportReport(checked.rows, already_present=True)
        raise NotEmptyError(
            "the database already holds data; import restores into an empty "
            "database (create a new one, then run `bilateral import` there)"
        )
    async with in_transaction() as connection:
        await _write(connection, path, advance)
        if dialect() == "postgres":
            for kind in KINDS:
                await connection.execute_query(_SEQUENCE.format(table=kind.table))
        await bump_generation()
    return ImportReport(checked.rows)


def _insert_statement(kind: Kind, postgres: bool) -> str:
    columns = ", ".join(f'"{column}"' for column in kind.columns)
    markers = ", ".join(
        f"${n}" if postgres else "?" for n in range(1, len(kind.columns) + 1)
    )
    return f'INSERT INTO "{kind.table}" ({columns}) VALUES ({markers})'


async def _write(connection: BaseDBAsyncClient, path: Path, advance: Advance) -> None:
    """Insert every row, a batch of one kind at a time, in the file's order."""
    postgres = dialect() == "postgres"
    pending: list[list[Any]] = []
    current: Kind | None = None
    for number, line in _lines(path, advance):
        values = _parse(number, line)
        kind = KINDS_BY_NAME.get(values.get(LINE_TYPE, ""))
        if number == 1 or kind is None:
            continue
        if kind is not current or len(pending) >= BATCH:
            await _flush(connection, current, pending, postgres)
            current, pending = kind, []
        row = row_of(number, kind, values)
        pending.append([db_value(kind, c, row[c]) for c in kind.columns])
    await _flush(connection, current, pending, postgres)


async def _flush(
    connection: BaseDBAsyncClient,
    kind: Kind | None,
    rows: list[list[Any]],
    postgres: bool,
) -> None:
    if kind is not None and rows:
        await connection.execute_many(_insert_statement(kind, postgres), rows)
