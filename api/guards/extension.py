"""Schema extensions of the guards: prepared documents and pacing.

Every transport admits an operation through `api.guards.parsing.Documents` before
it runs; `PreparedDocuments` hands Strawberry the document and validation errors
built there, so nothing is parsed or validated twice.
"""

import inspect
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, Protocol

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from api.guards.gate import Pacer
from api.guards.limits import is_connection
from api.guards.parsing import Documents


class HasDocuments(Protocol):
    """A schema that keeps its prepared documents."""

    documents: Documents


class PreparedDocuments(SchemaExtension):
    """Parse and validate through the schema's one document cache.

    One instance per operation: what parsing found is what validation reports.
    """

    errors: list[GraphQLError] | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            schema: HasDocuments = context.schema  # type: ignore[assignment]
            document = schema.documents.prepare(context.query)
            if document.ast is None:
                raise document.errors[0]
            context.graphql_document = document.ast
            self.errors = document.errors
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self.errors is not None and context.pre_execution_errors is None:
            context.pre_execution_errors = self.errors
        yield


class PaceExpensiveOperations(SchemaExtension):
    """Around each list field of an expensive operation, wait for a turn with time
    left: before it resolves and before its items are completed.

    A list's items are completed in one go once it is returned, so a turn holds at
    most one page of an expensive operation beyond its slice; scalar fields pass
    straight through, as do cheap operations. See api.guards.gate.Pacer.
    """

    def applies(self) -> bool:
        """Whether this operation is priced as expensive, so its lists are paced;
        only then is this a middleware of the operation (api.schema.build), so
        a cheap operation's fields resolve without it."""
        context = self.execution_context.context
        price = getattr(context, "price", None)
        return price is not None and bool(context.services.gate.is_expensive(price))

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        pacer = info.context.services.gate.pacer
        if pacer.running == 0 or not _holds_many(info):
            return _next(root, info, *args, **kwargs)
        return _in_turn(pacer, _next, root, info, args, kwargs)


def _holds_many(info: GraphQLResolveInfo[Any]) -> bool:
    """Whether the field returns a list or a connection (a page of a list)."""
    return _returns_many(info.return_type)


@cache
def _returns_many(kind: GraphQLOutputType) -> bool:
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList) or is_connection(get_named_type(kind))


async def _in_turn(
    pacer: Pacer,
    _next: Callable[..., Any],
    root: Any,
    info: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    if pacer.is_spent():
        await pacer.wait_for_turn()
    result = _next(root, info, *args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    if pacer.is_spent():
        await pacer.wait_for_turn()
    return result
