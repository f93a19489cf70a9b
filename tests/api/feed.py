"""Documents and helpers shared by the subscription tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from starlette.applications import Starlette

from api.app import create_app
from api.core.relay import global_id
from api.live.hub import Hub
from api.settings import Settings
from models.issue import Issue
from tests.api.graphql import JSON, seed_updates
from tests.live import eventually, serving

# The day of the latest seeded update: one posted on it (and so recorded after the
# seeds) becomes its issue's latest update, whatever the seeded history.
LATEST_SEED_DAY = max(update.day for update in seed_updates()).isoformat()

SUBSCRIBE = """
subscription Watch($relationship: String, $issue: ID, $after: ID) {
  statusUpdates(relationship: $relationship, issue: $issue, after: $after) {
    id
    status
    previousStatus
    note
    recordedBy
    retractedAt
    issue { slug status }
  }
}
"""

POST = """
mutation Post($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) {
    __typename
    ... on IssueUpdateStatusSuccess { update { id } }
    ... on UserError { message }
  }
}
"""

RETRACT = """
mutation Retract($input: StatusUpdateRetractInput!) {
  statusUpdateRetract(input: $input) {
    __typename
    ... on StatusUpdateRetractSuccess { update { id retractedAt } }
    ... on UserError { message }
  }
}
"""


async def post_update(
    http: httpx.AsyncClient,
    token: str,
    issue_id: str,
    note: str,
    **fields: Any,
) -> str:
    """Post one update through the API; its id."""
    given = {
        "issueId": issue_id,
        "status": "IN_PROGRESS",
        "occurredOn": LATEST_SEED_DAY,
        "note": note,
        **fields,
    }
    payload = await _mutation(http, token, POST, given)
    assert payload["__typename"] == "IssueUpdateStatusSuccess", payload
    update_id: str = payload["update"]["id"]
    return update_id


async def retract_update(http: httpx.AsyncClient, token: str, update_id: str) -> str:
    """Retract one update through the API; when it was retracted."""
    given = {"updateId": update_id, "reason": "Misreported."}
    payload = await _mutation(http, token, RETRACT, given)
    assert payload["__typename"] == "StatusUpdateRetractSuccess", payload
    retracted_at: str = payload["update"]["retractedAt"]
    return retracted_at


async def _mutation(
    http: httpx.AsyncClient, token: str, document: str, given: JSON
) -> JSON:
    response = await http.post(
        "/graphql",
        json={"query": document, "variables": {"input": given}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    (payload,) = response.json()["data"].values()
    result: JSON = payload
    return result


def event_ids(events: list[JSON]) -> list[str]:
    """The update ids of a list of subscription events."""
    return [event["statusUpdates"]["id"] for event in events]


@dataclass
class Live:
    """A server on a free port, a client for it, and the seeded issue to post to."""

    app: Starlette
    base: str
    http: httpx.AsyncClient
    issue: Issue

    @property
    def issue_id(self) -> str:
        """The global id of the issue."""
        return global_id("Issue", self.issue.pk)

    async def subscribed(self, count: int = 1) -> None:
        """Wait until the hub holds `count` subscribers."""
        hub: Hub = self.app.state.services.hub
        await eventually(lambda: len(hub.subscribers) >= count)


@asynccontextmanager
async def running(seeded_url: str, **overrides: Any) -> AsyncIterator[Live]:
    """The app on a free port over the test's seeded database."""
    settings = replace(Settings(database_url=seeded_url), **overrides)
    app = create_app(settings, manage_database=False)
    issue = await Issue.get(slug="border-peace-normalisation")
    async with serving(app) as base, httpx.AsyncClient(base_url=base) as http:
        yield Live(app, base, http, issue)
