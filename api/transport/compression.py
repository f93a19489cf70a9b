"""Compression of HTTP answers: zstd, Brotli or gzip, whichever the client accepts.

starlette-compress chooses, among the codings the client accepts, zstd, then
Brotli, then gzip, and adds `Accept-Encoding` to `Vary`. A body under
MINIMUM_BYTES is sent as it is (compressing it would save next to nothing), and
so are WebSocket traffic and answers already coded. GraphQL answers in
`application/graphql-response+json` are compressed like `application/json`.
"""

from starlette.types import ASGIApp
from starlette_compress import CompressMiddleware, add_compress_type

from api.transport.http import GRAPHQL_RESPONSE

MINIMUM_BYTES = 1024


def compressed(app: ASGIApp) -> ASGIApp:
    """`app` with its answers of MINIMUM_BYTES or more compressed."""
    add_compress_type(GRAPHQL_RESPONSE)  # the library's registry, set once
    return CompressMiddleware(app, minimum_size=MINIMUM_BYTES)
