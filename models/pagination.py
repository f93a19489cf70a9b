"""Keyset pagination: pages ordered by (sort key, id), addressed by opaque cursors.

A cursor names the ordering it came from and the last row's key, so a page costs the
same at row 10 and row 1,000,000, and a cursor from another ordering is refused.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any, Generic, NamedTuple, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.database import fetch_rows
from models.hydration import Hydration

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_ROW_ID = 2**31 - 1  # ids are 32-bit integers on every backend

ModelT = TypeVar("ModelT", bound=Model)
Keyset = tuple[Any, int]


class PaginationError(ValueError):
    """Raised for page arguments that cannot be honoured (sizes, cursors)."""


@dataclass(frozen=True, slots=True)
class Ordering:
    """A sort key (a column of the model) and a direction; ties fall to `id`."""

    name: str
    column: str
    descending: bool = False
    kind: type = int

    def encode(self, row: Any) -> str:
        """The cursor pointing at one row in this ordering."""
        value = (
            getattr(row, self.column) if not isinstance(row, dict) else row[self.column]
        )
        row_id = row["id"] if isinstance(row, dict) else row.id
        payload = [self.name, _dump_value(value), row_id]
        text = json.dumps(payload, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> Keyset:
        """The keyset a cursor points at, or PaginationError."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            name, value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
            keyset = (_load_value(value), int(row_id))
        except (ValueError, TypeError, OverflowError, RecursionError, binascii.Error):
            raise PaginationError(f"'{cursor[:64]}' is not a valid cursor.") from None
        if name != self.name:
            raise PaginationError(
                f"'{cursor[:64]}' is not a cursor of this list in its current order."
            )
        if not self._fits(keyset):
            raise PaginationError(f"'{cursor[:64]}' is not a valid cursor.")
        return keyset

    def _fits(self, keyset: Keyset) -> bool:
        """Whether a decoded keyset could have come from this ordering's rows."""
        value, row_id = keyset
        if not 1 <= row_id <= MAX_ROW_ID or not isinstance(value, self.kind):
            return False
        if self.kind is date and isinstance(value, datetime):
            return False
        return not isinstance(value, datetime) or value.tzinfo is not None

    def reversed(self) -> "Ordering":
        """The same ordering the other way round."""
        return Ordering(self.name, self.column, not self.descending, self.kind)


class PageRequest(NamedTuple):
    """Relay page arguments after validation; exactly one of first and last is set.

    A tuple: it keys the loaders' caches, and hashes there in C.
    """

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @classmethod
    def of(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> "PageRequest":
        """Validate sizes; default to the first 20 rows."""
        if first is not None and last is not None:
            raise PaginationError("Pass either `first` or `last`, not both.")
        for name, size in (("first", first), ("last", last)):
            if size is not None and not 0 <= size <= MAX_PAGE_SIZE:
                raise PaginationError(
                    f"`{name}` must be between 0 and {MAX_PAGE_SIZE}; {size} was given."
                )
        if first is None and last is None:
            first = DEFAULT_PAGE_SIZE
        return cls(first, after, last, before)

    @property
    def size(self) -> int:
        """How many rows the page holds at most."""
        return self.first if self.first is not None else self.last or 0

    @property
    def backwards(self) -> bool:
        """Whether the page is counted from its end (`last`)."""
        return self.last is not None


@dataclass(frozen=True)
class Page(Generic[ModelT]):
    """One page of rows with the cursors and neighbours a connection needs."""

    rows: list[ModelT]
    ordering: Ordering
    has_next_page: bool
    has_previous_page: bool

    @cached_property
    def cursors(self) -> list[str]:
        """Each row's cursor, encoded when first asked for: most reads of a
        nested page select its nodes, not its cursors."""
        return [self.ordering.encode(row) for row in self.rows]


def after_keyset(ordering: Ordering, keyset: Keyset, *, inclusive: bool = False) -> Q:
    """Rows strictly after (or at) a keyset in an ordering."""
    value, row_id = keyset
    beyond = "lt" if ordering.descending else "gt"
    id_test = "gte" if inclusive else "gt"
    if ordering.descending:
        id_test = "lte" if inclusive else "lt"
    id_beyond: dict[str, Any] = {f"id__{id_test}": row_id}
    if ordering.column == "id":
        return Q(**id_beyond)
    same_value: dict[str, Any] = {ordering.column: value, **id_beyond}
    return Q(**{f"{ordering.column}__{beyond}": value}) | Q(**same_value)


def before_keyset(ordering: Ordering, keyset: Keyset) -> Q:
    """Rows strictly before a keyset in an ordering."""
    return after_keyset(ordering.reversed(), keyset)


def order_terms(ordering: Ordering, *, reverse: bool = False) -> list[str]:
    """ORDER BY terms for an ordering, tie-broken by id."""
    descending = ordering.descending != reverse
    sign = "-" if descending else ""
    terms = [f"{sign}{ordering.column}", f"{sign}id"]
    return terms[1:] if ordering.column == "id" else terms


async def fetch_page(
    queryset: QuerySet[ModelT], ordering: Ordering, request: PageRequest
) -> Page[ModelT]:
    """One page of a filtered queryset: one query, two when a cursor is given."""
    window = queryset
    if request.after is not None:
        window = window.filter(after_keyset(ordering, ordering.decode(request.after)))
    if request.before is not None:
        window = window.filter(before_keyset(ordering, ordering.decode(request.before)))
    terms = order_terms(ordering, reverse=request.backwards)
    rows = await _hydrated(window.order_by(*terms).limit(request.size + 1))
    has_more = len(rows) > request.size
    rows = rows[: request.size]
    if request.backwards:
        rows.reverse()
    outside = await _has_rows_outside(queryset, ordering, request)
    if request.backwards:
        return Page(rows, ordering, has_next_page=outside, has_previous_page=has_more)
    return Page(rows, ordering, has_next_page=has_more, has_previous_page=outside)


async def _hydrated(queryset: QuerySet[ModelT]) -> list[ModelT]:
    """The queryset's rows, made into instances by `Hydration` (the ORM's own
    conversions, looked up once) rather than by the ORM's keyword call per row."""
    queryset._choose_db_if_not_chosen()
    queryset._make_query()
    sql, values = queryset.query.get_parameterized_sql()
    hydration = Hydration.of(queryset.model)
    return [hydration(row) for row in await fetch_rows(sql, values)]


async def _has_rows_outside(
    queryset: QuerySet[ModelT], ordering: Ordering, request: PageRequest
) -> bool:
    """Whether rows exist on the far side of the cursor the page started from."""
    cursor = request.before if request.backwards else request.after
    if cursor is None:
        return False
    keyset = ordering.decode(cursor)
    if request.backwards:
        return await queryset.filter(
            after_keyset(ordering, keyset, inclusive=True)
        ).exists()
    return await queryset.filter(
        after_keyset(ordering.reversed(), keyset, inclusive=True)
    ).exists()


def _dump_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if hasattr(value, "value"):
        return value.value
    return value


def _load_value(value: Any) -> Any:
    if isinstance(value, dict) and "dt" in value:
        return datetime.fromisoformat(value["dt"])
    if isinstance(value, dict) and "d" in value:
        return date.fromisoformat(value["d"])
    if isinstance(value, (str, int)) or value is None:
        return value
    raise PaginationError("The cursor holds a value of an unknown kind.")
