"""`/graphql`: HTTP requests through our GraphQL-over-HTTP checks, WebSocket
through Strawberry's view, and the playground's page for a browser.

Every refusal happens before execution: media type, rate, body size, content type,
JSON, parameters, document length, parse, validation (with depth and alias
limits), operation choice, variables, the node limit, the slots for expensive
operations and the operation's price (api.guards.gate). A request is charged one point
when it arrives, so a flood of malformed requests is charged too, and the rest of
its price once its document is checked. Execution is cancelled after the
configured time. Every answer carries the client's RateLimit-* headers.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.http import process_result

from api.core.errors import ErrorCode
from api.guards.auth import Viewer, viewer_of
from api.guards.gate import BusyError, Gate, RateLimitedError, rate_limit_headers
from api.guards.parsing import Admitted
from api.guards.persisted import MalformedPersistedQueryError
from api.guards.rate_limit import Charge
from api.observability.observation import Observation
from api.schema.build import BilateralSchema
from api.settings import Settings
from api.transport.caching import policy_for
from api.transport.graphql_app import BilateralGraphQL
from api.transport.http import (
    LEGACY_JSON,
    GraphQLRequest,
    RequestError,
    http_error_response,
    negotiate,
    read_request,
    request_error_response,
    respond,
)
from api.transport.observed import observation_of, operation_of
from api.transport.replays import KeptAnswer
from api.transport.request_id import HEADER as REQUEST_ID

ARRIVAL_POINTS = 1
# The page a browser gets on `GET /graphql` (the playground), or None for none.
Playground = Callable[[Request], Response] | None


class GraphQLEndpoint:
    """The ASGI app mounted on `/graphql`."""

    def __init__(
        self,
        settings: Settings,
        schema: BilateralSchema,
        view: BilateralGraphQL,
        gate: Gate,
        playground: Playground = None,
    ) -> None:
        self.settings = settings
        self.playground = playground
        self.schema = schema
        self.view = view
        self.gate = gate
        self.cache = view.cache  # one per process, shared with WebSocket queries

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.view(scope, receive, send)
            return
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """Answer one HTTP request to `/graphql`."""
        if self.playground is not None and self._wants_playground(request):
            return self.playground(request)
        media_type = negotiate(request.headers.get("accept"))
        viewer = viewer_of(request)
        observation = observation_of(request)
        charge: Charge | None = None
        try:
            if media_type is None:
                raise RequestError(
                    406,
                    "Accept `application/graphql-response+json` or `application/json`.",
                )
            charge = await self.gate.charge(viewer, request, ARRIVAL_POINTS)
            graphql_request = await read_request(
                request,
                self.settings.limits.body_bytes,
                self.settings.request_timeout_seconds,
            )
            checked = self.check(graphql_request)
            if isinstance(checked, list):
                observation.errors([error.formatted for error in checked])
                headers = rate_limit_headers(charge)
                return request_error_response(checked, media_type, headers)
            observation.admit(*operation_of(checked))
            cost = checked.price.cost
            key = self.cache.key_for(
                checked.query, graphql_request.operation_name, checked, viewer
            )
            generation = await self.cache.generation() if key is not None else 0
            if key is not None and (kept := self.cache.get(key, generation)):
                # A kept answer costs what running it would, but takes no slot.
                charge = await self.gate.charge(viewer, request, cost, paid=charge)
                policy = policy_for(graphql_request.method, viewer)
                headers = rate_limit_headers(charge)
                _mark_kept(request, generation, viewer, checked)
                return respond(kept, 200, media_type, headers, policy)
            with self.gate.slot(checked.price):
                charge = await self.gate.charge(viewer, request, cost, paid=charge)
                result = await self._execute(request, graphql_request, checked, charge)
        except RateLimitedError as refused:
            observation.error(ErrorCode.RATE_LIMITED)
            return _rate_limited(refused, media_type)
        except BusyError as busy:
            observation.error(ErrorCode.SERVICE_UNAVAILABLE, "busy")
            error = _refusal(503, busy, rate_limit_headers(charge))
            return http_error_response(error, media_type)
        except RequestError as error:
            observation.error(error.code)
            error.headers.update(rate_limit_headers(charge))
            return http_error_response(error, media_type)
        body = dict(process_result(result))
        observation.errors(body.get("errors"))
        if key is not None and self.cache.put(key, generation, body):
            _mark_kept(request, generation, viewer, checked)
        policy = policy_for(graphql_request.method, viewer)
        return respond(body, 200, media_type, rate_limit_headers(charge), policy)

    async def charge_replay(
        self, connection: HTTPConnection, kept: KeptAnswer, observation: Observation
    ) -> tuple[list[tuple[bytes, bytes]], ASGIApp | None]:
        """Charge a replayed answer as `handle` charges a cache hit: its arrival,
        then (its operation now known) the rest of its price. The headers to send
        with it, or the refusal to send instead (429)."""
        viewer, request_id = kept.viewer, observation.request_id
        try:
            charge = await self.gate.charge(viewer, connection, ARRIVAL_POINTS)
            observation.admit(kept.operation, kept.kind)
            charge = await self.gate.charge(viewer, connection, kept.cost, paid=charge)
        except RateLimitedError as refused:
            observation.error(ErrorCode.RATE_LIMITED)
            media_type = negotiate(connection.headers.get("accept")) or LEGACY_JSON
            response = _rate_limited(refused, media_type)
            response.headers[REQUEST_ID] = request_id
            return [], response
        headers = {**rate_limit_headers(charge), REQUEST_ID: request_id}
        return [(k.lower().encode(), v.encode()) for k, v in headers.items()], None

    def check(self, graphql_request: GraphQLRequest) -> Admitted | list[GraphQLError]:
        """Refusals of a well-formed request before it runs, or what it will run.

        A document named by hash is looked up first (api.guards.persisted); a
        `persistedQuery` extension that cannot be followed is not well-formed
        (400). A mutation over GET is refused with 405, as the specification requires;
        subscriptions are served over WebSocket only.
        """

        def over_http(operation: OperationDefinitionNode) -> GraphQLError | None:
            kind = operation.operation
            if kind is OperationType.MUTATION and graphql_request.method == "GET":
                raise RequestError(
                    405,
                    "Mutations are not allowed over GET; use POST.",
                    {"Allow": "POST"},
                )
            if kind is OperationType.SUBSCRIPTION:
                return _subscription_over_http()
            return None

        try:
            return self.view.services.persisted.admit(
                self.schema.documents,
                graphql_request.query,
                graphql_request.extensions,
                graphql_request.operation_name,
                graphql_request.variables or {},
                allow=over_http,
            )
        except MalformedPersistedQueryError as malformed:
            raise RequestError(400, malformed.message) from None

    async def _execute(
        self,
        request: Request,
        graphql_request: GraphQLRequest,
        checked: Admitted,
        charge: Charge,
    ) -> Any:
        context = self.view.context_of(request)
        context.charge = charge
        context.price = checked.price
        seconds = self.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(seconds):
                return await self.schema.execute(
                    checked.query,
                    variable_values=checked.variables,
                    context_value=context,
                    operation_name=graphql_request.operation_name,
                )
        except TimeoutError:
            return _timed_out(seconds)

    def _wants_playground(self, request: Request) -> bool:
        return (
            request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )


def _mark_kept(
    request: Request, generation: int, viewer: Viewer, checked: Admitted
) -> None:
    """Tell the replay layer (api.transport.replays) this answer is a kept one."""
    operation, kind = operation_of(checked)
    request.state.kept_answer = KeptAnswer(
        generation, viewer, checked.price.cost, operation, kind
    )


def _rate_limited(refused: RateLimitedError, media_type: str | None) -> Response:
    """429, with the client's budget and the time to wait."""
    error = _refusal(429, refused, rate_limit_headers(refused.charge))
    return http_error_response(error, media_type)


def _refusal(status: int, error: GraphQLError, headers: dict[str, str]) -> RequestError:
    """A refusal by the gate as an HTTP answer, with the time to wait."""
    extensions = error.extensions or {}
    retry = {"Retry-After": str(extensions["retryAfter"])}
    return RequestError(
        status, error.message, {**headers, **retry}, str(extensions["code"])
    )


def _subscription_over_http() -> GraphQLError:
    return GraphQLError(
        "Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql.",
        extensions={"code": ErrorCode.BAD_USER_INPUT},
    )


def _timed_out(seconds: float) -> Any:
    from strawberry.types import ExecutionResult

    error = GraphQLError(
        f"The request ran longer than {seconds:g} s and was cancelled. A write "
        "either committed whole or not at all: retry it with its idempotency key.",
        extensions={"code": ErrorCode.TIMEOUT},
    )
    return ExecutionResult(data=None, errors=[error])
