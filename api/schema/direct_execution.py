"""Queries executed directly: the fields of a read, without graphql-core's
per-field machinery.

graphql-core completes every field of every item through several calls, a
resolve-info record and an awaitable check; a board of 50 issues is some 1,300
fields, and that machinery costs more than reading the rows. A query is planned
once per request instead (api.schema.direct_plan), then its values are
completed in plain loops: a field without a resolver is read as an attribute, a
resolver is called exactly as graphql-core calls it, leaves are serialised by
their types. Awaitable results of one round are gathered together, so loaders
batch as they do under graphql-core.

Only success is answered here. Whatever this path does not cover (an abstract
type, introspection, another directive, a non-null field that comes back null)
and any error at all runs the operation again through graphql-core, which gives
the answer its errors, nulls and paths; a query's resolvers read, so running
again changes nothing but the time taken, and the loaders keep what the first
attempt loaded.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    is_leaf_type,
)
from graphql.execution import ExecutionResult
from graphql.execution.values import VariableValues, get_variable_values
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo

from api.schema.direct_plan import NotDirectError, Planned, Planner, Resolvers

Execute = Callable[..., Any]


@dataclass
class Counts:
    """How queries were answered in this process: directly, or by graphql-core."""

    direct: int = 0
    full: int = 0


COUNTS = Counts()


def direct_or_full(full: Execute, strawberry_schema: Any) -> Execute:
    """An execute function that runs a plain query directly and anything else,
    or any query that fails, through `full` (graphql-core's execute).

    `strawberry_schema` lends its configuration, to call resolvers as it would.
    """
    resolvers = Resolvers(strawberry_schema)

    def execute(schema: GraphQLSchema, document: DocumentNode, **options: Any) -> Any:
        operation = _operation(document, options.get("operation_name"))
        if operation is None or operation.operation is not OperationType.QUERY:
            return full(schema, document, **options)
        middleware = options.get("middleware")
        given = options.get("variable_values") or {}
        variables = get_variable_values(
            schema, operation.variable_definitions or (), given
        )
        # Paced (every field wrapped) or refused for its variables: graphql-core.
        if getattr(middleware, "middlewares", None) or not isinstance(
            variables, VariableValues
        ):
            COUNTS.full += 1
            return full(schema, document, **options)
        run = DirectRun(schema, document, operation, variables, options, resolvers)
        return _direct_then_full(run, lambda: full(schema, document, **options))

    return execute


async def _direct_then_full(run: "DirectRun", full: Callable[[], Any]) -> Any:
    try:
        data = await run.data()
    except Exception:  # NotDirectError, or a failure graphql-core reports with its path
        run.abandon()
    else:
        COUNTS.direct += 1
        return ExecutionResult(data=data, errors=None)
    COUNTS.full += 1
    result = full()
    return await result if inspect.isawaitable(result) else result


def _operation(
    document: DocumentNode, name: str | None
) -> OperationDefinitionNode | None:
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    named = [o for o in operations if o.name is not None and o.name.value == name]
    return named[0] if len(named) == 1 else None


@dataclass
class _Pending:
    """A value still awaited, and where its completion goes."""

    awaitable: Awaitable[Any]
    container: Any
    slot: Any
    kind: GraphQLOutputType
    planned: Planned
    path: Path


class DirectRun:
    """One query's plan and its completion."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: VariableValues,
        options: dict[str, Any],
        resolvers: "Resolvers",
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.variables = variables
        self.context = options.get("context_value")
        self.root_value = options.get("root_value")
        self.is_awaitable = options["is_awaitable"]
        self.operation_extensions = options.get("operation_extensions")
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.planner = Planner(schema, self.fragments, variables, resolvers)
        self.pending: list[_Pending] = []

    async def data(self) -> dict[str, Any]:
        """The operation's data, or NotDirectError."""
        root_type = self.schema.query_type
        if root_type is None:
            raise NotDirectError
        planned = self.planner.plan(root_type, [self.operation.selection_set])
        data: dict[str, Any] = {}
        self.fill(data, self.root_value, root_type, planned, None)
        while self.pending:
            await self.settle()
        return data

    def abandon(self) -> None:
        """Let go of the values still pending: coroutines not started are closed."""
        for pending in self.pending:
            if inspect.iscoroutine(pending.awaitable):
                pending.awaitable.close()
        self.pending = []

    async def settle(self) -> None:
        """Await one round of pending values together, then complete them."""
        round_, self.pending = self.pending, []
        values = await asyncio.gather(
            *(pending.awaitable for pending in round_), return_exceptions=True
        )
        for pending, value in zip(round_, values, strict=True):
            if isinstance(value, BaseException):
                raise NotDirectError from value
            pending.container[pending.slot] = self.complete(
                value, pending.kind, pending.planned, pending.path
            )

    def fill(
        self,
        data: dict[str, Any],
        source: Any,
        parent: GraphQLObjectType,
        planned: list[Planned],
        path: Path | None,
    ) -> None:
        """Resolve and complete the planned fields of one object into `data`."""
        for entry in planned:
            definition = entry.definition
            if definition is None:
                data[entry.key] = parent.name
                continue
            if entry.attribute is None:
                here = Path(path, entry.key, parent.name)
                value = self.resolve(source, parent, entry, here)
                if self.is_awaitable(value):
                    data[entry.key] = None
                    pending = _Pending(
                        value, data, entry.key, definition.type, entry, here
                    )
                    self.pending.append(pending)
                else:
                    data[entry.key] = self.complete(value, definition.type, entry, here)
                continue
            value = getattr(source, entry.attribute)
            if entry.serialize is None:
                here = Path(path, entry.key, parent.name)
                data[entry.key] = self.complete(value, definition.type, entry, here)
            elif value is not None:
                data[entry.key] = _serialized(entry.serialize, value)
            elif entry.nullable:
                data[entry.key] = None
            else:
                raise NotDirectError  # graphql-core reports the null

    def resolve(
        self, source: Any, parent: GraphQLObjectType, entry: Planned, path: Path
    ) -> Any:
        definition = entry.definition
        assert definition is not None
        info = _OperationContextAwareGraphQLResolveInfo(
            entry.nodes[0].name.value,
            entry.nodes,
            definition.type,
            parent,
            path,
            self.schema,
            self.fragments,
            self.root_value,
            self.operation,
            self.variables.coerced,
            self.context,
            self.is_awaitable,
            None,
            None,
            self.operation_extensions or {},
        )
        if entry.call is not None:
            return entry.call(source, info)
        resolver = definition.resolve
        if resolver is None:
            raise NotDirectError
        return resolver(source, info, **entry.arguments)

    def complete(
        self, value: Any, kind: GraphQLOutputType, entry: Planned, path: Path
    ) -> Any:
        """A resolved value as the answer holds it."""
        if isinstance(kind, GraphQLNonNull):
            completed = self.complete(value, kind.of_type, entry, path)
            if completed is None:
                raise NotDirectError  # graphql-core reports the null
            return completed
        if value is None:
            return None
        if isinstance(kind, GraphQLList):
            items: list[Any] = []
            for index, item in enumerate(value):
                here = Path(path, index, None)
                if self.is_awaitable(item):
                    items.append(None)
                    self.pending.append(
                        _Pending(item, items, index, kind.of_type, entry, here)
                    )
                else:
                    items.append(self.complete(item, kind.of_type, entry, here))
            return items
        if is_leaf_type(kind):
            return _serialized(kind.serialize, value)
        if not isinstance(kind, GraphQLObjectType):
            raise NotDirectError  # an interface or union: graphql-core resolves it
        planned = entry.children[kind.name]
        data: dict[str, Any] = {}
        self.fill(data, value, kind, planned, path)
        return data


def _serialized(serialize: Callable[[Any], Any], value: Any) -> Any:
    serialized = serialize(value)
    if serialized is None or serialized is Undefined:
        raise NotDirectError  # graphql-core reports a value it cannot serialise
    return serialized
