"""Text no database can hold: NUL characters and lone surrogates.

Mutation inputs are checked field by field by the domain, which answers with a
ValidationError naming the field. Everything else a client sends is checked here,
before anything runs: the arguments of reads, including reads nested in a
mutation's result, and the variables they use.
"""

import re
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)

from api.core.errors import UNSTORABLE_TEXT, ErrorCode

UNSAFE = re.compile("[\\x00\\ud800-\\udfff]")
NESTING = 100


def has_unsafe_text(value: Any, depth: int = 0) -> bool:
    """Whether a string anywhere in a JSON value holds NUL or a lone surrogate."""
    if isinstance(value, str):
        return UNSAFE.search(value) is not None
    if depth > NESTING:
        return False  # deeper than any input type: coercion refuses it anyway
    if isinstance(value, dict):
        return any(
            has_unsafe_text(key, depth + 1) or has_unsafe_text(item, depth + 1)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(has_unsafe_text(item, depth + 1) for item in value)
    return False


def unsafe_text_error(nodes: list[StringValueNode] | None = None) -> GraphQLError:
    """The refusal of a string no database can hold."""
    return GraphQLError(
        UNSTORABLE_TEXT, nodes=nodes, extensions={"code": ErrorCode.BAD_USER_INPUT}
    )


class SafeStringsRule(ASTValidationRule):
    """Refuse unsafe string literals, except in a mutation's own input."""

    mutation = False
    depth = 0

    def enter_operation_definition(
        self, node: OperationDefinitionNode, *_: Any
    ) -> None:
        self.mutation = node.operation is OperationType.MUTATION

    def leave_operation_definition(self, *_: Any) -> None:
        self.mutation = False

    def enter_field(self, *_: Any) -> None:
        self.depth += 1

    def leave_field(self, *_: Any) -> None:
        self.depth -= 1

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        is_input = self.mutation and self.depth == 1
        if not is_input and has_unsafe_text(node.value):
            self.report_error(unsafe_text_error([node]))


def has_unsafe_variables(
    operation: OperationDefinitionNode, variables: dict[str, Any] | None
) -> bool:
    """Whether a variable that reaches a read holds unsafe text."""
    if not variables:
        return False
    if operation.operation is not OperationType.MUTATION:
        return has_unsafe_text(variables)
    read = _variables_of_reads(operation)
    if read is None:  # a fragment may read any variable: check them all
        return has_unsafe_text(variables)
    return has_unsafe_text({n: v for n, v in variables.items() if n in read})


def _variables_of_reads(operation: OperationDefinitionNode) -> frozenset[str] | None:
    """The variables a mutation's reads use, or None when it spreads fragments;
    found once per parsed operation (documents are parsed once and kept)."""
    found = _READS.get(id(operation))
    if found is not None and found[0] is operation:
        return found[1]
    read = _VariablesOfReads()
    visit(operation, read)
    names = None if read.spreads_fragments else frozenset(read.names)
    if len(_READS) >= READS_KEPT:
        _READS.clear()
    _READS[id(operation)] = (operation, names)  # the node kept: its id stays its own
    return names


READS_KEPT = 1000
_READS: dict[int, tuple[OperationDefinitionNode, frozenset[str] | None]] = {}


class _VariablesOfReads(Visitor):
    """The variables used anywhere but in a mutation's root field arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.depth = 0
        self.spreads_fragments = False

    def enter_variable_definition(self, *_: Any) -> Any:
        return self.SKIP

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.depth += 1

    def leave_field(self, *_: Any) -> None:
        self.depth -= 1

    def enter_fragment_spread(self, *_: Any) -> None:
        self.spreads_fragments = True

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if self.depth != 1:
            self.names.add(node.name.value)
