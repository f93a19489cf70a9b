"""The GraphQL endpoint: Strawberry's ASGI view with our per-request context."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.auth import viewer_of
from api.context import Context
from api.request_id import request_id_of
from api.schema import schema
from api.settings import Settings
from models.events import Publish, discard


class BilateralGraphQL(GraphQL[Context, None]):
    """Serves `/graphql`: queries over GET and POST, GraphiQL in a browser."""

    def __init__(self, settings: Settings, publish: Publish) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.settings = settings
        self.publish = publish

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request,
            response=response,
            request_id=request_id_of(request),
            viewer=viewer_of(request),
            public_read=self.settings.public_read,
            publish=self.publish,
        )


def graphql_app(settings: Settings, publish: Publish = discard) -> BilateralGraphQL:
    """The endpoint configured from settings, publishing events to `publish`."""
    return BilateralGraphQL(settings, publish)
