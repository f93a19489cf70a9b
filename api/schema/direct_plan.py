"""Planning a query for direct execution (api.schema.direct_execution).

Each selection set is collected once per object type, as graphql-core collects
it for every object: fragments spread (each name once), `@skip`/`@include`
applied, fields merged by response key. Each field's arguments are coerced once,
and a plain resolver's converted once, not on every item. The whole document is
planned before anything runs, so what direct execution does not cover (an
interface or a union, introspection, another directive) is found before any
resolver has read anything.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    type_from_ast,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.schema.schema_converter import (
    CustomGraphQLEnumType,
    GraphQLCoreConverter,
)
from strawberry.types.arguments import convert_arguments

INCLUSION = frozenset({GraphQLSkipDirective.name, GraphQLIncludeDirective.name})
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


class NotDirectError(Exception):
    """The operation needs graphql-core: something here is not covered, or failed."""


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


class Planner:
    """Plans the selection sets of one operation, with its fragments and variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
        resolvers: "Resolvers",
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.resolvers = resolvers

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
                planned.serialize = serializer(named)  # a lone leaf: read, serialised
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
        # Whether each field (hashed by identity) has exception handlers:
        # Strawberry resolves the field's lazy types to tell, touching the file
        # system; asked once.
        self._handled: dict[Any, bool] = {}

    def direct_call(
        self, definition: GraphQLField, arguments: dict[str, Any]
    ) -> Callable[[Any, Any], Any] | None:
        """How to call the field's resolver directly, or None when Strawberry
        must (field extensions, permissions, exception handlers)."""
        field: Any = (definition.extensions or {}).get(BACKREF)
        resolver = getattr(field, "base_resolver", None)
        if resolver is None or field.extensions:
            return None
        if self.handles_exceptions(field):
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

    def handles_exceptions(self, field: Any) -> bool:
        """Whether Strawberry would wrap this field's resolver in exception
        handlers (then it is called through Strawberry's wrapper)."""
        handled = self._handled.get(field)
        if handled is None:
            handled = bool(self.converter._get_field_exception_handlers(field))
            self._handled[field] = handled
        return handled


def serializer(leaf: GraphQLNamedType) -> Callable[[Any], Any]:
    """How a leaf type serialises a value: an enum's members by a lookup made once
    per type (Strawberry's enum compares the value with each member in turn)."""
    if not isinstance(leaf, CustomGraphQLEnumType):
        return leaf.serialize  # type: ignore[attr-defined, no-any-return]
    found = _ENUM_SERIALIZERS.get(leaf)
    if found is None:
        found = _ENUM_SERIALIZERS[leaf] = _enum_serializer(leaf)
    return found


def _enum_serializer(enum: CustomGraphQLEnumType) -> Callable[[Any], Any]:
    members: Any = enum.wrapped_cls
    names = {
        member: name
        for member in members
        for name, value in enum.values.items()
        if member.value == value.value
    }
    fallback = enum.serialize

    def serialize(value: Any) -> Any:
        name = names.get(value) if type(value) is members else None
        return name if name is not None else fallback(value)

    return serialize


_ENUM_SERIALIZERS: "WeakKeyDictionary[GraphQLNamedType, Callable[[Any], Any]]" = (
    WeakKeyDictionary()
)


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
