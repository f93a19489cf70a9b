"""Top-level GraphQL errors: client mistakes get a code, the unexpected is masked."""

import logging
import re
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from tortoise.exceptions import ValidationError as TortoiseValidationError

from models.failures import refusal_message, write_refusal
from models.pagination import PaginationError

logger = logging.getLogger("bilateral.api")


class ErrorCode(StrEnum):
    """Every code a top-level error carries in `extensions.code`, on any transport.

    Mutation refusals a client can act on are not here: they are members of each
    mutation's result union, with a `UserErrorCode`.
    """

    BAD_REQUEST = "BAD_REQUEST"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    TIMEOUT = "TIMEOUT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a cancelled statement
UNTRANSLATABLE_CHARACTER = "22021"  # e.g. NUL in a text parameter
TOO_LONG = re.compile(r"^(\w+): Length of .* (\d+) > (\d+)$", re.DOTALL)
STATEMENT_CANCELLED = (
    "A database statement ran longer than the limit and was cancelled. Ask for less, "
    "or retry later."
)
UNSTORABLE_TEXT = (
    "Strings may not contain NUL characters or unpaired surrogates (invalid UTF-16)."
)
MASKED_MESSAGE = "An unexpected error occurred. Quote the request id when reporting it."


class BadUserInputError(GraphQLError):
    """An argument the client can fix: a page size, a cursor, a malformed id."""

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(
            message, extensions={"code": ErrorCode.BAD_USER_INPUT, **extensions}
        )


SUGGESTION = re.compile(r" ?Did you mean .*\?$", re.DOTALL)


def without_suggestions(message: str) -> str:
    """A message without its trailing "Did you mean ...?" hint."""
    return SUGGESTION.sub("", message)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _as_user_error(error: GraphQLError) -> GraphQLError:
    """Domain refusals of read arguments (e.g. a foreign cursor) are client errors.

    So are a statement cancelled by PostgreSQL's statement_timeout (a timeout, not
    a bug), a filter value longer than its column, and text the database refused.
    A write the database refused for lack of space, permission or writability is
    SERVICE_UNAVAILABLE, saying so (the transaction rolled back whole).
    """
    original = error.original_error
    if original is not None and (refusal := write_refusal(original)) is not None:
        logger.warning("The database refused a write: %s (%s)", refusal, original)
        message = refusal_message(refusal)
        return with_code(
            error, ErrorCode.SERVICE_UNAVAILABLE, message, reason=refusal.value
        )
    if getattr(original, "sqlstate", None) == QUERY_CANCELED:
        return with_code(error, ErrorCode.TIMEOUT, STATEMENT_CANCELLED)
    if isinstance(original, TortoiseValidationError):
        return _too_long(error)
    if _is_unstorable_text(original):
        return with_code(error, ErrorCode.BAD_USER_INPUT, UNSTORABLE_TEXT)
    if isinstance(original, PaginationError):
        return with_code(error, ErrorCode.BAD_USER_INPUT, str(original))
    return error


def with_code(
    error: GraphQLError, code: str, message: str | None = None, **extensions: Any
) -> GraphQLError:
    """The same error, where it was, with this code (message and extensions, when
    given)."""
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code, **extensions},
    )


def _is_unstorable_text(original: BaseException | None) -> bool:
    """Text the database refused to take: a safety net behind api.guards.safe_text."""
    return isinstance(original, UnicodeEncodeError) or (
        getattr(original, "sqlstate", None) == UNTRANSLATABLE_CHARACTER
    )


def _too_long(error: GraphQLError) -> GraphQLError:
    """A filter value longer than its column can hold: it can match nothing."""
    found = TOO_LONG.match(str(error.original_error))
    if found is None:
        return error  # another validation failure: a bug, masked as such
    name, length, most = found.groups()
    message = (
        f"A value given for `{name}` is {int(length):,} characters long; it can be "
        f"at most {int(most):,}."
    )
    return with_code(error, ErrorCode.BAD_USER_INPUT, message)


class MaskUnexpectedErrors(MaskErrors):
    """Mask unexpected errors behind a generic one with the request id; log them.

    With `hide_suggestions` (introspection off), "Did you mean ...?" hints are cut
    from every message, so the schema cannot be guessed from them.
    """

    def __init__(self, hide_suggestions: bool = False) -> None:
        super().__init__(should_mask_error=_is_unexpected, error_message=MASKED_MESSAGE)
        self.hide_suggestions = hide_suggestions

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors([_as_user_error(e) for e in errors])
        if self.hide_suggestions:
            for error in processed:
                error.message = without_suggestions(error.message)
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        logger.error(
            "Unexpected error in %s (request %s)",
            ".".join(str(part) for part in error.path or []) or "operation",
            request_id,
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={
                "code": ErrorCode.INTERNAL_SERVER_ERROR,
                "requestId": request_id,
            },
        )
