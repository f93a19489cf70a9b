"""The document pipeline: each document parsed, validated and priced once.

Whichever transport a document came by, it goes through one `Documents` cache of
its schema: parsed (within the token limit) and validated (with the depth, alias,
text-safety and introspection rules) once, then kept. `admit` chooses the
operation, coerces its variables and prices it against the node limit; Strawberry
is handed the parsed document and its validation errors by
`api.guards.extension.PreparedDocuments`, so it neither parses nor validates again.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

import orjson
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_variable_values
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from api.core.errors import ErrorCode, with_code
from api.guards.cost import Price, price_of
from api.guards.limits import (
    Limits,
    depth_and_alias_rule,
    document_length_error,
    limit_error,
    node_limit_error,
)
from api.guards.safe_text import (
    SafeStringsRule,
    has_unsafe_variables,
    unsafe_text_error,
)

CACHED_DOCUMENTS = 512

# A transport's refusal of an operation by its kind, before its variables are read.
OperationCheck: TypeAlias = Callable[[OperationDefinitionNode], GraphQLError | None]


@dataclass(frozen=True)
class Document:
    """A parsed and validated document, or the errors that refused it."""

    ast: DocumentNode | None
    errors: list[GraphQLError]


@dataclass(frozen=True)
class Admitted:
    """An operation that passed every check of its document: what will run."""

    query: str
    document: DocumentNode
    operation: OperationDefinitionNode
    variables: dict[str, Any]
    price: Price


class Documents:
    """The documents of one schema, each prepared once with the limits in force."""

    def __init__(
        self,
        schema: GraphQLSchema,
        limits: Limits,
        introspection: bool,
        size: int = CACHED_DOCUMENTS,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.introspection = introspection
        self.rules = [
            *specified_rules,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
            depth_and_alias_rule(limits),
            SafeStringsRule,
        ]
        if not introspection:
            self.rules.append(NoSchemaIntrospectionCustomRule)
        self._cached = lru_cache(maxsize=size)(self._prepare)
        # Keyed by the ids of a parsed document and operation, which stay the
        # same while the document is cached; each entry holds its document, so
        # an id is never reused while its entry lives.
        self._prices: OrderedDict[tuple[int, int, bytes], tuple[DocumentNode, Price]]
        self._prices = OrderedDict()
        self._prices_size = 4 * size

    def prepare(self, query: str) -> Document:
        """The document parsed and validated; a text too long is not kept."""
        if (too_long := document_length_error(query, self.limits)) is not None:
            return Document(None, [too_long])
        return self._cached(query)

    def admit(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        *,
        allow: OperationCheck | None = None,
    ) -> Admitted | list[GraphQLError]:
        """The operation to run, priced, or every reason it may not run.

        `allow` lets a transport refuse an operation by its kind before its
        variables are looked at (HTTP refuses mutations over GET).
        """
        document = self.prepare(query)
        if document.errors or document.ast is None:
            return document.errors
        operation = _choose(document.ast, operation_name)
        if isinstance(operation, GraphQLError):
            return [operation]
        if allow is not None and (refused := allow(operation)) is not None:
            return [refused]
        if has_unsafe_variables(operation, variables):
            return [unsafe_text_error()]
        coerced = get_variable_values(
            self.schema,
            operation.variable_definitions or (),
            variables,
            max_errors=20,
            hide_suggestions=not self.introspection,
        )
        if isinstance(coerced, list):
            return [with_code(error, ErrorCode.BAD_USER_INPUT) for error in coerced]
        price = self._price(document.ast, operation, variables, coerced.coerced)
        if (too_many := node_limit_error(price.nodes, self.limits)) is not None:
            return [too_many]
        return Admitted(query, document.ast, operation, variables, price)

    def _price(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        coerced: dict[str, Any],
    ) -> Price:
        """The operation's price, worked out once per document, operation and
        variables: it depends on nothing else, and a busy API sees the same
        few operations again and again."""
        try:
            given = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, TypeError):
            return price_of(self.schema, document, operation, coerced)
        key = (id(document), id(operation), given)
        found = self._prices.get(key)
        if found is not None and found[0] is document:
            self._prices.move_to_end(key)
            return found[1]
        price = price_of(self.schema, document, operation, coerced)
        self._prices[key] = (document, price)
        if len(self._prices) > self._prices_size:
            self._prices.popitem(last=False)
        return price

    def _prepare(self, query: str) -> Document:
        try:
            ast = parse(query, max_tokens=self.limits.tokens)
        except GraphQLSyntaxError as error:
            return Document(None, [_parse_error(error, self.limits)])
        errors = validate(
            self.schema,
            ast,
            self.rules,
            max_errors=20,
            hide_suggestions=not self.introspection,
        )
        coded = [
            error
            if (error.extensions or {}).get("code")
            in (ErrorCode.LIMIT_EXCEEDED, ErrorCode.BAD_USER_INPUT)
            else with_code(error, ErrorCode.GRAPHQL_VALIDATION_FAILED)
            for error in errors
        ]
        return Document(ast, coded)


def _choose(
    document: DocumentNode, name: str | None
) -> OperationDefinitionNode | GraphQLError:
    """The operation to run, or an error saying why none can be chosen."""
    found = get_operation_ast(document, name)
    if found is not None:
        return found
    message = (
        f"The document has no operation named '{name[:100]}'."
        if name is not None
        else "The document holds several operations: name one in `operationName`."
    )
    return GraphQLError(message, extensions={"code": ErrorCode.BAD_USER_INPUT})


def _parse_error(error: GraphQLSyntaxError, limits: Limits) -> GraphQLError:
    if "tokens. Parsing aborted" in error.message:
        return limit_error(
            f"The document has more than {limits.tokens:,} tokens; the limit is "
            f"{limits.tokens:,}.",
            limit="tokens",
        )
    return with_code(error, ErrorCode.GRAPHQL_PARSE_FAILED)
