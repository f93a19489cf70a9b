"""The schema assembled: root types, extensions, exception handlers; its SDL."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLInterfaceType, GraphQLUnionType
from graphql.execution.middleware import MiddlewareManager
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext

from api.core.errors import MaskUnexpectedErrors
from api.core.loaders import Loaders
from api.core.scalars import SCALAR_OVERRIDES
from api.core.user_errors import EXCEPTION_HANDLERS
from api.guards.extension import PaceExpensiveOperations, PreparedDocuments
from api.guards.limits import Limits
from api.guards.parsing import Documents
from api.guards.permissions import AuthorizeMutations
from api.issues.types import Issue
from api.meetings.types import Meeting
from api.positions.types import Position
from api.relationships.types import Relationship
from api.schema.direct_execution import direct_or_full
from api.schema.mutation import Mutation
from api.schema.query import Query
from api.schema.subscription import Subscription
from api.status_updates.types import StatusUpdate


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
    """Strawberry's schema with its one document cache, minus its logging of every
    error at ERROR level."""

    documents: Documents
    _execute: Callable[..., Any] | None = None

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        # Client mistakes are answers, not incidents; MaskUnexpectedErrors logs the
        # unexpected ones once, with the request id.
        return None

    def _get_execute_function(self) -> Callable[..., Any]:
        # Plain queries run directly (api.schema.direct_execution); anything else,
        # or any query that fails, through graphql-core.
        if self._execute is None:
            self._execute = direct_or_full(super()._get_execute_function(), self)
        return self._execute

    def _get_middleware_manager(
        self, extensions: list[SchemaExtension]
    ) -> MiddlewareManager:
        # A field middleware wraps every field an operation resolves, scalars
        # included; only expensive operations are paced, so only they pay for it.
        return MiddlewareManager(
            *(
                extension
                for extension in extensions
                if extension._implements_resolve() and not _needless_pacing(extension)
            )
        )


def _needless_pacing(extension: SchemaExtension) -> bool:
    """Whether a pacing extension's operation is cheap (or priced nowhere)."""
    if not isinstance(extension, PaceExpensiveOperations):
        return False
    return not extension.applies()


@dataclass(frozen=True)
class SchemaOptions:
    """What makes one app's schema differ from another's."""

    limits: Limits = field(default_factory=Limits)
    introspection: bool = True


@lru_cache(maxsize=8)
def build_schema(options: SchemaOptions = SchemaOptions()) -> BilateralSchema:
    """The schema with the limits and introspection switch of `options`."""
    built = BilateralSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        exception_handlers=EXCEPTION_HANDLERS,
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=AcyclicExecution,
        types=[Issue, StatusUpdate, Meeting, Relationship, Position],
        extensions=[
            partial(MaskUnexpectedErrors, hide_suggestions=not options.introspection),
            PreparedDocuments,
            AuthorizeMutations,
            FreshLoaders,
            PaceExpensiveOperations,
        ],
    )
    built.documents = Documents(built._schema, options.limits, options.introspection)
    return built


schema = build_schema()


def schema_sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return schema.as_str() + "\n"


def possible_types() -> dict[str, list[str]]:
    """Every union and interface with the object types it may be, sorted by name.

    Normalising clients (Apollo's `possibleTypes`, urql's graphcache schema) need
    this to match fragments on an abstract type such as `UserError`.
    """
    core = schema._schema
    abstract = [
        named
        for named in core.type_map.values()
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
        and not named.name.startswith("__")
    ]
    return {
        named.name: sorted(t.name for t in core.get_possible_types(named))
        for named in sorted(abstract, key=lambda t: t.name)
    }


def possible_types_json() -> str:
    """possible_types() as indented JSON, one line per type list."""
    return json.dumps(possible_types(), indent=2) + "\n"
