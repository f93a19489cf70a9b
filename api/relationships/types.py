"""The Relationship node: two countries and the issues between them."""

from typing import Annotated

import strawberry

import models
from api.context import Context
from api.core.relay import After, Before, Connection, First, Last, Node, global_id
from api.issues.types import Issue, IssueFilterArgument, IssueOrderArgument


@strawberry.type(description="A pair of countries and the issues tracked between them.")
class Relationship(Node):
    pk: strawberry.Private[int]
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
            id=global_id("Relationship", row.pk),
            pk=row.pk,
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

        return await issue_by_slug(self.pk, slug)

    @strawberry.field(
        description="The issues of this relationship; same arguments as `Query.issues` "
        "(its `relationship` filter is ignored here)."
    )
    async def issues(
        self,
        filter: IssueFilterArgument = None,
        order_by: IssueOrderArgument = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Issue]:
        from api.issues.queries import list_issues

        return await list_issues(
            filter, order_by, first, after, last, before, relationship=self.slug
        )


async def load_relationship(context: Context, pk: int) -> Relationship:
    """The relationship a row points at, through the request's loader."""
    row = await context.loaders.relationship_by_id.load(pk)
    assert row is not None  # a foreign key guarantees it
    return Relationship.from_row(row)
