"""Cache hits answered in one layer: kept answers replayed as they were sent.

An answer the response cache kept was sent as bytes that depend only on the
request's bytes (method, query string, body, and the headers that choose the
viewer, the media type and the coding), on the viewer and on the data. So once
such an answer has gone out, the same request is answered here, outside the
middleware stack, with those bytes again, after what must run for every
request: the request id, authentication (the token is looked up again, so a
revoked one is refused), the rate-limit charge, a read of the data generation
sent after the request arrived (the answer is replayed only at the generation it
was read at, so a write acknowledged by any process is seen), the metrics and
the log line. Anything else (another viewer, a moved generation, a conditional
request, a request not seen before) goes through the whole stack, which answers
and, for a kept answer, leaves its bytes here.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.guards.auth import ANONYMOUS, Viewer, viewer_of_credentials
from api.observability.observation import Observation
from api.transport.bounded import Bounded
from api.transport.request_id import HEADER as REQUEST_ID
from api.transport.request_id import acceptable_request_id, new_request_id
from api.transport.response_cache import ResponseCache

# The request headers an answer's bytes depend on, besides the body.
KEYED_HEADERS = (b"authorization", b"accept", b"accept-encoding", b"content-type")
# Conditional requests may be answered 304: the whole stack decides those.
CONDITIONAL_HEADERS = frozenset({b"if-none-match", b"if-modified-since"})
# Response headers that belong to one request, not to the answer.
PER_REQUEST_HEADERS = frozenset(
    {
        REQUEST_ID.encode(),
        b"ratelimit-limit",
        b"ratelimit-remaining",
        b"ratelimit-reset",
    }
)
ReplayKey = tuple[bytes, ...]


@dataclass(frozen=True)
class KeptAnswer:
    """What the endpoint says of an answer taken from, or put in, the cache."""

    generation: int
    viewer: Viewer
    cost: int
    operation: str | None
    kind: str


@dataclass(frozen=True)
class Replay:
    """An answer as sent, with what it was sent for."""

    kept: KeptAnswer
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


# Charges a replayed request as its observation goes: the headers to add (its
# request id and budget), or the refusal to send instead.
Charger = Callable[
    [HTTPConnection, KeptAnswer, Observation],
    Awaitable[tuple[list[tuple[bytes, bytes]], ASGIApp | None]],
]


class Replays:
    """The kept answers of one process, bounded in entries and bytes."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.sent = 0  # answers replayed
        self._replays: Bounded[ReplayKey, Replay] = Bounded(entries, max_bytes)

    @property
    def entries(self) -> int:
        """How many answers it keeps at most (0: none)."""
        return self._replays.entries

    @property
    def bytes(self) -> int:
        """What the answers kept weigh, with their keys."""
        return self._replays.bytes

    def get(self, key: ReplayKey) -> Replay | None:
        """The answer sent for these request bytes, if kept."""
        replay = self._replays.peek(key)
        if replay is not None:
            self._replays.touch(key)
        return replay

    def put(self, key: ReplayKey, replay: Replay) -> None:
        """Keep an answer as sent, dropping the least recently used past the bounds."""
        size = len(replay.body) + sum(len(part) for part in key)
        self._replays.put(key, replay, size)

    def __len__(self) -> int:
        return len(self._replays)


