"""The board's page, the playground's page and their assets, served from the package."""

import re
import tomllib
from pathlib import Path

import httpx

from api.web.assets import DIST
from tests.web.conftest import ClientWith

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
REFERENCE = re.compile(r'(?:src|href)="([^"]+)"')


def references(html: str) -> list[str]:
    return REFERENCE.findall(html)


async def test_the_board_is_served_at_the_root(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert '<meta name="bilateral:public-read" content="true">' in response.text
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Status updates and '
        'positions" href="/feeds/india-china.atom">'
    ) in response.text


async def test_an_issue_url_names_the_issue_feed_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/", params={"issue": "direct-flights"})

    alternates = re.findall(r'<link rel="alternate"[^>]*href="([^"]+)"', response.text)
    assert alternates == [
        "/feeds/india-china.atom",
        "/feeds/india-china/direct-flights.atom",
    ]


async def test_a_slug_that_is_not_one_is_not_written_into_the_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/", params={"issue": '"><script>alert(1)</script>'})

    assert "<script>alert" not in response.text
    assert "data-issue-feed" not in response.text
    alternates = re.findall(r'<link rel="alternate"[^>]*href="([^"]+)"', response.text)
    assert alternates == ["/feeds/india-china.atom"]


async def test_every_asset_the_pages_name_is_served_from_the_package(
    client: httpx.AsyncClient,
) -> None:
    board = (await client.get("/")).text
    playground = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    names = [
        ref for ref in references(board + playground) if ref.startswith("/assets/")
    ]

    assert len(names) >= 3
    for name in names:
        response = await client.get(name)
        assert response.status_code == 200, name
        assert (
            response.headers["cache-control"] == "public, max-age=31536000, immutable"
        )
        assert response.content == (DIST / name.removeprefix("/")).read_bytes()


async def test_the_pages_load_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    board = (await client.get("/")).text
    playground = (await client.get("/graphql", headers={"Accept": "text/html"})).text

    outside = [
        ref
        for ref in references(board + playground)
        if not ref.startswith("/") and ref != "data:,"
    ]
    assert outside == []


async def test_the_playground_replaces_strawberrys_cdn_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 200
    assert "<title>bilateral · GraphQL playground</title>" in response.text
    assert "unpkg" not in response.text
    assert "jsdelivr" not in response.text
    assert response.headers["vary"] == "Accept"
    policy = response.headers["content-security-policy"]
    assert "worker-src 'self'" in policy
    assert "connect-src 'self'" in policy


async def test_an_unknown_asset_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/assets/nothing-here.js")

    assert response.status_code == 404


async def test_board_false_turns_the_page_off(client_with: ClientWith) -> None:
    async with client_with({"BILATERAL_BOARD": "false"}) as client:
        page = await client.get("/")
        playground = await client.get("/graphql", headers={"Accept": "text/html"})
        asset = next(r for r in references(playground.text) if r.startswith("/as"))
        served = await client.get(asset)

    assert page.status_code == 404
    assert (playground.status_code, served.status_code) == (200, 200)


async def test_without_board_and_graphiql_no_asset_is_served(
    client_with: ClientWith,
) -> None:
    async with client_with(
        {"BILATERAL_BOARD": "0", "BILATERAL_GRAPHIQL": "0"}
    ) as client:
        board = (await client.get("/")).status_code
        playground = await client.get("/graphql", headers={"Accept": "text/html"})
        asset = (await client.get("/assets/anything.js")).status_code

    assert (board, asset) == (404, 404)
    assert playground.status_code == 406  # HTML is not a GraphQL answer


async def test_the_page_says_when_reads_need_a_token(client_with: ClientWith) -> None:
    async with client_with({"BILATERAL_PUBLIC_READ": "false"}) as client:
        response = await client.get("/")

    assert response.status_code == 200
    assert '<meta name="bilateral:public-read" content="false">' in response.text


def test_a_package_install_ships_every_built_file() -> None:
    pyproject = tomllib.loads(
        (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    )
    patterns = pyproject["tool"]["setuptools"]["package-data"]["api"]
    package = DIST.parent.parent
    built = {p for p in DIST.rglob("*") if p.is_file()}

    shipped = {p for pattern in patterns for p in package.glob(pattern)}

    assert built
    assert built <= shipped
