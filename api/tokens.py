"""The viewer, and token management for admins without a shell."""

from datetime import datetime
from typing import Annotated

import strawberry

from api.auth import ViewerRole
from api.context import Context
from api.enums import TokenRole
from api.user_errors import NotFoundError, ValidationError
from models.api_token import ApiToken as TokenRow
from models.tokens import create_token, list_tokens, revoke_token


@strawberry.type(description="Who the client is.")
class Viewer:
    name: str | None = strawberry.field(
        description="The token's name (recorded as `recordedBy` on writes); null "
        "when anonymous."
    )
    role: ViewerRole = strawberry.field(description="What the client may do.")


@strawberry.type(
    description="An API token. Its secret is shown only once, at creation."
)
class ApiToken:
    name: str = strawberry.field(description="Its unique name, never reused.")
    role: TokenRole = strawberry.field(description="What it may do.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(
        description="Who created it: an admin token's name, or 'cli'."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked, or null while it works."
    )

    @classmethod
    def from_row(cls, row: TokenRow) -> "ApiToken":
        """Expose a stored token, never its digest."""
        return cls(
            name=row.name,
            role=row.role,
            created_at=row.created_at,
            created_by=row.created_by,
            revoked_at=row.revoked_at,
        )


@strawberry.input(description="A new token.")
class TokenCreateInput:
    name: str = strawberry.field(
        description="1 to 100 letters, digits, '.', '_', '@' or '-'; never used before."
    )
    role: TokenRole = strawberry.field(description="What it may do.")


@strawberry.input(description="A token to revoke.")
class TokenRevokeInput:
    name: str = strawberry.field(description="The token's name.")


@strawberry.type(description="The token was created.")
class TokenCreateSuccess:
    token: ApiToken = strawberry.field(description="The new token.")
    secret: str = strawberry.field(
        description="Its secret, for `Authorization: Bearer <secret>`. Store it now: "
        "it is never shown again."
    )


@strawberry.type(description="The token no longer works.")
class TokenRevokeSuccess:
    token: ApiToken = strawberry.field(description="The revoked token.")


TokenCreateResult = Annotated[
    TokenCreateSuccess | ValidationError,
    strawberry.union("TokenCreateResult", description="The outcome of tokenCreate."),
]
TokenRevokeResult = Annotated[
    TokenRevokeSuccess | NotFoundError,
    strawberry.union("TokenRevokeResult", description="The outcome of tokenRevoke."),
]


def viewer(info: strawberry.Info[Context]) -> Viewer:
    found = info.context.viewer
    return Viewer(name=found.name, role=found.role)


async def tokens() -> list[ApiToken]:
    return [ApiToken.from_row(row) for row in await list_tokens()]


async def token_create(
    info: strawberry.Info[Context],
    input: Annotated[TokenCreateInput, strawberry.argument(description="What to do.")],
) -> TokenCreateResult:
    issued = await create_token(input.name, input.role, actor=info.context.actor)
    return TokenCreateSuccess(
        token=ApiToken.from_row(issued.token), secret=issued.secret
    )


async def token_revoke(
    info: strawberry.Info[Context],
    input: Annotated[TokenRevokeInput, strawberry.argument(description="What to do.")],
) -> TokenRevokeResult:
    revoked = await revoke_token(input.name, publish=info.context.publish)
    return TokenRevokeSuccess(token=ApiToken.from_row(revoked))
