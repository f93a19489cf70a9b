"""Posting GraphQL documents to the app under test, and the seed facts to expect."""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from api.core.relay import parse_global_id
from seeds.loader import read_seed

JSON = dict[str, Any]
SEED: JSON = read_seed("india_china.json")
STATUSES = [
    "PROPOSED",
    "UNDER_DISCUSSION",
    "AGREED_IN_PRINCIPLE",
    "IN_PROGRESS",
    "RESOLVED",
    "SUSPENDED",
    "STALLED",
]


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: JSON | None = None,
    token: str | None = None,
) -> JSON:
    """POST one document to `/graphql` (with a bearer token) and return the body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: JSON = response.json()
    return body


async def gql_data(
    client: httpx.AsyncClient,
    query: str,
    variables: JSON | None = None,
    token: str | None = None,
) -> JSON:
    """POST one document that must succeed and return its `data`."""
    body = await gql(client, query, variables, token)
    assert "errors" not in body, body["errors"]
    data: JSON = body["data"]
    return data


async def mutate(
    client: httpx.AsyncClient, token: str, document: str, input: JSON
) -> JSON:
    """Run a one-field mutation taking `$input` and return that field's payload."""
    data = await gql_data(client, document, {"input": input}, token)
    (payload,) = data.values()
    result: JSON = payload
    return result


def row_id(node_id: str, type_name: str | None = None) -> int:
    """The primary key inside a global id (of `type_name`, when given)."""
    found_type, pk = parse_global_id(node_id)
    assert type_name in (None, found_type), (type_name, found_type)
    return pk


def validation_error(field: str, message: str, code: str = "INVALID") -> JSON:
    """A ValidationError payload as the API returns it."""
    return {
        "__typename": "ValidationError",
        "code": code,
        "message": message,
        "field": field,
    }


def only_error(body: JSON) -> JSON:
    """The single top-level error of a response."""
    errors: list[JSON] = body.get("errors") or []
    assert len(errors) == 1, errors
    return errors[0]


def first_day(text: str) -> date:
    """The day a partial date ("2024-11", "2021", "2025-10-26") takes effect."""
    return date.fromisoformat((text + "-01-01")[:10])


@dataclass(frozen=True)
class SeedUpdate:
    """One history entry of the seed file, with its place in recording order."""

    slug: str
    recorded: int
    entry: JSON

    @property
    def day(self) -> date:
        """The day the update takes effect."""
        return first_day(self.entry["date"])

    @property
    def status(self) -> str:
        """The status it reports."""
        status: str = self.entry["status"]
        return status


def seed_issues() -> list[JSON]:
    """The issues of the seed file, in file order."""
    issues: list[JSON] = SEED["issues"]
    return issues


def seed_slugs() -> list[str]:
    """Every seeded slug, in file order."""
    return [issue["slug"] for issue in seed_issues()]


def seed_updates() -> list[SeedUpdate]:
    """Every seeded update, in recording (file) order."""
    updates: list[SeedUpdate] = []
    for issue in seed_issues():
        for entry in issue["history"]:
            updates.append(SeedUpdate(issue["slug"], len(updates), entry))
    return updates


def history_of(slug: str) -> list[SeedUpdate]:
    """One issue's updates in history order: effective day, then recording order."""
    own = [update for update in seed_updates() if update.slug == slug]
    return sorted(own, key=lambda update: (update.day, update.recorded))


def status_on(slug: str, day: date) -> str | None:
    """The status in effect for an issue on a day, from the seed file."""
    effective = [update for update in history_of(slug) if update.day <= day]
    return effective[-1].status if effective else None


def current_status(slug: str) -> str:
    """The status of an issue's latest update."""
    return history_of(slug)[-1].status


def statuses_on(day: date) -> dict[str, str]:
    """Each issue's status on a day; issues with no update by then are absent."""
    found = {slug: status_on(slug, day) for slug in seed_slugs()}
    return {slug: status for slug, status in found.items() if status is not None}


def status_count_list(statuses: dict[str, str]) -> list[JSON]:
    """The `statusCounts` answer for a set of statuses: every status, in enum order."""
    counts = Counter(statuses.values())
    return [{"status": status, "count": counts[status]} for status in STATUSES]


def days_around_updates() -> list[date]:
    """Every day an update takes effect, and the day before each, in order."""
    days = {update.day for update in seed_updates()}
    return sorted(days | {day - timedelta(days=1) for day in days})


GRAPHQL_RESPONSE = "application/graphql-response+json"


async def post_document(
    client: httpx.AsyncClient,
    query: str,
    variables: JSON | None = None,
    token: str | None = None,
) -> httpx.Response:
    """POST one document asking for `application/graphql-response+json`.

    The body is written by json.dumps, which escapes lone surrogates as a
    JavaScript client would, so even text no database can hold can be sent.
    """
    headers = {"Accept": GRAPHQL_RESPONSE, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    return await client.post("/graphql", content=body, headers=headers)
