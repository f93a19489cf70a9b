"""Every request to `/graphql` observed: one log line and its metrics.

The middleware sits just inside the request ids, outside authentication, so a
request refused for its token (401) is counted and logged like any other. The
endpoint fills the request's Observation in (its operation, its error codes);
the middleware finishes it with the status sent. A WebSocket connection is
counted while it is open; its operations are observed one by one by the
WebSocket handler (api.transport.graphql_app).
"""

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bound_contextvars

from api.guards.auth import viewer_of
from api.guards.parsing import Admitted
from api.observability import metrics
from api.observability.observation import Observation, current
from api.transport.request_id import request_id_of


class ObservedRequestsMiddleware:
    """Times and records each GraphQL request on `path`."""

    def __init__(self, app: ASGIApp, path: str = "/graphql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(HTTPConnection(scope))
        with bound_contextvars(request_id=request_id):
            if scope["type"] == "websocket":
                with metrics.WEBSOCKETS.track_inprogress():
                    await self.app(scope, receive, send)
                return
            await self._observe(scope, receive, send, Observation(request_id))

    async def _observe(
        self, scope: Scope, receive: Receive, send: Send, observation: Observation
    ) -> None:
        status = 500  # unless a response starts: an exception escaped
        token = current.set(observation)
        scope.setdefault("state", {})["observation"] = observation

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            current.reset(token)
            if status == 401 and not observation.codes:
                observation.error("UNAUTHENTICATED")
            observation.viewer = viewer_of(HTTPConnection(scope)).name
            observation.finish(status)


def observation_of(connection: HTTPConnection) -> Observation:
    """The Observation of this request (a detached one outside the middleware)."""
    found = connection.scope.get("state", {}).get("observation")
    if isinstance(found, Observation):
        return found
    return Observation(request_id_of(connection))


def operation_of(admitted: Admitted) -> tuple[str | None, str]:
    """The admitted operation's name (None if it has none) and type."""
    operation = admitted.operation
    name = operation.name.value if operation.name is not None else None
    return name, operation.operation.value
