"""Who the client is, and the token list for admins."""

import strawberry

from api.context import Context
from api.tokens.types import ApiToken, Viewer
from models.tokens import list_tokens


def viewer(info: strawberry.Info[Context]) -> Viewer:
    found = info.context.viewer
    return Viewer(name=found.name, role=found.role)


async def tokens() -> list[ApiToken]:
    return [ApiToken.from_row(row) for row in await list_tokens()]
