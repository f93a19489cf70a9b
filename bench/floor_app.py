"""The GraphQL floor: the board's query shape answered by a small Strawberry schema
over Python objects in memory, loaded once from the database. No database, no
loaders, no guards: what executing the board's fields costs, and nothing else.
Like the service, it caches parsed and validated documents and encodes answers
with orjson, so those fixed costs are the same on both sides of the ratio.

Run: DATABASE_URL=... .venv/bin/python -m bench.floor_app --port 8001
(served by uvicorn with the options `bilateral serve` uses).
"""

import argparse
import asyncio
from dataclasses import dataclass
from enum import Enum

import orjson
import strawberry
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

from bench.serving import serve
from models.database import open_database
from models.issue import Issue as IssueRow
from models.partial_date import PartialDate as PartialDateValue
from models.status_update import StatusUpdate as UpdateRow


@strawberry.type
class PartialDate:
    text: str


@strawberry.type
class Source:
    url: str


@strawberry.type
class StatusUpdate:
    status: str
    occurred_on: PartialDate
    note: str
    source: Source | None


@strawberry.type
class StatusUpdateConnection:
    nodes: list[StatusUpdate]


@strawberry.type
class Issue:
    slug: str
    status: str | None
    latest_update: StatusUpdate | None
    history: strawberry.Private[list[StatusUpdate]]

    @strawberry.field
    def updates(self, first: int = 20) -> StatusUpdateConnection:
        return StatusUpdateConnection(nodes=self.history[:first])


@strawberry.type
class IssueConnection:
    nodes: list[Issue]


@strawberry.enum
class IssueOrderField(Enum):
    UPDATED_AT = "UPDATED_AT"


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input
class IssueOrder:
    field: IssueOrderField
    direction: SortDirection


@dataclass
class Board:
    """The unarchived issues, newest `updatedAt` first (ties: highest id)."""

    issues: list[Issue]


def build_schema(board: Board) -> strawberry.Schema:
    """A schema whose `issues` field answers from `board`."""

    @strawberry.type
    class Query:
        @strawberry.field
        def issues(
            self, first: int = 20, order_by: IssueOrder | None = None
        ) -> IssueConnection:
            return IssueConnection(nodes=board.issues[:first])

    return strawberry.Schema(
        query=Query,
        extensions=[
            lambda: ParserCache(maxsize=100),
            lambda: ValidationCache(maxsize=100),
        ],
    )


class FloorGraphQL(GraphQL[None, None]):
    """Strawberry's ASGI app, encoding with orjson as the service does."""

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


async def load_board(url: str) -> Board:
    """Read every unarchived issue and its live history into objects."""
    async with open_database(url):
        rows = await UpdateRow.filter(retracted_at__isnull=True).order_by(
            "occurred_on", "id"
        )
        issues = await IssueRow.filter(archived_at__isnull=True).order_by(
            "-updated_at", "-id"
        )
    histories: dict[int, list[StatusUpdate]] = {}
    for row in rows:
        histories.setdefault(row.issue_id, []).append(_update(row))
    board = []
    for issue in issues:
        history = histories.get(issue.pk, [])
        latest = history[-1] if history else None
        status = None if issue.status is None else str(issue.status)
        board.append(
            Issue(slug=issue.slug, status=status, latest_update=latest, history=history)
        )
    return Board(board)


def _update(row: UpdateRow) -> StatusUpdate:
    text = PartialDateValue(row.occurred_on, row.occurred_precision).text
    source = Source(url=row.source_url) if row.source_url else None
    return StatusUpdate(
        status=str(row.status),
        occurred_on=PartialDate(text=text),
        note=row.note,
        source=source,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    def app(url: str) -> FloorGraphQL:
        board = asyncio.run(load_board(url))
        return FloorGraphQL(build_schema(board), graphql_ide=None)

    serve(app, args.port)


if __name__ == "__main__":
    main()
