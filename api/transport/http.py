"""GraphQL over HTTP, as the graphql-over-http specification has it.

Requests are GET (queries only) or POST with `application/json`; responses are
`application/graphql-response+json` when the client accepts it, else
`application/json`. A request that is not well-formed (bad JSON, a `query` that is
not a string, ...) gets 400 under either. A well-formed request refused before
execution (a parse, validation, limit or variable error) gets 400 under the new
media type and 200 under `application/json`; its body has `errors` and no `data`.
Anything executed gets 200, except that under the new media type an execution
that produced no data because the database refused to write (SERVICE_UNAVAILABLE)
gets 503 with `Retry-After`. A body that has not fully arrived within the request
timeout gets 408.
"""

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.core.errors import ErrorCode
from api.guards.persisted import names_persisted_query
from api.transport.caching import CachePolicy, make_revalidatable
from models.failures import refusal_message, write_refusal

GRAPHQL_RESPONSE = "application/graphql-response+json"
LEGACY_JSON = "application/json"
RETRY_AFTER_SECONDS = 30


class RequestError(Exception):
    """A request refused at the HTTP level, with its status and headers."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        code: str = ErrorCode.BAD_REQUEST,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.code = code


@dataclass(frozen=True)
class GraphQLRequest:
    """The parameters of one GraphQL-over-HTTP request, checked for type."""

    # None when the document is named by hash only (a persisted query).
    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None
    method: str


class GraphQLResponse(JSONResponse):
    """A JSON body in the negotiated media type, always UTF-8."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content  # an answer encoded once, kept by the response cache
        try:
            return orjson.dumps(content)
        except orjson.JSONEncodeError:
            # A lone surrogate echoed from the request: JSON escapes keep it valid.
            return json.dumps(content, separators=(",", ":")).encode()


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, or None when the client accepts neither.

    An explicit type wins over a wildcard, and the newer media type wins a tie
    between explicit ones; a bare wildcard (`*/*`) gets `application/json`, which
    every client reads. No Accept header means the newer type, as the
    specification says since 2025.
    """
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE
    ranges = [_media_range(part) for part in accept.split(",") if part.strip()]
    best: tuple[float, int, bool, str] | None = None
    for candidate in (GRAPHQL_RESPONSE, LEGACY_JSON):
        matches = [
            (specificity, q)
            for media, q in ranges
            if (specificity := _specificity(media, candidate)) is not None
        ]
        if not matches:
            continue
        specificity, q = max(matches)  # the most specific range decides
        if q <= 0:
            continue
        preferred = (candidate == GRAPHQL_RESPONSE) == (specificity == 2)
        key = (q, specificity, preferred, candidate)
        if best is None or key > best:
            best = key
    return best[3] if best else None


def _media_range(part: str) -> tuple[str, float]:
    media, *parameters = (piece.strip() for piece in part.split(";"))
    q = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
    return media.lower(), q


def _specificity(media: str, candidate: str) -> int | None:
    if media == candidate:
        return 2
    if media == "application/*":
        return 1
    if media == "*/*":
        return 0
    return None


async def read_request(
    request: Request, body_limit: int, body_seconds: float | None = None
) -> GraphQLRequest:
    """The GraphQL parameters of a GET or POST, or a RequestError saying why not.

    The body must arrive whole within `body_seconds` (when given), else 408.
    """
    if request.method == "GET":
        return _from_query_string(request)
    if request.method != "POST":
        raise RequestError(
            405,
            "GraphQL is served over GET (queries) and POST.",
            {"Allow": "GET, POST"},
        )
    _check_content_type(request.headers.get("content-type"))
    body = await _read_body_in_time(request, body_limit, body_seconds)
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise RequestError(400, "The request body is not valid UTF-8.") from None
    except (ValueError, RecursionError):
        raise RequestError(400, "The request body is not valid JSON.") from None
    if isinstance(payload, list):
        raise RequestError(400, "Batching is not supported: send one operation.")
    if not isinstance(payload, dict):
        raise RequestError(400, "The request body must be a JSON object.")
    return _parameters(payload, "POST")


def _check_content_type(header: str | None) -> None:
    if header is None:
        raise RequestError(
            415, "Send the request with `Content-Type: application/json`."
        )
    media, *parameters = (piece.strip().lower() for piece in header.split(";"))
    charsets = [
        p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset")
    ]
    if media != LEGACY_JSON or any(c not in ("utf-8", "utf8") for c in charsets):
        raise RequestError(
            415,
            f"Unsupported content type '{header[:100]}': send "
            "`application/json` (UTF-8).",
        )


async def _read_body_in_time(
    request: Request, limit: int, seconds: float | None
) -> bytes:
    try:
        async with asyncio.timeout(seconds):
            return await _read_body(request, limit)
    except TimeoutError:
        raise RequestError(
            408,
            f"The request body did not arrive within {seconds:g} s.",
            {"Connection": "close"},
            ErrorCode.TIMEOUT,
        ) from None


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> RequestError:
    return RequestError(413, f"The request body is over the limit of {limit:,} bytes.")


def _from_query_string(request: Request) -> GraphQLRequest:
    params = request.query_params
    given: dict[str, Any] = {}
    for name in ("query", "operationName", "variables", "extensions"):
        values = params.getlist(name)
        if len(values) > 1:
            raise RequestError(400, f"`{name}` is given more than once.")
        if values:
            given[name] = values[0]
    if given.get("operationName") == "":
        del given["operationName"]
    for name in ("variables", "extensions"):
        if name in given:
            try:
                given[name] = json.loads(given[name])
            except (ValueError, RecursionError):
                raise RequestError(
                    400, f"`{name}` must be a JSON-encoded object."
                ) from None
    return _parameters(given, "GET")


def _parameters(payload: dict[str, Any], method: str) -> GraphQLRequest:
    query = payload.get("query")
    if not isinstance(query, str) and not _names_its_document_by_hash(payload):
        raise RequestError(400, "`query` is required and must be a string.")
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        raise RequestError(400, "`operationName` must be a string or null.")
    for key in ("variables", "extensions"):
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            raise RequestError(400, f"`{key}` must be an object or null.")
    return GraphQLRequest(
        query, name, payload.get("variables"), payload.get("extensions"), method
    )


def _names_its_document_by_hash(payload: dict[str, Any]) -> bool:
    """A persisted query may leave `query` out, or null (api.guards.persisted)."""
    extensions = payload.get("extensions")
    return payload.get("query") is None and names_persisted_query(extensions)


def request_error_response(
    errors: list[GraphQLError], media_type: str, headers: Mapping[str, str]
) -> Response:
    """Errors raised before execution: no `data`; 400 under the new media type."""
    status = 400 if media_type == GRAPHQL_RESPONSE else 200
    body = {"errors": [error.formatted for error in errors]}
    return respond(body, status, media_type, headers)


def http_error_response(error: RequestError, media_type: str | None) -> Response:
    """A request that is not well-formed GraphQL over HTTP."""
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    return respond(body, error.status, media_type or LEGACY_JSON, error.headers)


def respond(
    body: dict[str, Any] | bytes,
    status: int,
    media_type: str,
    headers: Mapping[str, str],
    cache: CachePolicy = CachePolicy.NO_STORE,
) -> Response:
    """A JSON response in the given media type, UTF-8, varying by Accept.

    An execution result with no data because the database refused a write is 503
    under the new media type (where the specification leaves the status to us),
    and keeps its status under `application/json`. Only an answer of 200 without
    errors is kept by caches, under `cache`, with an entity tag; any other is
    `no-store`. A body already encoded is an answer the response cache kept,
    which it keeps only without errors.
    """
    answer = body if isinstance(body, dict) else {}
    if status == 200 and media_type == GRAPHQL_RESPONSE and _is_unavailable(answer):
        status = 503
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS), **headers}
    response = GraphQLResponse(
        body,
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
        headers={"Vary": "Accept", "Cache-Control": CachePolicy.NO_STORE, **headers},
    )
    if cache is not CachePolicy.NO_STORE and status == 200 and "errors" not in answer:
        make_revalidatable(response, cache)
    return response


def _is_unavailable(body: dict[str, Any]) -> bool:
    if "data" not in body or body["data"] is not None:
        return False
    return any(
        (error.get("extensions") or {}).get("code") == ErrorCode.SERVICE_UNAVAILABLE
        for error in body.get("errors") or []
    )


async def refused_write_response(request: Request, error: Exception) -> Response:
    """A write the database refused outside GraphQL execution (e.g. the shared
    rate-limit window on a read-only PostgreSQL): 503, saying why; others re-raise."""
    refusal = write_refusal(error)
    if refusal is None:
        raise error
    refused = RequestError(
        503,
        refusal_message(refusal),
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
        ErrorCode.SERVICE_UNAVAILABLE,
    )
    return http_error_response(refused, negotiate(request.headers.get("accept")))
