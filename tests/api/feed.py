"""Documents and helpers shared by the subscription tests."""

from typing import Any

import httpx

from tests.api.graphql import JSON

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
        "occurredOn": "2026-01-15",
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
