"""What an operation costs against the rate limit, computed before it runs.

GitHub's rule, with our figures: an operation costs one point per 100 nodes it may
return (the node figure of api.guards.limits: page sizes multiplied down each path of
connections, summed), at least 1; a mutation costs 10 more. Introspection is
charged for its size too: every schema object it selects (types, fields,
arguments, enum values...) counts as a node, at the number this schema really has.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from api.guards.limits import node_count

NODES_PER_POINT = 100
MUTATION_POINTS = 10


@dataclass(frozen=True)
class Price:
    """What an operation may return and what it costs."""

    nodes: int
    introspection_nodes: int
    cost: int

    @property
    def read_points(self) -> int:
        """The part of the cost paid for what the operation may return."""
        return read_points(self.nodes + self.introspection_nodes)


def price_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> Price:
    """The price of one operation of a validated document."""
    nodes = node_count(schema, document, operation, variables)
    introspected = introspection_count(schema, document, operation)
    return Price(nodes, introspected, cost(operation.operation, nodes + introspected))


def cost(kind: OperationType, nodes: int) -> int:
    """Points for an operation that may return `nodes` nodes."""
    points = read_points(nodes)
    if kind is OperationType.MUTATION:
        points += MUTATION_POINTS
    return points


def read_points(nodes: int) -> int:
    """One point per 100 nodes, at least 1."""
    return max(1, math.ceil(nodes / NODES_PER_POINT))


# A schema object and what it holds, by the introspection field that lists it.
Element = Any
ROOT = object()  # the operation's root, where `__schema` and `__type` are


def introspection_count(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> int:
    """How many schema objects the operation's introspection fields select."""
    counter = _IntrospectionCounter(schema, document)
    return counter.root(operation.selection_set)


class _IntrospectionCounter:
    """Walks the real schema along the selections, memoised per object and set."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d.selection_set
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[tuple[int, int], int] = {}

    def root(self, selections: SelectionSetNode) -> int:
        """Objects selected by the operation's `__schema` and `__type` fields."""
        return self.count(ROOT, selections)

    def count(self, element: Element, selections: SelectionSetNode | None) -> int:
        """Objects selected below `element` (each object it lists counts 1).

        Memoised per object and selection set, fragments included, so a fan-out
        of fragment spreads is measured in linear time.
        """
        if selections is None:
            return 0
        key = (id(element), id(selections))
        if key not in self.memo:
            self.memo[key] = 0  # a cycle through fragments counts nothing more
            self.memo[key] = sum(
                self._selection(element, selection)
                for selection in selections.selections
            )
        return self.memo[key]

    def _selection(self, element: Element, selection: Any) -> int:
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
                return 0
            if element is ROOT:
                return self._root_field(selection)
            children = _children(self.schema, element, selection.name.value)
            if not _includes_deprecated(selection):
                children = [c for c in children if not _deprecated(c)]
            return sum(1 + self.count(c, selection.selection_set) for c in children)
        if isinstance(selection, InlineFragmentNode):
            return self.count(element, selection.selection_set)
        if isinstance(selection, FragmentSpreadNode):
            return self.count(element, self.fragments.get(selection.name.value))
        return 0

    def _root_field(self, node: FieldNode) -> int:
        """`__type(name:)` is priced as the largest type; other fields are free."""
        if node.name.value == "__schema":
            return 1 + self.count(self.schema, node.selection_set)
        if node.name.value == "__type":
            types = self.schema.type_map.values()
            return 1 + max(self.count(t, node.selection_set) for t in types)
        return 0


def _includes_deprecated(node: FieldNode) -> bool:
    """Whether a list field (`fields`, `args`, …) returns deprecated elements:
    only when asked to, and priced as if asked when a variable decides."""
    for argument in node.arguments or ():
        if argument.name.value == "includeDeprecated":
            value = argument.value
            return not isinstance(value, BooleanValueNode) or value.value
    return False


def _deprecated(element: Element) -> bool:
    """Whether a field, argument, input field or enum value is deprecated."""
    return getattr(element, "deprecation_reason", None) is not None


def _children(schema: GraphQLSchema, element: Element, name: str) -> list[Element]:
    """What the introspection field `name` of `element` returns, as a list."""
    return list(_lookup(schema, element, name))


def _lookup(schema: GraphQLSchema, element: Element, name: str) -> Iterator[Element]:
    if isinstance(element, GraphQLSchema):
        yield from _schema_children(element, name)
    elif isinstance(element, GraphQLField):
        yield from _field_children(element, name)
    elif isinstance(element, GraphQLArgument | GraphQLInputField):
        if name == "type":
            yield element.type
    elif isinstance(element, GraphQLDirective):
        if name == "args":
            yield from element.args.values()
    else:
        yield from _type_children(schema, element, name)


def _schema_children(schema: GraphQLSchema, name: str) -> Iterator[Element]:
    roots = {
        "queryType": schema.query_type,
        "mutationType": schema.mutation_type,
        "subscriptionType": schema.subscription_type,
    }
    if name == "types":
        yield from schema.type_map.values()
    elif name == "directives":
        yield from schema.directives
    elif roots.get(name) is not None:
        yield roots[name]


def _field_children(field: GraphQLField, name: str) -> Iterator[Element]:
    if name == "args":
        yield from field.args.values()
    elif name == "type":
        yield field.type


def _type_children(schema: GraphQLSchema, kind: Element, name: str) -> list[Element]:
    if isinstance(kind, GraphQLList | GraphQLNonNull):
        return [kind.of_type] if name == "ofType" else []
    has_fields = isinstance(kind, GraphQLObjectType | GraphQLInterfaceType)
    if name == "fields" and has_fields:
        return list(kind.fields.values())
    if name == "interfaces" and has_fields:
        return list(kind.interfaces)
    if name == "inputFields" and isinstance(kind, GraphQLInputObjectType):
        return list(kind.fields.values())
    if name == "enumValues" and isinstance(kind, GraphQLEnumType):
        return list(kind.values.values())
    if name == "possibleTypes" and isinstance(
        kind, GraphQLInterfaceType | GraphQLUnionType
    ):
        return list(schema.get_possible_types(kind))
    return []


@lru_cache(maxsize=8)
def full_introspection_cost(schema: GraphQLSchema) -> int:
    """The price of the introspection query GraphiQL sends (for documentation)."""
    from graphql import get_introspection_query, parse

    document = parse(get_introspection_query(descriptions=True))
    operation = next(
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    )
    return price_of(schema, document, operation, {}).cost
