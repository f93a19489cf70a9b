"""The built pages and their assets, as they ship inside the package.

Vite names every asset after its content, so an asset never changes under its
name: caches may keep it for good. The pages themselves are read once.
"""

from functools import cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DIST = Path(__file__).parent / "dist"
IMMUTABLE = "public, max-age=31536000, immutable"


class MissingBuildError(RuntimeError):
    """The package holds no built pages (a checkout whose build was deleted)."""


@cache
def page(name: str) -> str:
    """The text of a built page: `index.html` (the board) or `graphiql.html`."""
    path = DIST / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingBuildError(
            f"The built page {name} is missing; run `npm ci && npm run build` in web/."
        ) from None


class Assets(StaticFiles):
    """`/assets/…`: the hashed scripts, styles, workers and fonts of the pages."""

    def __init__(self) -> None:
        super().__init__(directory=DIST / "assets", check_dir=False)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response
