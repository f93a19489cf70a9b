"""The per-request context handed to every resolver."""

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.core.loaders import Loaders
from api.guards.auth import ANONYMOUS, Viewer
from api.guards.cost import Price
from api.guards.gate import Gate
from api.guards.rate_limit import Charge, Unlimited
from api.live.hub import Hub
from models.events import Publish, discard


@dataclass
class Context:
    """Who asked, which request it is, its loaders, the event bus and the hub."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    request_id: str
    viewer: Viewer = ANONYMOUS
    public_read: bool = True
    publish: Publish = discard
    loaders: Loaders = field(default_factory=Loaders)
    hub: Hub | None = None
    # What a WebSocket client sent in `connection_init` (strawberry fills it in).
    connection_params: dict[str, object] | None = None
    # Admits each operation: prices, slots for expensive ones, the rate limit.
    gate: Gate = field(default_factory=lambda: Gate(Unlimited(), 1, 0))
    # What the operation being run costs and what its charge left of the budget.
    price: Price | None = None
    charge: Charge | None = None

    @property
    def actor(self) -> str:
        """The token name a write is recorded under (mutations require a token)."""
        assert self.viewer.name is not None, "mutations are guarded by CanWrite"
        return self.viewer.name
