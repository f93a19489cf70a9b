"""Token management for admins without a shell."""

from typing import Annotated

import strawberry

from api.context import Context
from api.core.enums import TokenRole
from api.core.user_errors import NotFoundError, ValidationError
from api.tokens.types import ApiToken
from models.tokens import create_token, revoke_token


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
    revoked = await revoke_token(input.name, publish=info.context.services.publish)
    return TokenRevokeSuccess(token=ApiToken.from_row(revoked))
