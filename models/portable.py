"""The tables an export carries, and how their values become JSON and back.

An export is NDJSON: a header line, then one line per row, each table a kind
of line (its `type`), tables in the order of KINDS (a row only refers to rows
above it), rows by id, then an end line with the count of rows. Adding a table
to exports is one entry in KINDS. Rows keep their primary keys, so global ids
(made of the type and the key) name the same objects after an import.

Not exported: API tokens (secrets), idempotency keys (a retry window, not
history), rate-limit windows and the data generation (counters of this database).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model

from models.feed_entry import FeedEntry
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.position import Position
from models.relationship import Relationship
from models.status_update import StatusUpdate

# The key naming what a line is: a kind of row, the header or the end.
LINE_TYPE = "type"
FORMAT = "bilateral-export"
VERSION = 1
HEADER_KIND = "export"
END_KIND = "end"


@dataclass(frozen=True)
class Kind:
    """One table as a kind of line."""

    name: str
    model: type[Model]
    # The filter that keeps the rows of one relationship (by its id).
    scope: str
    # Columns holding the id of a row of another kind.
    references: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> str:
        """The table's name in the database."""
        return str(self.model._meta.db_table)

    @property
    def columns(self) -> list[str]:
        """The table's columns, as its lines' keys, in a fixed order."""
        return list(self.model._meta.fields_db_projection)

    def field_of(self, column: str) -> fields.Field[Any]:
        """The Tortoise field behind a column."""
        found: fields.Field[Any] = self.model._meta.fields_map[column]
        return found


KINDS: tuple[Kind, ...] = (
    Kind("relationship", Relationship, "id"),
    Kind("issue", Issue, "relationship_id", {"relationship_id": "relationship"}),
    Kind(
        "status_update",
        StatusUpdate,
        "issue__relationship_id",
        {"issue_id": "issue"},
    ),
    Kind("meeting", Meeting, "relationship_id", {"relationship_id": "relationship"}),
    Kind(
        "meeting_issue",
        MeetingIssue,
        "meeting__relationship_id",
        {"meeting_id": "meeting", "issue_id": "issue"},
    ),
    Kind("position", Position, "issue__relationship_id", {"issue_id": "issue"}),
    Kind(
        "feed_entry",
        FeedEntry,
        "relationship_id",
        {
            "update_id": "status_update",
            "position_id": "position",
            "issue_id": "issue",
            "relationship_id": "relationship",
        },
    ),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


def to_json(value: Any) -> Any:
    """A column's value as it is written: moments in UTC, ISO 8601."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


class BadValueError(ValueError):
    """A value that the column cannot hold; the message says what it needs."""


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValueError("must be an integer")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValueError("must be true or false")
    return value


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise BadValueError("must be a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValueError("must be a date (YYYY-MM-DD)") from None


def _moment(value: Any) -> datetime:
    wanted = (
        "must be a moment with its offset (ISO 8601, e.g. 2025-01-27T09:30:00+00:00)"
    )
    if not isinstance(value, str):
        raise BadValueError(wanted)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadValueError(wanted) from None
    if moment.tzinfo is None:
        raise BadValueError(wanted)
    return moment


def _json(value: Any) -> Any:
    if not isinstance(value, list | dict):
        raise BadValueError("must be a JSON list or object")
    return value


def _reader(column: fields.Field[Any]) -> Callable[[Any], Any]:
    """How a JSON value is checked and turned into the column's Python value."""
    if isinstance(column, CharEnumFieldInstance):
        enum_type = column.enum_type

        def member(value: Any) -> Any:
            try:
                return enum_type(value)
            except ValueError:
                names = ", ".join(str(m.value) for m in enum_type)
                raise BadValueError(f"must be one of {names}") from None

        return member
    if isinstance(column, fields.CharField | fields.TextField):
        most = getattr(column, "max_length", None)

        def text(value: Any) -> str:
            if not isinstance(value, str):
                raise BadValueError("must be a string")
            if most is not None and len(value) > most:
                raise BadValueError(f"must be at most {most} characters long")
            return value

        return text
    readers: list[tuple[type[Any], Callable[[Any], Any]]] = [
        (fields.BooleanField, _boolean),
        (fields.IntField, _integer),
        (fields.BigIntField, _integer),
        (fields.DatetimeField, _moment),
        (fields.DateField, _day),
        (fields.JSONField, _json),
    ]
    for field_type, reader in readers:
        if isinstance(column, field_type):
            return reader
    raise TypeError(f"no reader for {type(column).__name__}")


def read_value(kind: Kind, column: str, value: Any) -> Any:
    """The Python value of one column of a line, or BadValueError."""
    described = kind.field_of(column)
    if value is None:
        if described.null:
            return None
        raise BadValueError("may not be null")
    return _reader(described)(value)


def db_value(kind: Kind, column: str, value: Any) -> Any:
    """A Python value as the database driver takes it for this column.

    Given the model class rather than a row, Tortoise's fields convert the value
    without stamping `auto_now` moments over the ones being restored.
    """
    return kind.field_of(column).to_db_value(value, kind.model)
