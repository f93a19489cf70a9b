"""Queries executed directly: the fields of a read, without graphql-core's
per-field machinery.

graphql-core completes every field of every item through several calls, a
resolve-info record and an awaitable check; a board of 50 issues is some 1,300
fields, and that machinery costs more than reading the rows. A query is planned
here per request instead: each selection set is collected once per object type
(fragments spread, `@skip`/`@include` applied, fields merged by response key)
and each field's arguments are coerced once, not once per item. Then values are
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
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    type_from_ast,
)
from graphql.execution import ExecutionResult
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_variable_values,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments

Execute = Callable[..., Any]
INCLUSION = frozenset({GraphQLSkipDirective.name, GraphQLIncludeDirective.name})
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


class NotDirectError(Exception):
    """The operation needs graphql-core: something here is not covered, or failed."""


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
class Planned:
    """One response key of a selection set: its field, nodes and arguments."""

    key: str
    definition: GraphQLField | None  # None: __typename
    nodes: list[FieldNode]
    arguments: dict[str, Any]
    attribute: str | None  # read as this attribute when the field has no resolver
    # Calls the field's resolver with its arguments converted once, or None to
    # call it through Strawberry's wrapper (permissions, extensions, handlers).
    call: Callable[[Any, Any], Any] | None = None
    # How a leaf read as an attribute is serialised, and whether it may be null.
    serialize: Callable[[Any], Any] | None = None
    nullable: bool = True
    children: dict[str, "list[Planned]"] = field(default_factory=dict)


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
        self.resolvers = resolvers
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
        self.pending: list[_Pending] = []

    async def data(self) -> dict[str, Any]:
        """The operation's data, or NotDirectError."""
        root_type = self.schema.query_type
        if root_type is None:
            raise NotDirectError
        planned = self.plan(root_type, [self.operation.selection_set])
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

    def plan(
        self, parent: GraphQLObjectType, selection_sets: list[SelectionSetNode | None]
    ) -> list[Planned]:
        """The fields of these selection sets on `parent`, merged by response key."""
        grouped: dict[str, list[FieldNode]] = {}
        seen: set[str] = set()
        for selection_set in selection_sets:
            self.collect(parent, selection_set, grouped, seen)
        return [self.planned(parent, key, nodes) for key, nodes in grouped.items()]

    def collect(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode | None,
        grouped: dict[str, list[FieldNode]],
        seen: set[str],
    ) -> None:
        for selection in selection_set.selections if selection_set else ():
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self.applies(selection.type_condition, parent):
                    self.collect(parent, selection.selection_set, grouped, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if getattr(selection, "arguments", None) or fragment is None:
                    raise NotDirectError
                if name in seen or not self.applies(fragment.type_condition, parent):
                    continue
                seen.add(name)
                self.collect(parent, fragment.selection_set, grouped, seen)

    def included(self, node: Any) -> bool:
        """Whether @skip and @include keep this node (other directives: not here)."""
        directives = node.directives or ()
        if any(d.name.value not in INCLUSION for d in directives):
            raise NotDirectError
        for directive in directives:
            definition = (
                GraphQLSkipDirective
                if directive.name.value == GraphQLSkipDirective.name
                else GraphQLIncludeDirective
            )
            condition = get_argument_values(definition, directive, self.variables)
            if condition["if"] == (definition is GraphQLSkipDirective):
                return False
        return True

    def applies(self, condition: Any, parent: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        wanted = type_from_ast(self.schema, condition)
        if wanted is parent:
            return True
        return is_abstract_type(wanted) and self.schema.is_sub_type(wanted, parent)

    def planned(
        self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]
    ) -> Planned:
        name = nodes[0].name.value
        if name == "__typename":
            return Planned(key, None, nodes, {}, None)
        definition = parent.fields.get(name)
        if definition is None:
            raise NotDirectError  # introspection, or not in this type
        arguments = get_argument_values(definition, nodes[0], self.variables)
        planned = Planned(key, definition, nodes, arguments, _attribute(definition))
        if planned.attribute is None:
            planned.call = self.resolvers.direct_call(definition, arguments)
        kind = definition.type
        planned.nullable = not isinstance(kind, GraphQLNonNull)
        named = get_named_type(kind)
        if is_leaf_type(named):
            inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
            if planned.attribute is not None and is_leaf_type(inner):
                planned.serialize = named.serialize  # a lone leaf: read, serialised
        elif isinstance(named, GraphQLObjectType):
            # Planned whole before anything runs: what is not covered is found
            # before a resolver has read anything.
            selections = [node.selection_set for node in nodes]
            planned.children[named.name] = self.plan(named, selections)
        else:
            raise NotDirectError  # an interface or union: graphql-core resolves it
        return planned


class Resolvers:
    """Strawberry's way of calling a resolver, with the arguments of a planned
    field converted once rather than on every call."""

    def __init__(self, strawberry_schema: Any) -> None:
        self.config = strawberry_schema.config
        self.converter = strawberry_schema.schema_converter

    def direct_call(
        self, definition: GraphQLField, arguments: dict[str, Any]
    ) -> Callable[[Any, Any], Any] | None:
        """How to call the field's resolver directly, or None when Strawberry
        must (field extensions, permissions, exception handlers)."""
        field: Any = (definition.extensions or {}).get(BACKREF)
        resolver = getattr(field, "base_resolver", None)
        if resolver is None or field.extensions:
            return None
        if self.converter._get_field_exception_handlers(field):
            return None
        converted = convert_arguments(
            arguments,
            field.arguments,
            scalar_registry=self.converter.scalar_registry,
            config=self.config,
        )
        info_class = self.config.info_class
        takes_self = resolver.self_parameter is not None
        source_names = [
            parameter.name
            for parameter in (resolver.parent_parameter, resolver.root_parameter)
            if parameter is not None
        ]
        info_name = resolver.info_parameter.name if resolver.info_parameter else None

        def call(source: Any, raw_info: Any) -> Any:
            kwargs = dict(converted)
            for name in source_names:
                kwargs[name] = source
            if info_name is not None:
                kwargs[info_name] = info_class(_raw_info=raw_info, _field=field)
            return resolver(source, **kwargs) if takes_self else resolver(**kwargs)

        return call


def _serialized(serialize: Callable[[Any], Any], value: Any) -> Any:
    serialized = serialize(value)
    if serialized is None or serialized is Undefined:
        raise NotDirectError  # graphql-core reports a value it cannot serialise
    return serialized


def _attribute(definition: GraphQLField) -> str | None:
    """The attribute a field reads when Strawberry would read just that: a field
    without a resolver, permissions or extensions (its "basic" resolver)."""
    resolver = definition.resolve
    if getattr(resolver, "__name__", "") != "_get_basic_result":
        return None
    strawberry_field = (definition.extensions or {}).get(BACKREF)
    if getattr(strawberry_field, "default_resolver", getattr) is not getattr:
        return None
    name = getattr(strawberry_field, "python_name", None)
    return name if isinstance(name, str) else None
