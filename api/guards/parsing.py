"""Parsing and validating documents once, with the limits and switches in force."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
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

from api.core.errors import BAD_USER_INPUT, with_code
from api.guards.limits import LIMIT_EXCEEDED, Limits, depth_and_alias_rule, limit_error
from api.guards.safe_text import (
    SafeStringsRule,
    has_unsafe_variables,
    unsafe_text_error,
)

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
CACHED_DOCUMENTS = 512


@dataclass(frozen=True)
class DocumentRules:
    """What a document is checked against: the schema, the limits, introspection."""

    schema: GraphQLSchema = field(hash=False, compare=False)
    limits: Limits
    introspection: bool

    def extra_rules(self) -> list[type[ASTValidationRule]]:
        """Our rules on top of the specification's."""
        return extra_rules(self.limits, self.introspection)


def extra_rules(limits: Limits, introspection: bool) -> list[type[ASTValidationRule]]:
    """The validation rules we add to the specification's."""
    rules: list[type[ASTValidationRule]] = [
        depth_and_alias_rule(limits),
        SafeStringsRule,
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


@dataclass(frozen=True)
class Document:
    """A parsed and validated document, or the errors that refused it."""

    ast: DocumentNode | None
    errors: list[GraphQLError]
    rules: DocumentRules

    def operation(self, name: str | None) -> OperationDefinitionNode | GraphQLError:
        """The operation to run, or an error saying why none can be chosen."""
        assert self.ast is not None
        found = get_operation_ast(self.ast, name)
        if found is not None:
            return found
        message = (
            f"The document has no operation named '{name[:100]}'."
            if name is not None
            else "The document holds several operations: name one in `operationName`."
        )
        return GraphQLError(message, extensions={"code": BAD_USER_INPUT})

    def coerce(
        self, operation: OperationDefinitionNode, given: dict[str, Any]
    ) -> dict[str, Any] | list[GraphQLError]:
        """The variables coerced to their declared types, or why they cannot be."""
        if has_unsafe_variables(operation, given):
            return [unsafe_text_error()]
        coerced = get_variable_values(
            self.rules.schema,
            operation.variable_definitions or (),
            given,
            max_errors=20,
            hide_suggestions=not self.rules.introspection,
        )
        if isinstance(coerced, list):
            return [with_code(error, BAD_USER_INPUT) for error in coerced]
        return coerced.coerced


def prepare(query: str, rules: DocumentRules) -> Document:
    """Parse and validate a document; the same text is prepared only once."""
    return _prepare(query, rules, id(rules.schema))


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _prepare(query: str, rules: DocumentRules, schema_id: int) -> Document:
    try:
        ast = parse(query, max_tokens=rules.limits.tokens)
    except GraphQLSyntaxError as error:
        return Document(None, [_parse_error(error, rules.limits)], rules)
    errors = validate(
        rules.schema,
        ast,
        [*specified_rules, *rules.extra_rules()],
        max_errors=20,
        hide_suggestions=not rules.introspection,
    )
    coded = [
        error
        if (error.extensions or {}).get("code") in (LIMIT_EXCEEDED, BAD_USER_INPUT)
        else with_code(error, VALIDATION_FAILED)
        for error in errors
    ]
    return Document(ast, coded, rules)


def _parse_error(error: GraphQLSyntaxError, limits: Limits) -> GraphQLError:
    if "tokens. Parsing aborted" in error.message:
        return limit_error(
            f"The document has more than {limits.tokens:,} tokens; the limit is "
            f"{limits.tokens:,}.",
            limit="tokens",
        )
    return with_code(error, PARSE_FAILED)
