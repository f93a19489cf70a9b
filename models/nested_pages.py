"""One page of children for each of many parents, in a single statement.

Lists nested under a list (an issue's updates, an issue's meetings) are paged per
parent with ROW_NUMBER() over a keyset-filtered set, so a page of 50 issues costs
the same number of statements as a page of 5.
"""

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from models.hydration import Hydration
from models.pagination import Keyset, ModelT, Ordering, Page, PageRequest
from models.sql import Statement

YIELD_EVERY_ROWS = 100
ROWS_PER_STATEMENT = 1000


@dataclass(frozen=True, slots=True)
class ChildSource(Generic[ModelT]):
    """Where children live: their model, the FROM clause and the parent column."""

    model: type[ModelT]
    alias: str
    from_sql: str
    parent_column: str
    where_sql: str = ""


async def pages_per_parent(
    source: ChildSource[ModelT],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
) -> dict[int, Page[ModelT]]:
    """A page of children for every parent id (empty pages included).

    One statement per ROWS_PER_STATEMENT rows the pages may hold: a board's pages
    take one, and a statement for thousands of rows does not hold the database
    connection, nor the process while its rows are converted, for long.
    """
    per_statement = max(1, ROWS_PER_STATEMENT // (request.size + 1))
    pages: dict[int, Page[ModelT]] = {}
    for start in range(0, len(parent_ids), per_statement):
        chunk = parent_ids[start : start + per_statement]
        pages.update(await _pages_of(source, chunk, ordering, request))
    return pages


async def _pages_of(
    source: ChildSource[ModelT],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
) -> dict[int, Page[ModelT]]:
    statement = Statement()
    keyset_sql = _keyset_sql(statement, source, ordering, request)
    parents_sql = statement.params(parent_ids)
    limit_sql = statement.param(request.size + 1)
    order = _order_sql(source.alias, ordering, reverse=request.backwards)
    sql = (
        f"SELECT * FROM (SELECT {source.alias}.*, {source.parent_column} AS parent_id, "
        f"ROW_NUMBER() OVER (PARTITION BY {source.parent_column} "
        f"ORDER BY {order}) AS rn "
        f"FROM {source.from_sql} WHERE 1 = 1 {source.where_sql} {keyset_sql} "
        f"AND {source.parent_column} IN ({parents_sql})) ranked "
        f"WHERE rn <= {limit_sql} ORDER BY parent_id, rn"
    )
    grouped: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in await statement.rows(sql):
        grouped[row["parent_id"]].append(row)
    outside = await _parents_with_rows_outside(source, parent_ids, ordering, request)
    pages: dict[int, Page[ModelT]] = {}
    built = 0
    hydration = Hydration.of(source.model)
    for parent in parent_ids:
        rows = grouped[parent]
        pages[parent] = _page(hydration, rows, ordering, request, parent in outside)
        built += len(rows)
        if built >= YIELD_EVERY_ROWS:
            # Building thousands of rows takes a while: let other requests run.
            built = 0
            await asyncio.sleep(0)
    return pages


def _page(
    hydration: Hydration[ModelT],
    rows: list[Mapping[str, Any]],
    ordering: Ordering,
    request: PageRequest,
    has_rows_outside: bool,
) -> Page[ModelT]:
    has_more = len(rows) > request.size
    kept = [hydration(row) for row in rows[: request.size]]
    if request.backwards:
        kept.reverse()
        return Page(kept, ordering, has_rows_outside, has_more)
    return Page(kept, ordering, has_more, has_rows_outside)


def _order_sql(alias: str, ordering: Ordering, *, reverse: bool) -> str:
    direction = "DESC" if ordering.descending != reverse else "ASC"
    terms = [f"{alias}.{ordering.column} {direction}", f"{alias}.id {direction}"]
    return ", ".join(terms[1:] if ordering.column == "id" else terms)


def _keyset_sql(
    statement: Statement,
    source: ChildSource[Any],
    ordering: Ordering,
    request: PageRequest,
) -> str:
    sql = ""
    if request.after is not None:
        sql += _beyond(
            statement, source.alias, ordering, ordering.decode(request.after)
        )
    if request.before is not None:
        keyset = ordering.decode(request.before)
        sql += _beyond(statement, source.alias, ordering.reversed(), keyset)
    return sql


def _beyond(
    statement: Statement,
    alias: str,
    ordering: Ordering,
    keyset: Keyset,
    *,
    inclusive: bool = False,
) -> str:
    value, row_id = keyset
    sign = "<" if ordering.descending else ">"
    id_sign = sign + ("=" if inclusive else "")
    if ordering.column == "id":
        return f" AND {alias}.id {id_sign} {statement.param(row_id)}"
    column = f"{alias}.{ordering.column}"
    return (
        f" AND ({column} {sign} {statement.param(value)} OR ({column} = "
        f"{statement.param(value)} AND {alias}.id {id_sign} {statement.param(row_id)}))"
    )


async def _parents_with_rows_outside(
    source: ChildSource[Any],
    parent_ids: Sequence[int],
    ordering: Ordering,
    request: PageRequest,
) -> set[int]:
    """Parents that have children on the far side of the page's starting cursor."""
    cursor = request.before if request.backwards else request.after
    if cursor is None:
        return set()
    facing = ordering if request.backwards else ordering.reversed()
    statement = Statement()
    beyond = _beyond(
        statement, source.alias, facing, ordering.decode(cursor), inclusive=True
    )
    parents_sql = statement.params(parent_ids)
    sql = (
        f"SELECT DISTINCT {source.parent_column} AS parent_id FROM {source.from_sql} "
        f"WHERE 1 = 1 {source.where_sql} {beyond} "
        f"AND {source.parent_column} IN ({parents_sql})"
    )
    return {row["parent_id"] for row in await statement.fetch(sql)}
