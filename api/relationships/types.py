"""The Relationship node: two countries and the issues between them."""

from datetime import date
from typing import Annotated

import strawberry

import models
from api.context import Context
from api.core.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    NewestFirstOr,
    Node,
)
from api.issues.spans import StatusStanding
from api.issues.types import Issue, IssueFilterArgument, IssueOrderArgument
from api.positions.types import Position, PositionFilter, PositionOrderArgument
from models.status_spans import standings, today


@strawberry.type(description="A pair of countries and the issues tracked between them.")
class Relationship(Node):
    row: strawberry.Private[models.Relationship]
    slug: str = strawberry.field(
        description="The URL-friendly name, e.g. 'india-china'."
    )
    name: str = strawberry.field(description="The display name, e.g. 'India-China'.")
    countries: list[str] = strawberry.field(
        description="The two countries, as ISO 3166-1 alpha-2 codes."
    )

    @classmethod
    def from_row(cls, row: models.Relationship) -> "Relationship":
        """Expose one stored relationship."""
        return cls(
            row=row,
            slug=row.slug,
            name=row.name,
            countries=list(row.countries),
        )

    @strawberry.field(description="One issue of this relationship by its slug.")
    async def issue(
        self,
        slug: Annotated[str, strawberry.argument(description="The issue's slug.")],
    ) -> Issue | None:
        from api.issues.queries import issue_by_slug

        return await issue_by_slug(self.row.pk, slug)

    @strawberry.field(
        description="The issues of this relationship; same arguments as `Query.issues` "
        "(its `relationship` filter is ignored here)."
    )
    async def issues(
        self,
        info: strawberry.Info[Context],
        filter: IssueFilterArgument = None,
        order_by: IssueOrderArgument = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Issue]:
        from api.issues.prefetch import prefetched
        from api.issues.queries import list_issues

        issues = await list_issues(
            filter, order_by, first, after, last, before, relationship=self.slug
        )
        return await prefetched(info, issues)

    @strawberry.field(
        description="What each side has said on this relationship's issues, newest "
        "`statedOn` first by default; same arguments as `Query.positions` (its "
        "`relationship` filter is ignored here)."
    )
    async def positions(
        self,
        filter: Annotated[
            PositionFilter | None,
            strawberry.argument(description="Which positions to return."),
        ] = None,
        order_by: PositionOrderArgument = None,
        order: NewestFirstOr = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Position]:
        from api.positions.queries import list_positions

        given = filter or PositionFilter()
        given.relationship = self.slug
        return await list_positions(given, order, order_by, first, after, last, before)

    @strawberry.field(
        description="How long each unarchived issue of this relationship has stood "
        "at its current status, longest first (ties: by slug); issues with no "
        "update yet are left out."
    )
    async def status_standings(
        self,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Time travel: the standings as they were on this day."
            ),
        ] = None,
    ) -> list[StatusStanding]:
        found = await standings(self.slug, today(), as_of=as_of)
        return [StatusStanding.of(standing) for standing in found]


async def load_relationship(context: Context, pk: int) -> Relationship:
    """The relationship a row points at, through the request's loader."""
    row = await context.loaders.relationship_by_id.load(pk)
    assert row is not None  # a foreign key guarantees it
    return Relationship.from_row(row)
