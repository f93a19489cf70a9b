"""Who is asking: bearer tokens on `/graphql`, and what each role may do.

A request without an Authorization header is anonymous. A header that is not a
well-formed, known and active bearer token is refused with HTTP 401 before any
GraphQL runs; the secret itself is never logged or echoed.
"""

from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.errors import ErrorCode
from models.enums import TokenRole
from models.tokens import find_token

CHALLENGE = 'Bearer realm="bilateral"'


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the token behind a request, or nobody.

    The schema shows it as the `Viewer` type (api.tokens.types.ViewerProfile).
    """

    name: str | None
    role: TokenRole | None  # None: anonymous

    @property
    def is_anonymous(self) -> bool:
        """No token was sent."""
        return self.role is None


ANONYMOUS = Viewer(name=None, role=None)


class AuthenticationMiddleware:
    """Resolve `Authorization: Bearer <secret>` into a Viewer on `/graphql`."""

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        header = HTTPConnection(scope).headers.get("authorization")
        viewer = ANONYMOUS if header is None else await viewer_of_credentials(header)
        if viewer is None:
            await _refuse(scope, receive, send)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        await self.app(scope, receive, send)


async def viewer_of_credentials(header: str) -> Viewer | None:
    """The viewer behind `Bearer <secret>`; None unless that token is active."""
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = await find_token(secret.strip())
    if token is None:
        return None
    return Viewer(name=token.name, role=TokenRole(token.role))


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 4401})
        return
    body = {
        "errors": [
            {
                "message": "The bearer token is malformed, unknown or revoked.",
                "extensions": {"code": ErrorCode.UNAUTHENTICATED},
            }
        ]
    }
    headers = {"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'}
    await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)


def viewer_of(connection: HTTPConnection) -> Viewer:
    """The viewer the middleware found for this request."""
    viewer = connection.scope.get("state", {}).get("viewer", ANONYMOUS)
    assert isinstance(viewer, Viewer)
    return viewer
