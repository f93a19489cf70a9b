"""The per-request context handed to every resolver."""

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.auth import ANONYMOUS, Viewer
from api.loaders import Loaders
from models.events import Publish, discard


@dataclass
class Context:
    """Who asked, which request it is, this request's loaders, and the event bus."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    request_id: str
    viewer: Viewer = ANONYMOUS
    public_read: bool = True
    publish: Publish = discard
    loaders: Loaders = field(default_factory=Loaders)

    @property
    def actor(self) -> str:
        """The token name a write is recorded under (mutations require a token)."""
        assert self.viewer.name is not None, "mutations are guarded by CanWrite"
        return self.viewer.name
