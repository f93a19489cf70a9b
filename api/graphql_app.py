"""The GraphQL endpoint: Strawberry's ASGI view with our per-request context."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.context import Context
from api.request_id import request_id_of
from api.schema import schema
from api.settings import Settings


class BilateralGraphQL(GraphQL[Context, None]):
    """Serves `/graphql`: queries over GET and POST, GraphiQL in a browser."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request, response=response, request_id=request_id_of(request)
        )


def graphql_app(settings: Settings) -> BilateralGraphQL:
    """The endpoint configured from settings."""
    return BilateralGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
