"""The service in a process of its own, a browser shut in with it, and API helpers.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; it never reaches
anything but the server under test: every other request is aborted, and counted.
"""

import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from playwright.async_api import Browser, Page, Request, Route, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

UPDATE_STATUS = """
mutation Post($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on IssueUpdateStatusSuccess { update { id } issue { status version } }
    ... on UserError { code message }
  }
}
"""
RECORD_POSITION = """
mutation Record($input: PositionRecordInput!) {
  positionRecord(input: $input) {
    __typename
    ... on PositionRecordSuccess { position { id } }
    ... on UserError { code message }
  }
}
"""
ISSUE = """
query Issue($slug: String!) {
  relationship(slug: "india-china") { issue(slug: $slug) { id version status } }
}
"""


def create_token(database_url: str, name: str, role: str) -> str:
    """A token made as an operator makes one, with the CLI; returns its secret."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "token",
            "create",
            "--name",
            name,
            "--role",
            role,
        ],
        env={"DATABASE_URL": database_url, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


async def gql(
    base_url: str, query: str, variables: Mapping[str, Any], token: str | None = None
) -> dict[str, Any]:
    """One GraphQL request to the server under test; the `data` of its answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def post_update(
    base_url: str, token: str, slug: str, status: str, note: str
) -> str:
    """Post a status update dated today through the API; returns its id."""
    issue = (await gql(base_url, ISSUE, {"slug": slug}))["relationship"]["issue"]
    source = {"url": "https://example.org/report", "publisher": "Example News"}
    variables = {
        "input": {
            "issueId": issue["id"],
            "status": status,
            "occurredOn": datetime.now(UTC).date().isoformat(),
            "note": note,
            "source": source,
            "expectedVersion": issue["version"],
        }
    }
    data = await gql(base_url, UPDATE_STATUS, variables, token)
    result = data["issueUpdateStatus"]
    assert result["__typename"] == "IssueUpdateStatusSuccess", result
    update_id: str = result["update"]["id"]
    return update_id


@dataclass
class Watched:
    """What a page did that a user would notice went wrong."""

    base_url: str
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def assert_clean(self) -> None:
        """Nothing left the server, nothing failed, nothing was logged as an error."""
        assert (self.blocked, self.failed, self.errors) == ([], [], [])


async def shut_in(page: Page, base_url: str) -> Watched:
    """Abort every request not to `base_url`, and watch the page for trouble."""
    watched = Watched(base_url)

    async def only_the_server(route: Route) -> None:
        if route.request.url.startswith(base_url):
            watched.requests.append(route.request)
            await route.continue_()
        else:
            watched.blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    await page.route("**/*", only_the_server)
    page.on("requestfailed", lambda r: watched.failed.append(f"{r.url} {r.failure}"))
    page.on(
        "console",
        lambda m: watched.errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless; never a browser of Playwright's own."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def record_position(
    base_url: str, token: str, slug: str, country: str, statement: str
) -> str:
    """Record a position stated today through the API; returns its id."""
    issue = (await gql(base_url, ISSUE, {"slug": slug}))["relationship"]["issue"]
    variables = {
        "input": {
            "issueId": issue["id"],
            "country": country,
            "statedOn": datetime.now(UTC).date().isoformat(),
            "speaker": "Spokesperson",
            "statement": statement,
            "quote": statement,
            "source": {"url": "https://example.org/statement"},
        }
    }
    data = await gql(base_url, RECORD_POSITION, variables, token)
    result = data["positionRecord"]
    assert result["__typename"] == "PositionRecordSuccess", result
    position_id: str = result["position"]["id"]
    return position_id
