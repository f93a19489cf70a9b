"""Strawberry's ASGI view: WebSocket and GraphiQL, with our per-request context.

HTTP requests are served by api.transport.endpoint; subscriptions come over
WebSocket, with the graphql-transport-ws protocol only. Browsers cannot set headers
on a WebSocket, so a token may also come in the `connection_init` payload as
`{"authorization": "Bearer <secret>"}`; a bad one closes the connection with 4403.
"""

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from api.context import Context
from api.guards.auth import viewer_of, viewer_of_credentials
from api.guards.gate import Gate
from api.live.hub import Hub
from api.schema.build import BilateralSchema
from api.schema.build import schema as default_schema
from api.settings import Settings
from api.transport.request_id import request_id_of
from models.events import Publish


class BilateralGraphQL(GraphQL[Context, None]):
    """Serves `/graphql`: queries over GET and POST, GraphiQL in a browser."""

    def __init__(
        self,
        settings: Settings,
        publish: Publish,
        hub: Hub,
        gate: Gate,
        schema: BilateralSchema = default_schema,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(
                seconds=settings.connection_init_seconds
            ),
            max_subscriptions_per_connection=settings.max_subscriptions,
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings
        self.publish = publish
        self.hub = hub
        self.gate = gate

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return self.context_of(request, response)

    def context_of(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket | None = None,
    ) -> Context:
        """The context of one request or WebSocket connection."""
        return Context(
            request=request,
            response=response,
            request_id=request_id_of(request),
            viewer=viewer_of(request),
            public_read=self.settings.public_read,
            publish=self.publish,
            hub=self.hub,
            gate=self.gate,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object]:
        """Take the token from `connection_init`, when the client sent one there."""
        credentials = (context.connection_params or {}).get("authorization")
        if credentials is None:
            return UnsetType()
        viewer = None
        if isinstance(credentials, str):
            viewer = await viewer_of_credentials(credentials)
        if viewer is None:
            raise ConnectionRejectionError()
        context.viewer = viewer
        return UnsetType()
