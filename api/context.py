"""The per-request context handed to every resolver."""

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.loaders import Loaders


@dataclass
class Context:
    """Who asked, which request it is, and this request's loaders."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    request_id: str
    loaders: Loaders = field(default_factory=Loaders)
