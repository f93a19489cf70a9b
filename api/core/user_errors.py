"""Expected refusals of mutations, as members of each mutation's result union.

A resolver lets a domain error propagate; the exception handlers below turn it
into the matching GraphQL type, so clients branch on `__typename`.
"""

import re
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from api.core.enums import UserErrorCode
from api.core.errors import BadUserInputError
from api.core.relay import global_id, parse_id_of
from api.observability.observation import note_user_error
from models import errors


def public_field(path: str) -> str:
    """A domain field path ("source.url", "issue_ids[2]") in the API's camelCase."""
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), path)


@strawberry.interface(
    description="A refusal the client can act on. Nothing was written when a "
    "mutation returns one."
)
class UserError:
    code: UserErrorCode = strawberry.field(
        description="A stable, machine-readable reason, e.g. TOO_LONG or NOT_FOUND."
    )
    message: str = strawberry.field(description="What went wrong, for a person.")


@strawberry.type(
    description="An input field breaks a rule. Codes: INVALID, REQUIRED, TOO_LONG, "
    "TOO_MANY, ALREADY_EXISTS, IN_FUTURE, NOT_IN_RELATIONSHIP, ARCHIVED, "
    "ALREADY_RETRACTED, IDEMPOTENCY_KEY_REUSED."
)
class ValidationError(UserError):
    field: str = strawberry.field(
        description="The input field at fault, as a path: 'slug', 'source.url', "
        "'issueIds[2]'; 'input' when the input as a whole is at fault."
    )


@strawberry.type(
    description="An id names nothing of the kind expected. Code: NOT_FOUND."
)
class NotFoundError(UserError):
    field: str = strawberry.field(description="The input field holding the id.")
    id: strawberry.ID | None = strawberry.field(
        description="The id that was not found, when it was an id."
    )


@strawberry.type(
    description="The issue changed since the client read it. Code: VERSION_CONFLICT. "
    "Read it again and retry with `expectedVersion: currentVersion` if the change "
    "still makes sense."
)
class VersionConflictError(UserError):
    expected_version: int = strawberry.field(description="The version the client sent.")
    current_version: int = strawberry.field(description="The issue's version now.")


class ValidationHandler(
    strawberry.ExceptionHandler[errors.InvalidInputError, ValidationError]
):
    """InvalidInputError → ValidationError."""

    def handle(
        self, exception: errors.InvalidInputError, *, field: StrawberryField, info: Any
    ) -> ValidationError:
        note_user_error(exception.code)
        return ValidationError(
            code=exception.code,
            message=exception.message,
            field=public_field(exception.field),
        )


class NotFoundHandler(strawberry.ExceptionHandler[errors.NotFoundError, NotFoundError]):
    """NotFoundError (domain) → NotFoundError (API)."""

    def handle(
        self, exception: errors.NotFoundError, *, field: StrawberryField, info: Any
    ) -> NotFoundError:
        note_user_error(exception.code)
        pk = exception.pk
        return NotFoundError(
            code=exception.code,
            message=exception.message,
            field=public_field(exception.field),
            id=global_id(exception.kind, pk) if pk is not None else None,
        )


class VersionConflictHandler(
    strawberry.ExceptionHandler[errors.VersionConflictError, VersionConflictError]
):
    """VersionConflictError (domain) → VersionConflictError (API)."""

    def handle(
        self,
        exception: errors.VersionConflictError,
        *,
        field: StrawberryField,
        info: Any,
    ) -> VersionConflictError:
        note_user_error(exception.code)
        return VersionConflictError(
            code=exception.code,
            message=exception.message,
            expected_version=exception.expected,
            current_version=exception.current,
        )


EXCEPTION_HANDLERS = (ValidationHandler(), NotFoundHandler(), VersionConflictHandler())


def input_id(type_name: str, value: str, field: str) -> int:
    """The row id inside a global id given in a mutation input, or InvalidInputError."""
    try:
        return parse_id_of(type_name, value, public_field(field))
    except BadUserInputError as error:
        raise errors.InvalidInputError(field, error.message) from None
