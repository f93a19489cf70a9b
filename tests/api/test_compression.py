"""Compression of `/graphql` answers: zstd, Brotli or gzip, as the client accepts.

A body of 1,024 bytes or more is compressed; a smaller one, or one for a client
that accepts no coding, is sent as it is. A coded answer decodes to exactly the
identity bytes and carries its own entity tag (the identity tag with the coding
appended, RFC 9110 §8.8.3.3); both vary by Accept-Encoding.
"""

import gzip
import re
from collections.abc import Callable

import brotli
import httpx
import pytest
import zstandard
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings
from api.transport.caching import entity_tag
from api.transport.compression import MINIMUM_BYTES
from api.web.assets import DIST
from tests.api.graphql import GRAPHQL_RESPONSE
from tests.live import serving

BOARD = """
{
  issues(first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      slug title category status raisedBy
      latestUpdate { occurredOn { text } note source { url publisher } }
    }
  }
}
"""
SMALL = '{ relationship(slug: "india-china") { name } }'
DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "br": brotli.decompress,
    "zstd": lambda raw: zstandard.ZstdDecompressor().decompressobj().decompress(raw),
}
CODINGS = list(DECODERS)


async def raw_get(
    client: httpx.AsyncClient, query: str, headers: dict[str, str]
) -> tuple[httpx.Response, bytes]:
    """GET one query; the response and its body as sent, not decoded.

    An Accept-Encoding of "" sends no Accept-Encoding header at all.
    """
    request = client.build_request(
        "GET",
        "/graphql",
        params={"query": query},
        headers={"Accept": GRAPHQL_RESPONSE, **headers},
    )
    if request.headers.get("accept-encoding") == "":
        del request.headers["accept-encoding"]
    response = await client.send(request, stream=True)
    raw = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    return response, raw


def vary_of(response: httpx.Response) -> list[str]:
    """The field names of Vary, lowercase."""
    return [name.strip().lower() for name in response.headers["vary"].split(",")]


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_large_answer_is_compressed_and_decodes_to_the_identity_body(
    client: httpx.AsyncClient, coding: str
) -> None:
    # given
    identity, plain = await raw_get(client, BOARD, {"Accept-Encoding": "identity"})
    assert len(plain) >= MINIMUM_BYTES

    # when
    coded, raw = await raw_get(client, BOARD, {"Accept-Encoding": coding})

    # then
    assert coded.headers["content-encoding"] == coding
    assert len(raw) < len(plain)
    assert DECODERS[coding](raw) == plain
    assert coded.headers["content-length"] == str(len(raw))
    assert coded.headers["content-type"] == identity.headers["content-type"]
    assert vary_of(coded) == ["accept", "authorization", "accept-encoding"]
    assert vary_of(identity) == vary_of(coded)


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_coded_answer_has_its_own_strong_etag(
    client: httpx.AsyncClient, coding: str
) -> None:
    _, plain = await raw_get(client, BOARD, {"Accept-Encoding": "identity"})

    coded, _ = await raw_get(client, BOARD, {"Accept-Encoding": coding})

    assert coded.headers["etag"] == f'{entity_tag(plain)[:-1]}-{coding}"'


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_client_holding_the_coded_answer_gets_304_with_its_etag(
    client: httpx.AsyncClient, coding: str
) -> None:
    # given
    first, _ = await raw_get(client, BOARD, {"Accept-Encoding": coding})
    tag = first.headers["etag"]

    # when
    response, raw = await raw_get(
        client, BOARD, {"Accept-Encoding": coding, "If-None-Match": tag}
    )

    # then
    assert response.status_code == 304
    assert raw == b""
    assert response.headers["etag"] == tag
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == first.headers["vary"]


async def test_a_client_holding_the_identity_answer_gets_the_coded_one_in_full(
    client: httpx.AsyncClient,
) -> None:
    identity, _ = await raw_get(client, BOARD, {"Accept-Encoding": "identity"})

    response, raw = await raw_get(
        client,
        BOARD,
        {"Accept-Encoding": "gzip", "If-None-Match": identity.headers["etag"]},
    )

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert raw


async def test_the_client_chooses_among_the_codings_it_accepts(
    client: httpx.AsyncClient,
) -> None:
    response, _ = await raw_get(client, BOARD, {"Accept-Encoding": "gzip, zstd;q=0"})

    assert response.headers["content-encoding"] == "gzip"


@pytest.mark.parametrize("coding", CODINGS)
async def test_a_small_answer_is_not_compressed(
    client: httpx.AsyncClient, coding: str
) -> None:
    response, raw = await raw_get(client, SMALL, {"Accept-Encoding": coding})

    assert len(raw) < MINIMUM_BYTES
    assert "content-encoding" not in response.headers
    assert raw == b'{"data":{"relationship":{"name":"India\xe2\x80\x93China"}}}'
    assert vary_of(response) == ["accept", "authorization"]


async def test_a_request_without_accept_encoding_gets_identity(
    client: httpx.AsyncClient,
) -> None:
    _, plain = await raw_get(client, BOARD, {"Accept-Encoding": "identity"})

    response, raw = await raw_get(client, BOARD, {"Accept-Encoding": ""})

    assert "accept-encoding" not in response.request.headers
    assert "content-encoding" not in response.headers
    assert raw == plain
    assert response.headers["etag"] == entity_tag(plain)


async def test_graphiql_is_compressed_for_a_browser(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    script = re.search(r'src="(/assets/playground-[^"]+\.js)"', page.text)
    assert script is not None

    response = await client.get(script[1], headers={"Accept-Encoding": "gzip, br"})

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "br"
    assert response.content == (DIST / script[1].removeprefix("/")).read_bytes()
    assert vary_of(response) == ["accept-encoding"]


async def test_a_real_server_sends_compressed_answers_and_bodiless_304s(
    seeded_db: TortoiseContext, settings: Settings
) -> None:
    # given a server, and one keep-alive connection to it
    app = create_app(settings, manage_database=False)
    async with serving(app) as base, httpx.AsyncClient(base_url=base) as http:
        first, raw = await raw_get(http, BOARD, {"Accept-Encoding": "gzip"})
        tag = first.headers["etag"]

        # when the client revalidates, then asks again without a tag
        revalidated, empty = await raw_get(
            http, BOARD, {"Accept-Encoding": "gzip", "If-None-Match": tag}
        )
        again, raw_again = await raw_get(http, BOARD, {"Accept-Encoding": "gzip"})

    # then
    assert first.headers["content-encoding"] == "gzip"
    assert (revalidated.status_code, empty) == (304, b"")
    assert revalidated.headers["etag"] == tag
    assert again.status_code == 200
    assert gzip.decompress(raw_again) == gzip.decompress(raw)
