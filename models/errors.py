"""Domain errors: every refusal of a write, each with a code from one enum.

An operation raises one of these before it writes anything, or inside its
transaction so that everything it wrote is rolled back.
"""

import re
from enum import StrEnum


class UserErrorCode(StrEnum):
    """Why a write was refused."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    IN_FUTURE = "IN_FUTURE"
    NOT_IN_RELATIONSHIP = "NOT_IN_RELATIONSHIP"
    ARCHIVED = "ARCHIVED"
    ALREADY_RETRACTED = "ALREADY_RETRACTED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    NOT_FOUND = "NOT_FOUND"
    VERSION_CONFLICT = "VERSION_CONFLICT"


class DomainError(Exception):
    """A write the domain refused; nothing was written."""

    code: UserErrorCode

    def __init__(self, message: str, code: UserErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidInputError(DomainError):
    """One input field breaks a rule; `field` names it (snake_case, dotted path)."""

    def __init__(
        self, field: str, message: str, code: UserErrorCode = UserErrorCode.INVALID
    ) -> None:
        super().__init__(message, code)
        self.field = field


class NotFoundError(DomainError):
    """An id that names no row of the kind expected."""

    def __init__(
        self, field: str, kind: str, pk: int | None, message: str | None = None
    ) -> None:
        super().__init__(
            message or f"No {words(kind)} has this id.", UserErrorCode.NOT_FOUND
        )
        self.field = field
        self.kind = kind
        self.pk = pk


class VersionConflictError(DomainError):
    """The issue changed since the client read it: its version moved on."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(
            f"The issue is at version {current}, not {expected}: it changed since "
            "you read it. Read it again and retry with the new version.",
            UserErrorCode.VERSION_CONFLICT,
        )
        self.expected = expected
        self.current = current


def words(kind: str) -> str:
    """ "StatusUpdate" as "status update"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower()
