"""The GraphQL schema: the root query and the extensions that guard it."""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from api.budget import RateLimit, rate_limit
from api.context import Context
from api.documents import extra_rules
from api.enums import IssueStatus, SortDirection
from api.errors import MaskUnexpectedErrors
from api.guards import EnforceLimits, PaceExpensiveOperations
from api.issues.queries import list_issues
from api.issues.types import Issue, IssueFilterArgument, IssueOrderArgument
from api.limits import Limits
from api.loaders import Loaders
from api.meetings import Meeting, MeetingFilter, list_meetings
from api.mutation import Mutation
from api.nodes import fetch_node, resolve_node
from api.permissions import ADMIN, READ, AuthorizeMutations
from api.relationships import Relationship
from api.relay import (
    After,
    Before,
    Connection,
    First,
    Last,
    NewestFirst,
    Node,
    parse_global_id,
)
from api.subscriptions import Subscription
from api.tokens import ApiToken, Viewer, tokens, viewer
from api.updates import StatusUpdate, StatusUpdateFilter, list_updates
from api.user_errors import EXCEPTION_HANDLERS
from models.queries import status_counts
from models.relationship import Relationship as RelationshipRow

MAX_NODES = 100


@strawberry.type(description="How many issues stand at one status.")
class StatusCount:
    status: IssueStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="How many unarchived issues stand at it.")


@strawberry.type(description="Everything that can be read from the tracker.")
class Query:
    @strawberry.field(
        permission_classes=READ,
        description="Any object by its global id; null if none has it.",
    )
    async def node(
        self,
        info: strawberry.Info[Context],
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await resolve_node(info.context, id)

    @strawberry.field(
        permission_classes=READ,
        description=f"Several objects by global id, in the order given (at most "
        f"{MAX_NODES}); null where an id names nothing.",
    )
    async def nodes(
        self,
        info: strawberry.Info[Context],
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids.")
        ],
    ) -> list[Node | None]:
        from api.errors import BadUserInputError

        if len(ids) > MAX_NODES:
            raise BadUserInputError(
                f"`ids` is limited to {MAX_NODES} ids; {len(ids)} given."
            )
        keys = [parse_global_id(value) for value in ids]  # refuse before any lookup
        return list(await asyncio.gather(*(fetch_node(info.context, *k) for k in keys)))

    @strawberry.field(
        permission_classes=READ, description="Every tracked relationship, by slug."
    )
    async def relationships(self) -> list[Relationship]:
        return [Relationship.from_row(row) for row in await RelationshipRow.all()]

    @strawberry.field(
        permission_classes=READ,
        description="One relationship by its slug, e.g. 'india-china'.",
    )
    async def relationship(
        self,
        slug: Annotated[
            str, strawberry.argument(description="The relationship's slug.")
        ],
    ) -> Relationship | None:
        row = await RelationshipRow.get_or_none(slug=slug)
        return Relationship.from_row(row) if row else None

    @strawberry.field(
        permission_classes=READ,
        description="Issues, filtered and ordered, a page at a time.",
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
        return await list_issues(filter, order_by, first, after, last, before)

    @strawberry.field(
        permission_classes=READ,
        description="The status updates of all issues, newest `occurredOn` first by "
        "default (ties: newest recorded first).",
    )
    async def status_updates(
        self,
        filter: Annotated[
            StatusUpdateFilter | None,
            strawberry.argument(description="Which updates to return."),
        ] = None,
        order: NewestFirst = SortDirection.DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StatusUpdate]:
        return await list_updates(filter, order, first, after, last, before)

    @strawberry.field(
        permission_classes=READ, description="Meetings, newest first by default."
    )
    async def meetings(
        self,
        filter: Annotated[
            MeetingFilter | None,
            strawberry.argument(description="Which meetings to return."),
        ] = None,
        order: NewestFirst = SortDirection.DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Meeting]:
        return await list_meetings(filter, order, first, after, last, before)

    @strawberry.field(
        permission_classes=READ,
        description="How many unarchived issues stand at each status, every status "
        "listed (zero included), today or on `asOf`.",
    )
    async def status_counts(
        self,
        relationship: Annotated[
            str | None,
            strawberry.argument(description="Count only this relationship (its slug)."),
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Count the statuses in effect on this day; issues with no "
                "update by then are not counted."
            ),
        ] = None,
    ) -> list[StatusCount]:
        counts = await status_counts(relationship, as_of)
        return [StatusCount(status=s, count=n) for s, n in counts.items()]

    rate_limit: RateLimit | None = strawberry.field(
        resolver=rate_limit,
        description="What this operation cost and what is left of the client's "
        "budget; null only where the operation was not priced.",
    )
    viewer: Viewer = strawberry.field(
        resolver=viewer,
        description="Who the client is: the token's name and role, or anonymous.",
    )
    tokens: list[ApiToken] = strawberry.field(
        resolver=tokens,
        permission_classes=ADMIN,
        description="Every API token ever issued, oldest first (admins only).",
    )


class FreshLoaders(SchemaExtension):
    """New loaders per operation: a WebSocket shares one context between them."""

    def on_operation(self) -> Iterator[None]:
        loaders = Loaders()
        self.execution_context.context.loaders = loaders
        yield
        loaders.release()


class AcyclicExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's execution context, let go of as soon as it answers.

    The context holds its own helpers as bound methods: a reference cycle that
    kept each operation's context, loaders and collected fields alive until the
    next full garbage collection, which then paused every request in the
    process. Once the answer is built, nothing calls the helpers again.
    """

    def build_response(self, data: dict[str, Any] | None) -> Any:
        response = super().build_response(data)
        self.async_helpers = None  # type: ignore[assignment]
        return response


class BilateralSchema(strawberry.Schema):
    """Strawberry's schema, minus its logging of every error at ERROR level."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        # Client mistakes are answers, not incidents; MaskUnexpectedErrors logs the
        # unexpected ones once, with the request id.
        return None


@dataclass(frozen=True)
class SchemaOptions:
    """What makes one app's schema differ from another's."""

    limits: Limits = field(default_factory=Limits)
    introspection: bool = True


@lru_cache(maxsize=8)
def build_schema(options: SchemaOptions = SchemaOptions()) -> BilateralSchema:
    """The schema with the limits and introspection switch of `options`."""
    return BilateralSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        exception_handlers=EXCEPTION_HANDLERS,
        execution_context_class=AcyclicExecution,
        types=[Issue, StatusUpdate, Meeting, Relationship],
        extensions=[
            partial(MaskUnexpectedErrors, hide_suggestions=not options.introspection),
            ParserCache,
            ValidationCache,
            partial(
                AddValidationRules, extra_rules(options.limits, options.introspection)
            ),
            partial(EnforceLimits, options.limits),
            AuthorizeMutations,
            FreshLoaders,
            PaceExpensiveOperations,
        ],
    )


schema = build_schema()


def schema_sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return schema.as_str() + "\n"
