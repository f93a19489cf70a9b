"""A request id for every HTTP request, echoed in `X-Request-ID` and in logs."""

import re
import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Keeps a sane incoming `X-Request-ID` or makes one, and returns it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = HTTPConnection(scope).headers.get(HEADER, "")
        request_id = incoming if acceptable_request_id(incoming) else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


def new_request_id() -> str:
    """A fresh request id: 32 random hexadecimal digits."""
    return secrets.token_hex(16)


def acceptable_request_id(incoming: str) -> bool:
    """Whether a client's request id is short and plain enough to echo and log."""
    return _ACCEPTABLE.match(incoming) is not None


def request_id_of(connection: HTTPConnection) -> str:
    """The id the middleware gave this request."""
    return str(connection.scope.get("state", {}).get("request_id", "-"))
