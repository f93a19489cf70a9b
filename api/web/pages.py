"""The board's page at `/` and the playground's page on `/graphql` in a browser.

Both are the built HTML with a few tags written in per request: whether reads
need a token, and the feeds a reader may follow (`<link rel="alternate">`, of the
relationship and of the issue the URL opens). Both forbid anything from another
origin by their Content-Security-Policy: a page that works offline must not
need the internet, and one that cannot reach it leaks nothing either.
"""

import re
from collections.abc import Awaitable, Callable
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.settings import Settings
from api.web.assets import page
from api.web.urls import DEFAULT_RELATIONSHIP, feed_path

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_COMMON_POLICY = (
    "default-src 'self'; script-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The board sets styles only through the DOM; the playground's editor (Monaco)
# writes style elements and runs its language services in workers.
BOARD_POLICY = f"{_COMMON_POLICY}; style-src 'self'; worker-src 'none'"
PLAYGROUND_POLICY = (
    f"{_COMMON_POLICY}; style-src 'self' 'unsafe-inline'; worker-src 'self'"
)


def _headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cache-Control": "no-cache",
    }


def _slug(value: str | None) -> str | None:
    return value if value is not None and SLUG.fullmatch(value) else None


def _alternate(href: str, title: str, extra: str = "") -> str:
    return (
        f'<link rel="alternate" type="application/atom+xml" title="{escape(title)}"'
        f' href="{escape(href)}"{extra}>'
    )


def feed_links(relationship: str, issue: str | None) -> str:
    """The `<link rel="alternate">` tags of the feeds a page's reader may follow.

    The issue's is marked as the one the board replaces when another issue opens.
    """
    links = _alternate(feed_path(relationship), "Status updates and positions")
    if issue is None:
        return links
    title = f"Status updates and positions: {issue}"
    return links + _alternate(feed_path(relationship, issue), title, " data-issue-feed")


def board_page(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of `GET /`, the status board, for these settings."""
    public = "true" if settings.public_read else "false"

    async def board(request: Request) -> Response:
        relationship = _slug(request.query_params.get("relationship"))
        issue = _slug(request.query_params.get("issue"))
        head = f'<meta name="bilateral:public-read" content="{public}">' + feed_links(
            relationship or DEFAULT_RELATIONSHIP, issue
        )
        html = page("index.html").replace("</head>", f"{head}</head>", 1)
        return HTMLResponse(html, headers=_headers(BOARD_POLICY))

    return board


def playground_page(request: Request) -> Response:
    """GraphiQL, from the package: every script, style and worker from this server."""
    response = HTMLResponse(page("graphiql.html"), headers=_headers(PLAYGROUND_POLICY))
    response.headers["Vary"] = "Accept"  # the same URL answers JSON otherwise
    return response
