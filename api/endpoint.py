"""`/graphql`: HTTP requests through our GraphQL-over-HTTP checks, WebSocket and
GraphiQL through Strawberry's view.

Every refusal happens before execution and costs no query of the database: media
type, rate, body size, content type, JSON, parameters, document length, parse,
validation (with depth and alias limits), operation choice, variables and the
node limit. Execution is cancelled after the configured time.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.http import process_result

from api.documents import DocumentRules, prepare
from api.errors import BAD_USER_INPUT, TIMEOUT
from api.graphql_app import BilateralGraphQL
from api.http import (
    GraphQLRequest,
    RequestError,
    http_error_response,
    negotiate,
    read_request,
    request_error_response,
    respond,
)
from api.limits import document_length_error, node_count, node_limit_error
from api.rate_limit import RateLimiter, rate_key
from api.schema import BilateralSchema
from api.settings import Settings

RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class Accepted:
    """A request that passed every check before execution."""

    operation: OperationDefinitionNode
    variables: dict[str, Any]


class GraphQLEndpoint:
    """The ASGI app mounted on `/graphql`."""

    def __init__(
        self,
        settings: Settings,
        schema: BilateralSchema,
        view: BilateralGraphQL,
        limiter: RateLimiter,
    ) -> None:
        self.settings = settings
        self.schema = schema
        self.view = view
        self.limiter = limiter
        self.rules = DocumentRules(
            schema._schema, settings.limits, settings.introspection
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.view(scope, receive, send)
            return
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """Answer one HTTP request to `/graphql`."""
        if self._wants_graphiql(request):
            page = await self.view.render_graphql_ide(request)
            page.headers["Vary"] = "Accept"  # the same URL answers JSON otherwise
            return page
        media_type = negotiate(request.headers.get("accept"))
        try:
            if media_type is None:
                raise RequestError(
                    406,
                    "Accept `application/graphql-response+json` or `application/json`.",
                )
            await self._charge(request, self.settings.query_cost)
            graphql_request = await read_request(
                request,
                self.settings.limits.body_bytes,
                self.settings.request_timeout_seconds,
            )
            checked = self.check(graphql_request)
            if isinstance(checked, list):
                return request_error_response(checked, media_type, {})
            if checked.operation.operation is OperationType.MUTATION:
                extra = self.settings.mutation_cost - self.settings.query_cost
                await self._charge(request, extra)
            result = await self._execute(request, graphql_request, checked)
        except RequestError as error:
            return http_error_response(error, media_type)
        return respond(dict(process_result(result)), 200, media_type, {})

    def check(self, graphql_request: GraphQLRequest) -> Accepted | list[GraphQLError]:
        """Refusals of a well-formed request before it runs, or what it will run.

        A mutation over GET is refused with 405, as the specification requires.
        """
        query = graphql_request.query
        if (too_long := document_length_error(query, self.rules.limits)) is not None:
            return [too_long]
        document = prepare(query, self.rules)
        if document.errors:
            return document.errors
        operation = document.operation(graphql_request.operation_name)
        if isinstance(operation, GraphQLError):
            return [operation]
        kind = operation.operation
        if kind is OperationType.MUTATION and graphql_request.method == "GET":
            raise RequestError(
                405, "Mutations are not allowed over GET; use POST.", {"Allow": "POST"}
            )
        if kind is OperationType.SUBSCRIPTION:
            return [_subscription_over_http()]
        coerced = document.coerce(operation, graphql_request.variables or {})
        if isinstance(coerced, list):
            return coerced
        assert document.ast is not None
        count = node_count(self.rules.schema, document.ast, operation, coerced)
        if (too_many := node_limit_error(count, self.rules.limits)) is not None:
            return [too_many]
        return Accepted(operation, graphql_request.variables or {})

    async def _execute(
        self, request: Request, graphql_request: GraphQLRequest, checked: Accepted
    ) -> Any:
        context = self.view.context_of(request)
        context.limits_checked = True
        seconds = self.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(seconds):
                return await self.schema.execute(
                    graphql_request.query,
                    variable_values=checked.variables,
                    context_value=context,
                    operation_name=graphql_request.operation_name,
                )
        except TimeoutError:
            return _timed_out(seconds)

    async def _charge(self, request: Request, cost: int) -> None:
        retry_after = await self.limiter.charge(rate_key(request), cost)
        if retry_after is not None:
            raise RequestError(
                429,
                f"Too many requests: the budget is {self.settings.rate_limit:,} "
                f"points a minute (a query costs {self.settings.query_cost}, a "
                f"mutation {self.settings.mutation_cost}). Retry in {retry_after} s.",
                {"Retry-After": str(retry_after)},
                RATE_LIMITED,
            )

    def _wants_graphiql(self, request: Request) -> bool:
        return (
            self.settings.graphiql
            and request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )


def _subscription_over_http() -> GraphQLError:
    return GraphQLError(
        "Subscriptions are served over WebSocket (graphql-transport-ws) on /graphql.",
        extensions={"code": BAD_USER_INPUT},
    )


def _timed_out(seconds: float) -> Any:
    from strawberry.types import ExecutionResult

    error = GraphQLError(
        f"The request ran longer than {seconds:g} s and was cancelled. A write "
        "either committed whole or not at all: retry it with its idempotency key.",
        extensions={"code": TIMEOUT},
    )
    return ExecutionResult(data=None, errors=[error])
