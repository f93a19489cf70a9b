"""The limits as schema extensions, so that WebSocket operations obey them too."""

from collections.abc import Iterator
from typing import Any, cast

from graphql import get_operation_ast
from strawberry.extensions import SchemaExtension

from api.limits import Limits, node_count, node_limit_error
from api.safe_text import has_unsafe_variables, unsafe_text_error


class EnforceLimits(SchemaExtension):
    """Token and length limits while parsing; the node limit before executing.

    Depth and aliases are validation rules (see api.documents); HTTP requests are
    checked by the endpoint before they get here, with the same functions.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        # graphql-core's parse takes both; Strawberry's type names only the first.
        options = cast(dict[str, Any], self.execution_context.parse_options)
        options["max_tokens"] = self.limits.tokens
        options["max_source_length"] = self.limits.document_chars
        yield

    def on_execute(self) -> Iterator[None]:
        # The HTTP endpoint checks its requests before execution itself.
        if not getattr(self.execution_context.context, "limits_checked", False):
            self._check_variables_and_nodes()
        yield

    def _check_variables_and_nodes(self) -> None:
        """Raise, not set a result: subscriptions ignore a result set here, and
        every transport reports an error raised here."""
        context = self.execution_context
        document = context.graphql_document
        operation = (
            get_operation_ast(document, context.operation_name) if document else None
        )
        if document is None or operation is None:
            return
        if has_unsafe_variables(operation, context.variables):
            raise unsafe_text_error()
        count = node_count(
            context.schema._schema, document, operation, context.variables
        )
        if (error := node_limit_error(count, self.limits)) is not None:
            raise error
