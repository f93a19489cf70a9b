"""Strawberry's ASGI view: WebSocket, with our per-request context.

HTTP requests are served by api.transport.endpoint; subscriptions come over
WebSocket, with the graphql-transport-ws protocol only. Each operation on a
WebSocket is admitted as an HTTP request is: its token must still be active (one
query, as authenticating an HTTP request costs), its document goes through the
schema's one document pipeline, and its price is charged to the same budget. A
`subscribe` payload may name its document by hash in `extensions.persistedQuery`,
as an HTTP request may (api.guards.persisted).

Browsers cannot set headers on a WebSocket, so a token may also come in the
`connection_init` payload as `{"authorization": "Bearer <secret>"}`; a bad one
closes the connection with 4403.
"""

from contextlib import nullcontext
from datetime import timedelta
from typing import Any

import orjson
from graphql import GraphQLError, OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    SubscribeMessage,
)
from strawberry.types.unset import UnsetType

from api.context import Context, Services
from api.core.errors import ErrorCode
from api.guards.auth import viewer_of, viewer_of_credentials
from api.guards.parsing import Admitted
from api.guards.permissions import AuthorizationError
from api.guards.persisted import names_persisted_query
from api.observability.observation import Observation, current
from api.schema.build import BilateralSchema
from api.schema.build import schema as default_schema
from api.settings import Settings
from api.transport.observed import operation_of
from api.transport.request_id import request_id_of
from api.transport.response_cache import CacheKey, ResponseCache
from models.tokens import is_active


class AdmittingTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, with every operation admitted before it runs.

    A refusal is an `error` message for that operation; the connection stays open.
    """

    schema: BilateralSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The operations of this connection still to be recorded, by id.
        self.observations: dict[str, Observation] = {}
        # The queries running to be kept: their cache key and the generation
        # read before they ran, by id.
        self.keeping: dict[str, tuple[CacheKey, int]] = {}

    @property
    def cache(self) -> ResponseCache:
        """The process's response cache, shared with HTTP."""
        view = self.view
        assert isinstance(view, BilateralGraphQL)
        return view.cache

    async def send_message(self, message: Any) -> None:
        """Note the errors of an operation's first answer, and record it then: a
        query's or mutation's result, or a subscription's first event or error."""
        operation_id = str(message.get("id"))
        kept = self.keeping.pop(operation_id, None)
        if kept is not None and message.get("type") == "next":
            self.cache.put(*kept, message["payload"])
        observation = self.observations.pop(operation_id, None)
        if observation is not None:
            payload = message.get("payload")
            if message.get("type") == "error" and isinstance(payload, list):
                observation.errors(payload)
            elif message.get("type") == "next" and isinstance(payload, dict):
                observation.errors(payload.get("errors"))
            observation.finish()
        await super().send_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Keep a payload's extensions with its query, which may be absent when it
        names a persisted query: Strawberry's Operation holds the query only."""
        payload: Any = message.get("payload")
        if isinstance(payload, dict):
            extensions = payload.get("extensions")
            query = payload.get("query")
            if isinstance(query, str) or (
                query is None and names_persisted_query(extensions)
            ):
                payload["query"] = RequestedDocument(query, extensions)
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        context = self.context
        observation = Observation(
            context.request_id, transport="websocket", viewer=context.viewer.name
        )
        self.observations[operation.id] = observation
        token = current.set(observation)
        try:
            await self._admit_and_run(operation, observation)
        finally:
            current.reset(token)
            if self.observations.pop(operation.id, None) is not None:
                observation.finish()

    async def _admit_and_run(
        self, operation: Operation[Context, None], observation: Observation
    ) -> None:
        context = self.context
        try:
            await _refuse_revoked(context.viewer.name)
            query, extensions = RequestedDocument.parts(operation.query)
            admitted = context.services.persisted.admit(
                self.schema.documents,
                query,
                extensions,
                operation.operation_name,
                dict(operation.variables or {}),
            )
            if isinstance(admitted, list):
                await operation.send_initial_errors(admitted)
                return
            observation.admit(*operation_of(admitted))
            operation.query = admitted.query  # the stored text, when named by hash
            gate, price = context.services.gate, admitted.price
            # A subscription holds no slot for expensive operations while it lives.
            kind = admitted.operation.operation
            held: Any = (
                nullcontext()
                if kind is OperationType.SUBSCRIPTION
                else gate.slot(price)
            )
            if kind is OperationType.QUERY and await self._answered_from_cache(
                operation, admitted
            ):
                return
            with held:
                charge = await gate.charge(context.viewer, context.request, price.cost)
                context.charge, context.price = charge, price
                await super().run_operation(operation)
        except GraphQLError as refused:
            await operation.send_initial_errors([refused])
        finally:
            self.keeping.pop(operation.id, None)

    async def _answered_from_cache(
        self, operation: Operation[Context, None], admitted: Admitted
    ) -> bool:
        """Answer a query from the response cache, as HTTP does, charged as if it
        ran; or note under which key and generation to keep its answer."""
        cache, context = self.cache, self.context
        key = cache.key_for(
            admitted.query, operation.operation_name, admitted, context.viewer
        )
        if key is None:
            return False
        generation = await cache.generation()
        kept = cache.get(key, generation)
        if kept is None:
            self.keeping[operation.id] = (key, generation)
            return False
        gate = context.services.gate
        await gate.charge(context.viewer, context.request, admitted.price.cost)
        answer = orjson.loads(kept)
        await operation.send_operation_message(
            {"id": operation.id, "type": "next", "payload": answer}
        )
        await operation.send_operation_message({"id": operation.id, "type": "complete"})
        return True


class RequestedDocument(str):
    """A subscribe payload's query as Strawberry's Operation carries it, with the
    payload's extensions (a persisted query's hash) and whether text was given."""

    query: str | None
    extensions: dict[str, Any] | None

    def __new__(cls, query: str | None, extensions: Any) -> "RequestedDocument":
        requested = super().__new__(cls, query or "")
        requested.query = query
        requested.extensions = extensions if isinstance(extensions, dict) else None
        return requested

    @staticmethod
    def parts(query: str) -> tuple[str | None, dict[str, Any] | None]:
        """The query text (None if named by hash only) and the extensions."""
        if isinstance(query, RequestedDocument):
            return query.query, query.extensions
        return query, None


async def _refuse_revoked(name: str | None) -> None:
    """A connection's token may have been revoked since it connected."""
    if name is not None and not await is_active(name):
        raise AuthorizationError(
            ErrorCode.UNAUTHENTICATED,
            f"The token '{name}' has been revoked; connect again with an active one.",
        )


class BilateralGraphQL(GraphQL[Context, None]):
    """Serves `/graphql` over WebSocket."""

    graphql_transport_ws_handler_class = AdmittingTransportWS

    def __init__(
        self,
        settings: Settings,
        services: Services,
        schema: BilateralSchema = default_schema,
    ) -> None:
        self.cache = ResponseCache(
            settings.response_cache_entries, settings.response_cache_bytes
        )
        super().__init__(
            schema,
            # The playground is our own page (api.web), not Strawberry's CDN one.
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(
                seconds=settings.connection_init_seconds
            ),
            max_subscriptions_per_connection=settings.max_subscriptions,
            allowed_origins=settings.allowed_origins,
        )
        self.services = services

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
            services=self.services,
            viewer=viewer_of(request),
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
