"""Export the tracker's history as NDJSON (see models.portable for the format).

The same data always gives the same bytes: tables in a fixed order, rows by id,
columns in a fixed order, moments in UTC. So an export of an import of an export
is the file itself, byte for byte.
"""

from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

from models.errors import NotFoundError
from models.portable import (
    END_KIND,
    FORMAT,
    HEADER_KIND,
    KINDS,
    LINE_TYPE,
    VERSION,
    Kind,
    to_json,
)
from models.relationship import Relationship

BATCH = 1000
Advance = Callable[[int], None]


def _line(values: dict[str, Any]) -> bytes:
    return orjson.dumps(values) + b"\n"


def header(relationship: str | None) -> bytes:
    """The first line: what the file is, and which relationship it holds (all:
    null)."""
    return _line(
        {
            LINE_TYPE: HEADER_KIND,
            "format": FORMAT,
            "version": VERSION,
            "relationship": relationship,
        }
    )


async def relationship_id_of(slug: str | None) -> int | None:
    """The id of the relationship an export is limited to, or NotFoundError."""
    if slug is None:
        return None
    found = await Relationship.get_or_none(slug=slug)
    if found is None:
        message = f"No relationship has the slug '{slug}'."
        raise NotFoundError("relationship", "Relationship", None, message)
    return int(found.pk)


def _scoped(kind: Kind, relationship_id: int | None) -> Any:
    query = kind.model.all()
    if relationship_id is not None:
        query = query.filter(**{kind.scope: relationship_id})
    return query


async def count_rows(relationship_id: int | None = None) -> int:
    """How many rows an export writes (for its progress)."""
    total = 0
    for kind in KINDS:
        total += await _scoped(kind, relationship_id).count()
    return total


async def _rows(
    kind: Kind, relationship_id: int | None
) -> AsyncIterator[dict[str, Any]]:
    """Every row of a kind by id, a batch at a time (keyset, so each costs the
    same)."""
    after = 0
    while True:
        query = _scoped(kind, relationship_id).filter(id__gt=after)
        batch = await query.order_by("id").limit(BATCH).values(*kind.columns)
        for row in batch:
            yield row
        if len(batch) < BATCH:
            return
        after = batch[-1]["id"]


async def export_lines(
    relationship: str | None = None, advance: Advance = lambda rows: None
) -> AsyncIterator[bytes]:
    """The export, line by line; `advance` is told of each row written."""
    relationship_id = await relationship_id_of(relationship)
    yield header(relationship)
    count = 0
    for kind in KINDS:
        async for row in _rows(kind, relationship_id):
            values = {LINE_TYPE: kind.name}
            values.update({column: to_json(row[column]) for column in kind.columns})
            count += 1
            advance(1)
            yield _line(values)
    yield _line({LINE_TYPE: END_KIND, "rows": count})
