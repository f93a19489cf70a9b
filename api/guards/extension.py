"""The limits and the gate as a schema extension, so WebSocket operations obey them.

HTTP requests are checked by api.transport.endpoint before they get here, with the same
functions; the endpoint marks its context `limits_checked`. An operation on a
WebSocket is checked here, each on its own: its token must still be active (one
query, as authenticating an HTTP request costs), its variables safe, its node
figure within the limit, and its price is charged to the same budget as HTTP.
"""

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from functools import cache
from typing import Any, cast

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_named_type,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from api.guards.auth import UNAUTHENTICATED
from api.guards.cost import Price, price_of
from api.guards.gate import Pacer
from api.guards.limits import Limits, is_connection, node_limit_error
from api.guards.permissions import AuthorizationError
from api.guards.safe_text import has_unsafe_variables, unsafe_text_error
from models.tokens import is_active


class EnforceLimits(SchemaExtension):
    """Token and length limits while parsing; the gate before executing.

    Depth and aliases are validation rules (see api.guards.parsing).
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        # graphql-core's parse takes both; Strawberry's type names only the first.
        options = cast(dict[str, Any], self.execution_context.parse_options)
        options["max_tokens"] = self.limits.tokens
        options["max_source_length"] = self.limits.document_chars
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        """Raise, not set a result: subscriptions ignore a result set here, and
        every transport reports an error raised here."""
        context = self.execution_context.context
        if getattr(context, "limits_checked", True):
            yield
            return
        price = self._price()
        if price is None:
            yield
            return
        await _refuse_revoked(context.viewer.name)
        gate, viewer = context.gate, context.viewer
        with gate.slot(price):
            context.charge = await gate.charge(viewer, context.request, price.cost)
            context.price = price
            yield

    def _price(self) -> Price | None:
        context = self.execution_context
        document = context.graphql_document
        operation = (
            get_operation_ast(document, context.operation_name) if document else None
        )
        if document is None or operation is None:
            return None
        if has_unsafe_variables(operation, context.variables):
            raise unsafe_text_error()
        price = price_of(context.schema._schema, document, operation, context.variables)
        if (error := node_limit_error(price.nodes, self.limits)) is not None:
            raise error
        return price


async def _refuse_revoked(name: str | None) -> None:
    """A connection's token may have been revoked since it connected."""
    if name is not None and not await is_active(name):
        raise AuthorizationError(
            UNAUTHENTICATED,
            f"The token '{name}' has been revoked; connect again with an active one.",
        )


class PaceExpensiveOperations(SchemaExtension):
    """Around each list field of an expensive operation, wait for a turn with time
    left: before it resolves and before its items are completed.

    A list's items are completed in one go once it is returned, so a turn holds at
    most one page of an expensive operation beyond its slice; scalar fields pass
    straight through, as do cheap operations. See api.guards.gate.Pacer.
    """

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        context = info.context
        price = getattr(context, "price", None)
        pacer = context.gate.pacer
        if price is None or pacer.running == 0 or not _holds_many(info):
            return _next(root, info, *args, **kwargs)
        if not context.gate.is_expensive(price):
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
