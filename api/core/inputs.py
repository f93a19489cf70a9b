"""Input fields every mutation input that changes or creates something shares."""

import strawberry


def expected_version_field() -> int | None:
    """The optional `expectedVersion` of every input that changes an issue."""
    value: int | None = strawberry.field(
        default=None,
        description="Refuse the change with a VersionConflictError unless the issue "
        "is still at this version.",
    )
    return value


def idempotency_key_field() -> str | None:
    """The optional `idempotencyKey` of every input that creates something."""
    value: str | None = strawberry.field(
        default=None,
        description="A key of your choice (at most 200 characters), scoped to your "
        "token. A retry with the same key and input returns the first call's result "
        "and writes nothing; the same key with another input is refused "
        "(IDEMPOTENCY_KEY_REUSED).",
    )
    return value
