"""HTTP caching of `/graphql` answers: Cache-Control, entity tags and 304.

A query answered over GET without errors may be kept and revalidated: by any
cache when it was asked anonymously (`public`), by the client's own cache only
when a bearer token asked (`private`); every other answer is `no-store`. A
revalidatable answer carries a strong entity tag: a digest of its exact body,
which is deterministic (orjson writes the result's fields in the order the query
asked for them), so an unchanged answer keeps its tag.

Compression (api.transport.compression) runs between the answer and
`ConditionalGetMiddleware`, so the middleware sees the representation as it is
sent. A content-coded representation differs byte for byte from the identity
one, so it gets its own strong tag, the identity tag with the coding appended
(`"…-gzip"`), as RFC 9110 §8.8.3.3 has it; `If-None-Match` is compared with the
tag of the representation this request would get, by weak comparison (§13.1.2).
"""

import hashlib
import re
from collections.abc import Iterable
from email.utils import parsedate_to_datetime
from enum import StrEnum

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.guards.auth import Viewer

# Whether the answer varies by these is decided here; by Accept-Encoding, by the
# compression, once the body is large enough to be compressed.
REVALIDATED_VARY = "Accept, Authorization"
_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')
# What a 304 keeps besides these fields: what a cache needs to update its copy.
_REPRESENTATION_FIELDS = ("content-type", "content-length", "content-encoding")


class CachePolicy(StrEnum):
    """The `Cache-Control` of an answer: who may keep it, and for how long."""

    NO_STORE = "no-store"
    PUBLIC = "public, max-age=0, must-revalidate"
    PRIVATE = "private, max-age=0, must-revalidate"


def policy_for(method: str, viewer: Viewer) -> CachePolicy:
    """The policy for a query executed over `method` on behalf of `viewer`.

    Over GET only queries run; POST answers (mutations included) are never kept.
    """
    if method != "GET":
        return CachePolicy.NO_STORE
    return CachePolicy.PUBLIC if viewer.is_anonymous else CachePolicy.PRIVATE


def entity_tag(body: bytes | memoryview) -> str:
    """A strong entity tag for these exact bytes."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def make_revalidatable(response: Response, policy: CachePolicy) -> None:
    """Give an answer its entity tag and let caches keep it under `policy`."""
    response.headers["ETag"] = entity_tag(response.body)
    response.headers["Cache-Control"] = policy
    response.headers["Vary"] = REVALIDATED_VARY


def matches(if_none_match: Iterable[str], tag: str) -> bool:
    """Whether `If-None-Match` names `tag` (weak comparison) or is `*`."""
    wanted = ",".join(if_none_match)
    if wanted.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(
        candidate.removeprefix("W/") == opaque
        for candidate in _ENTITY_TAG.findall(wanted)
    )


class ConditionalGetMiddleware:
    """Answer 304 Not Modified to a GET that already holds the answer it would get:
    by its entity tag (`If-None-Match`), or else by its date (`If-Modified-Since`
    against the answer's `Last-Modified`, which the feeds send).

    The answer is still produced (its tag is computed from its body) and then
    replaced by a 304 that keeps every header but the representation's own
    (type, length, coding), so `ETag`, `Cache-Control`, `Vary`, `RateLimit-*` and
    `X-Request-ID` reach the client.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)  # only a GET is conditional
            return
        request_headers = Headers(scope=scope)
        if_none_match = request_headers.getlist("if-none-match")
        if_modified_since = request_headers.get("if-modified-since")
        answered = False

        def holds(headers: MutableHeaders, tag: str | None) -> bool:
            """Whether the client's copy is this answer (RFC 9110 §13.2.2)."""
            if if_none_match:
                return tag is not None and matches(if_none_match, tag)
            return not_modified_since(headers.get("last-modified"), if_modified_since)

        async def send_conditionally(message: Message) -> None:
            nonlocal answered
            if answered:
                return  # the body of an answer replaced by 304
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                tag = _tag_of_representation(headers)
                fresh = message["status"] == 200
                if fresh and holds(headers, tag):
                    answered = True
                    await send(_not_modified(message))
                    await send({"type": "http.response.body", "body": b""})
                    return
            await send(message)

        await self.app(scope, receive, send_conditionally)


def not_modified_since(last_modified: str | None, since: str | None) -> bool:
    """Whether an answer last modified then is no newer than `If-Modified-Since`.

    A date that cannot be read counts as not sent (RFC 9110 §13.1.3).
    """
    if last_modified is None or since is None:
        return False
    try:
        modified, held = (
            parsedate_to_datetime(last_modified),
            parsedate_to_datetime(since),
        )
    except (TypeError, ValueError):
        return False
    if modified.tzinfo is None or held.tzinfo is None:
        return False
    return modified <= held


def _tag_of_representation(headers: MutableHeaders) -> str | None:
    """The answer's entity tag, made the coded representation's own if coded."""
    tag = headers.get("etag")
    coding = headers.get("content-encoding", "identity").strip().lower()
    if tag is None or tag.startswith("W/") or coding == "identity":
        return tag
    headers["ETag"] = f'{tag[:-1]}-{coding}"'
    return headers["ETag"]


def _not_modified(start: Message) -> Message:
    kept = [
        (name, value)
        for name, value in start["headers"]
        if name.lower().decode("latin-1") not in _REPRESENTATION_FIELDS
    ]
    return {"type": "http.response.start", "status": 304, "headers": kept}
