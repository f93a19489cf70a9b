"""Query limits: what an abusive document is refused for, before it runs.

Depth and aliases are checked while the document is validated; the node limit
(GitHub's: the product of page sizes down each path of connections, summed) needs
the variables, so it is checked just before execution. Fragments are expanded
once each and their results reused, so a fan-out of fragments costs linear time
to measure, however large the figure it measures.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)

from api.core.errors import ErrorCode

DEFAULT_PAGE = 20


@dataclass(frozen=True)
class Limits:
    """What one request may ask for."""

    depth: int = 10
    aliases: int = 15
    tokens: int = 2_000
    document_chars: int = 15_000
    body_bytes: int = 65_536
    nodes: int = 10_000


def limit_error(message: str, **extensions: Any) -> GraphQLError:
    """A refusal for asking too much, with a code clients can branch on."""
    return GraphQLError(
        message, extensions={"code": ErrorCode.LIMIT_EXCEEDED, **extensions}
    )


def document_length_error(query: str, limits: Limits) -> GraphQLError | None:
    """Refuse a document longer than the limit before it is even parsed."""
    if len(query) <= limits.document_chars:
        return None
    return limit_error(
        f"The document is {len(query):,} characters long; the limit is "
        f"{limits.document_chars:,}.",
        limit="document_chars",
    )


def fragments_by_name(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """The document's fragments by name."""
    return {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


class _Walker:
    """Measures selection sets, expanding each fragment once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = fragments_by_name(document)
        self.depths: dict[str, int] = {}
        self.aliases: dict[str, int] = {}
        self.visiting: set[str] = set()

    def depth(self, selections: SelectionSetNode | None) -> int:
        """Field levels below this selection set (introspection not counted)."""
        deepest = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    below = self.depth(selection.selection_set)
                    deepest = max(deepest, 1 + below)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(
                    deepest, self._fragment(selection, self.depths, self.depth)
                )
        return deepest

    def alias_count(self, selections: SelectionSetNode | None) -> int:
        """Aliased fields in this selection set, each fragment spread counted."""
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                total += (selection.alias is not None) + self.alias_count(
                    selection.selection_set
                )
            elif isinstance(selection, InlineFragmentNode):
                total += self.alias_count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection, self.aliases, self.alias_count)
        return total

    def _fragment(
        self,
        spread: FragmentSpreadNode,
        memo: dict[str, int],
        measure: Callable[[SelectionSetNode | None], int],
    ) -> int:
        name = spread.name.value
        if name in memo:
            return memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return 0  # unknown fragments and cycles are other rules' refusals
        self.visiting.add(name)
        memo[name] = measure(fragment.selection_set)
        self.visiting.discard(name)
        return memo[name]


def depth_and_alias_rule(limits: Limits) -> type[ASTValidationRule]:
    """A validation rule refusing documents too deep or with too many aliases."""

    class DepthAndAliasLimit(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            walker = _Walker(node)
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    self._check(walker, definition)

        def _check(self, walker: _Walker, operation: OperationDefinitionNode) -> None:
            name = f"`{operation.name.value}`" if operation.name else "The operation"
            depth = walker.depth(operation.selection_set)
            if depth > limits.depth:
                self.report_error(
                    limit_error(
                        f"{name} is nested {depth} levels deep; the limit is "
                        f"{limits.depth}.",
                        limit="depth",
                    )
                )
            aliases = walker.alias_count(operation.selection_set)
            if aliases > limits.aliases:
                self.report_error(
                    limit_error(
                        f"{name} uses {aliases:,} aliases; the limit is "
                        f"{limits.aliases}.",
                        limit="aliases",
                    )
                )

    return DepthAndAliasLimit


def node_count(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> int:
    """The most nodes an operation could return: page sizes multiplied down."""
    defaults = {
        definition.variable.name.value: int(definition.default_value.value)
        for definition in operation.variable_definitions or ()
        if isinstance(definition.default_value, IntValueNode)
    }
    counter = _NodeCounter(schema, document, {**defaults, **(variables or {})})
    root = schema.get_root_type(operation.operation)
    return counter.count(operation.selection_set, root, 1) if root else 0


def node_limit_error(count: int, limits: Limits) -> GraphQLError | None:
    """Refuse an operation that could return more nodes than the limit."""
    if count <= limits.nodes:
        return None
    return limit_error(
        f"This query could return up to {count:,} nodes (each connection's "
        f"`first` or `last`, default {DEFAULT_PAGE}, multiplied by those above "
        f"it); the limit is {limits.nodes:,}. Ask for smaller pages.",
        limit="nodes",
        nodes=count,
    )


class _NodeCounter:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = fragments_by_name(document)
        self.memo: dict[tuple[str, str, int], int] = {}
        self.visiting: set[str] = set()

    def count(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        multiplier: int,
    ) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = (
                    self.schema.get_type(condition.name.value) if condition else parent
                )
                total += self.count(selection.selection_set, inner, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection, multiplier)
        return total

    def _field(
        self, node: FieldNode, parent: GraphQLNamedType | None, multiplier: int
    ) -> int:
        if not isinstance(parent, GraphQLObjectType) or node.selection_set is None:
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0
        child = get_named_type(definition.type)
        if is_connection(child):
            multiplier *= self._page_size(node)
            return multiplier + self.count(node.selection_set, child, multiplier)
        return self.count(node.selection_set, child, multiplier)

    def _spread(self, spread: FragmentSpreadNode, multiplier: int) -> int:
        name = spread.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return 0
        parent = self.schema.get_type(fragment.type_condition.name.value)
        # Counts scale with the multiplier: measure once at 1, then scale.
        key = (name, parent.name if parent else "", 1)
        if key not in self.memo:
            self.visiting.add(name)
            self.memo[key] = self.count(fragment.selection_set, parent, 1)
            self.visiting.discard(name)
        return self.memo[key] * multiplier

    def _page_size(self, node: FieldNode) -> int:
        sizes = [
            self._value(argument.value)
            for argument in node.arguments or ()
            if argument.name.value in ("first", "last")
        ]
        given = [size for size in sizes if size is not None]
        return max(given) if given else DEFAULT_PAGE

    def _value(self, value: Any) -> int | None:
        if isinstance(value, IntValueNode):
            return max(int(value.value), 0)
        if isinstance(value, VariableNode):
            found = self.variables.get(value.name.value)
            return max(found, 0) if isinstance(found, int) else None
        return None


def is_connection(kind: GraphQLNamedType) -> bool:
    """Whether a type is a connection: a page of a list, sized by `first`/`last`."""
    return kind.name.endswith("Connection")
