"""Who the client is, and the token list for admins."""

import strawberry

from api.context import Context
from api.tokens.types import ApiToken, ViewerProfile
from models.tokens import list_tokens


def viewer(info: strawberry.Info[Context]) -> ViewerProfile:
    return ViewerProfile.of(info.context.viewer)


async def tokens() -> list[ApiToken]:
    return [ApiToken.from_row(row) for row in await list_tokens()]