class ReplayMiddleware:
    """Replays kept answers to `/graphql`; passes everything else through, and
    keeps the answers the endpoint marks as kept."""

    def __init__(
        self,
        app: ASGIApp,
        replays: Replays,
        cache: ResponseCache,
        charge: Charger,
        body_limit: int,
        body_seconds: float | None,
        path: str = "/graphql",
    ) -> None:
        self.app = app
        self.replays = replays
        self.cache = cache
        self.charge = charge
        self.body_limit = body_limit
        self.body_seconds = body_seconds
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = self._replayable_headers(scope)
        if headers is None:
            await self.app(scope, receive, send)
            return
        body: list[Message] = []
        if scope["method"] == "POST":
            body, complete = await self._read_body(receive)
            receive = _replaying(body, receive)
            if not complete:
                await self.app(scope, receive, send)
                return
        key = _key_of(scope, headers, body)
        replay = self.replays.get(key)
        if replay is None or not await self._replayed(scope, headers, replay, send):
            await self.app(scope, receive, self._keeping(scope, key, send))

    def _replayable_headers(self, scope: Scope) -> dict[bytes, bytes] | None:
        """The request's headers (by lower-case name) when it may be a replay."""
        if scope["type"] != "http" or scope["path"] != self.path:
            return None
        if scope["method"] not in ("GET", "POST") or self.replays.entries <= 0:
            return None
        headers = {name.lower(): value for name, value in scope["headers"]}
        if not CONDITIONAL_HEADERS.isdisjoint(headers):
            return None
        return headers  # a repeated header: its last value, in the key and here

    async def _read_body(self, receive: Receive) -> tuple[list[Message], bool]:
        """The request's body messages, and whether they hold all of it in time
        and within the limit (the whole stack refuses the rest)."""
        messages: list[Message] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_seconds):
                while True:
                    message = await receive()
                    messages.append(message)
                    if message["type"] != "http.request":
                        return messages, False
                    size += len(message.get("body", b""))
                    if size > self.body_limit:
                        return messages, False
                    if not message.get("more_body", False):
                        return messages, True
        except TimeoutError:
            return messages, False

    async def _replayed(
        self, scope: Scope, headers: dict[bytes, bytes], replay: Replay, send: Send
    ) -> bool:
        """Send the kept answer if it still holds for this request."""
        viewer = await _viewer(headers.get(b"authorization"))
        if viewer != replay.kept.viewer:
            return False  # unknown or revoked token, or another viewer
        if await self.cache.generation() != replay.kept.generation:
            return False  # the data moved on: the whole stack answers afresh
        observation = Observation(_request_id(scope, headers))
        observation.viewer = viewer.name
        self.cache.count_hit()  # found, as the endpoint counts before it charges
        connection = HTTPConnection(scope)
        budget, refusal = await self.charge(connection, replay.kept, observation)
        if refusal is not None:
            await refusal(scope, _nothing, send)
            observation.finish(429)
            return True
        start = {
            "type": "http.response.start",
            "status": replay.status,
            "headers": [*replay.headers, *budget],
        }
        await send(start)
        await send({"type": "http.response.body", "body": replay.body})
        self.replays.sent += 1
        observation.finish(replay.status)
        return True

    def _keeping(self, scope: Scope, key: ReplayKey, send: Send) -> Send:
        """`send`, noting the answer as sent when the endpoint kept it."""
        start: Message | None = None
        kept: KeptAnswer | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start, kept
            await send(message)
            if message["type"] == "http.response.start":
                found = scope.get("state", {}).get("kept_answer")
                kept = found if isinstance(found, KeptAnswer) else None
                start = (
                    message if kept is not None and message["status"] == 200 else None
                )
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and kept is not None:
                    self.replays.put(key, _replay_of(kept, start, b"".join(chunks)))

        return keep


def _replay_of(kept: KeptAnswer, start: Message, body: bytes) -> Replay:
    """An answer as sent, less the headers that belong to its request alone."""
    headers = [
        (name, value)
        for name, value in start["headers"]
        if name.lower() not in PER_REQUEST_HEADERS
    ]
    return Replay(kept, start["status"], headers, body)


def _key_of(
    scope: Scope, headers: dict[bytes, bytes], body: list[Message]
) -> ReplayKey:
    keyed = tuple(headers.get(name, b"") for name in KEYED_HEADERS)
    content = b"".join(message.get("body", b"") for message in body)
    return (scope["method"].encode(), scope["query_string"], content, *keyed)


async def _viewer(authorization: bytes | None) -> Viewer | None:
    if authorization is None:
        return ANONYMOUS
    return await viewer_of_credentials(authorization.decode("latin-1"))


def _request_id(scope: Scope, headers: dict[bytes, bytes]) -> str:
    incoming = headers.get(REQUEST_ID.encode(), b"").decode("latin-1")
    found = incoming if acceptable_request_id(incoming) else new_request_id()
    scope.setdefault("state", {})["request_id"] = found
    return found


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that hands out the messages already read, then reads on."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
