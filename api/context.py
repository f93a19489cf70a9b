"""The per-request context handed to every resolver, and the app's services."""

from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.core.loaders import Loaders
from api.guards.auth import ANONYMOUS, Viewer
from api.guards.cost import Price
from api.guards.gate import Gate
from api.guards.persisted import PersistedDocuments
from api.guards.rate_limit import Charge
from api.live.hub import Hub
from models.events import Publish


@dataclass(frozen=True)
class Services:
    """What lives as long as the app, built once (api.app.build_services)."""

    # Where operations send their events: the event bus between processes.
    publish: Publish
    # Feeds subscribers from the bus.
    hub: Hub
    # Admits each operation: prices, slots for expensive ones, the rate limit.
    gate: Gate
    # Whether anonymous clients may read (BILATERAL_PUBLIC_READ).
    public_read: bool = True
    # Documents known by hash: registered by clients (APQ), or the trusted ones.
    persisted: PersistedDocuments = field(default_factory=PersistedDocuments)


@dataclass
class Context:
    """Who asked, which request it is, its loaders, and the app's services."""

    request: Request | WebSocket
    response: Response | WebSocket | None
    request_id: str
    services: Services
    viewer: Viewer = ANONYMOUS
    loaders: Loaders = field(default_factory=Loaders)
    # What a WebSocket client sent in `connection_init` (strawberry fills it in).
    connection_params: dict[str, object] | None = None
    # What the operation being run costs and what its charge left of the budget.
    price: Price | None = None
    charge: Charge | None = None

    @property
    def actor(self) -> str:
        """The token name a write is recorded under (mutations require a token)."""
        assert self.viewer.name is not None, "mutations are guarded by CanWrite"
        return self.viewer.name
