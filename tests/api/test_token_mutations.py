"""tokenCreate, tokenRevoke and the `tokens` list, as an admin."""

import re
from datetime import UTC, datetime

import httpx
import pytest
from tortoise.context import TortoiseContext

from models.api_token import ApiToken
from models.enums import EventKind
from models.events import Event
from models.tokens import digest
from tests.api.graphql import JSON, gql, gql_data, mutate, only_error
from tests.conftest import EventRecorder, Tokens
from tests.snapshots import snapshot

TOKEN_FIELDS = "name role createdAt createdBy revokedAt"

TOKEN_CREATE = f"""
mutation TokenCreate($input: TokenCreateInput!) {{
  tokenCreate(input: $input) {{
    __typename
    ... on TokenCreateSuccess {{ secret token {{ {TOKEN_FIELDS} }} }}
    ... on ValidationError {{ code message field }}
  }}
}}
"""

TOKEN_REVOKE = f"""
mutation TokenRevoke($input: TokenRevokeInput!) {{
  tokenRevoke(input: $input) {{
    __typename
    ... on TokenRevokeSuccess {{ token {{ {TOKEN_FIELDS} }} }}
    ... on NotFoundError {{ code message field id }}
  }}
}}
"""

TOKENS = f"{{ tokens {{ {TOKEN_FIELDS} }} }}"
VIEWER = "{ viewer { name role } }"
SECRET = re.compile(r"^bil_[A-Za-z0-9_-]{43}$")
BAD_NAME = (
    "A token name is 1 to 100 letters, digits, '.', '_', '@' or '-', starting with "
    "a letter or digit."
)


async def create(client: httpx.AsyncClient, admin: str, name: str, role: str) -> JSON:
    """Call tokenCreate as an admin."""
    return await mutate(client, admin, TOKEN_CREATE, {"name": name, "role": role})


async def revoke(client: httpx.AsyncClient, admin: str, name: str) -> JSON:
    """Call tokenRevoke as an admin."""
    return await mutate(client, admin, TOKEN_REVOKE, {"name": name})


async def test_an_admin_creates_a_token_and_sees_its_secret_once(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    before = await snapshot()
    started = datetime.now(UTC)

    # when
    payload = await create(client, tokens.admin, "ci-bot", "EDITOR")

    # then
    finished = datetime.now(UTC)
    token = payload["token"]
    created_at = datetime.fromisoformat(token.pop("createdAt"))
    assert payload["__typename"] == "TokenCreateSuccess"
    assert SECRET.match(payload["secret"])
    assert token == {
        "name": "ci-bot",
        "role": "EDITOR",
        "createdBy": "admin",
        "revokedAt": None,
    }
    assert started <= created_at <= finished
    row = await ApiToken.get(name="ci-bot")
    assert (row.role, row.created_by, row.revoked_at) == ("EDITOR", "admin", None)
    assert row.secret_hash == digest(payload["secret"])
    after = await snapshot()
    assert after["ApiToken"][:-1] == before["ApiToken"]
    assert {k: v for k, v in after.items() if k != "ApiToken"} == {
        k: v for k, v in before.items() if k != "ApiToken"
    }
    assert payload["secret"] not in str(after)
    assert events.events == []


@pytest.mark.parametrize("role", ["READER", "EDITOR", "ADMIN"])
async def test_the_new_secret_works_at_once_with_its_role(
    client: httpx.AsyncClient, tokens: Tokens, role: str
) -> None:
    # given
    payload = await create(client, tokens.admin, "new-token", role)

    # when
    data = await gql_data(client, VIEWER, token=payload["secret"])

    # then
    assert data == {"viewer": {"name": "new-token", "role": role}}


async def test_a_new_reader_token_may_not_write(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    payload = await create(client, tokens.admin, "new-reader", "READER")

    # when
    body = await gql(
        client,
        TOKEN_REVOKE,
        {"input": {"name": "editor"}},
        payload["secret"],
    )

    # then
    assert only_error(body)["extensions"] == {"code": "FORBIDDEN"}


async def test_a_new_admin_token_may_manage_tokens(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    payload = await create(client, tokens.admin, "second-admin", "ADMIN")

    # when
    created = await create(client, payload["secret"], "third", "READER")

    # then
    assert created["token"]["createdBy"] == "second-admin"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        pytest.param("  padded  ", "padded", id="trimmed"),
        pytest.param("ci.bot_1@example-org", "ci.bot_1@example-org", id="symbols"),
        pytest.param("N" * 100, "N" * 100, id="longest"),
        pytest.param("7", "7", id="digit"),
    ],
)
async def test_valid_names_are_accepted(
    client: httpx.AsyncClient, tokens: Tokens, given: str, stored: str
) -> None:
    # when
    payload = await create(client, tokens.admin, given, "READER")

    # then
    assert payload["token"]["name"] == stored
    assert await ApiToken.exists(name=stored)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("", BAD_NAME, id="empty"),
        pytest.param("   ", BAD_NAME, id="blank"),
        pytest.param("has space", BAD_NAME, id="space"),
        pytest.param("-leading", BAD_NAME, id="leading-hyphen"),
        pytest.param(".hidden", BAD_NAME, id="leading-dot"),
        pytest.param("a/b", BAD_NAME, id="slash"),
        pytest.param("naïve", BAD_NAME, id="non-ascii"),
        pytest.param("N" * 101, BAD_NAME, id="too-long"),
        pytest.param("seed", "'seed' is reserved; pick another name.", id="seed"),
        pytest.param(
            "Anonymous", "'Anonymous' is reserved; pick another name.", id="anonymous"
        ),
    ],
)
async def test_an_invalid_name_is_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    name: str,
    message: str,
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await create(client, tokens.admin, name, "EDITOR")

    # then
    assert payload == {
        "__typename": "ValidationError",
        "code": "INVALID",
        "message": message,
        "field": "name",
    }
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("revoked", [False, True], ids=["active", "revoked"])
async def test_a_name_is_never_reused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    revoked: bool,
) -> None:
    # given
    if revoked:
        await revoke(client, tokens.admin, "editor")
    events.events.clear()  # the revocation's own announcement
    before = await snapshot()

    # when
    payload = await create(client, tokens.admin, " editor ", "ADMIN")

    # then
    assert payload == {
        "__typename": "ValidationError",
        "code": "ALREADY_EXISTS",
        "message": "A token named 'editor' already exists or existed; names are "
        "never reused, so pick another.",
        "field": "name",
    }
    assert await snapshot() == before
    assert events.events == []


async def test_a_name_differing_only_in_case_is_taken(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given: "editor" exists; "EDITOR" would read the same in recordedBy
    before = await snapshot()

    # when
    payload = await create(client, tokens.admin, "EDITOR", "EDITOR")

    # then
    assert payload == {
        "__typename": "ValidationError",
        "code": "ALREADY_EXISTS",
        "message": "A token named 'EDITOR' already exists or existed; names are "
        "never reused, so pick another.",
        "field": "name",
    }
    assert await snapshot() == before
    assert events.events == []


async def test_revoke_trims_the_name_as_create_does(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # when
    payload = await revoke(client, tokens.admin, "  reader ")

    # then
    assert payload["__typename"] == "TokenRevokeSuccess"
    assert payload["token"]["name"] == "reader"
    assert (await ApiToken.get(name="reader")).revoked_at is not None


async def test_an_admin_revokes_a_token(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    assert (await gql_data(client, VIEWER, token=tokens.editor))["viewer"] == {
        "name": "editor",
        "role": "EDITOR",
    }
    started = datetime.now(UTC)

    # when
    payload = await revoke(client, tokens.admin, "editor")

    # then
    finished = datetime.now(UTC)
    token = payload["token"]
    revoked_at = datetime.fromisoformat(token.pop("revokedAt"))
    assert payload["__typename"] == "TokenRevokeSuccess"
    assert {k: v for k, v in token.items() if k != "createdAt"} == {
        "name": "editor",
        "role": "EDITOR",
        "createdBy": "test",
    }
    assert started <= revoked_at <= finished
    assert (await ApiToken.get(name="editor")).revoked_at == revoked_at
    # every process hears of it, to end the token's open connections' streams
    assert events.events == [Event(EventKind.TOKEN_REVOKED, token_name="editor")]


async def test_a_revoked_secret_is_refused_with_401(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    created = await create(client, tokens.admin, "short-lived", "EDITOR")
    secret = created["secret"]
    assert (await gql_data(client, VIEWER, token=secret))["viewer"]["name"] == (
        "short-lived"
    )

    # when
    await revoke(client, tokens.admin, "short-lived")
    response = await client.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {secret}"},
    )

    # then
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert secret not in response.text


async def test_revoking_twice_changes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    first = await revoke(client, tokens.admin, "reader")
    events.events.clear()  # the first revocation's own announcement
    before = await snapshot()

    # when
    again = await revoke(client, tokens.admin, "reader")

    # then
    assert again == first
    assert await snapshot() == before
    assert events.events == []


async def test_revoking_an_unknown_name_is_not_found(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given
    before = await snapshot()

    # when
    payload = await revoke(client, tokens.admin, "ghost")

    # then
    assert payload == {
        "__typename": "NotFoundError",
        "code": "NOT_FOUND",
        "message": "No token is named 'ghost'.",
        "field": "name",
        "id": None,
    }
    assert await snapshot() == before
    assert events.events == []


async def test_an_admin_may_revoke_its_own_token(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # when
    payload = await revoke(client, tokens.admin, "admin")

    # then
    assert payload["__typename"] == "TokenRevokeSuccess"
    response = await client.post(
        "/graphql",
        json={"query": TOKENS},
        headers={"Authorization": f"Bearer {tokens.admin}"},
    )
    assert response.status_code == 401


async def test_tokens_lists_every_token_oldest_first_without_secrets(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    created = await create(client, tokens.admin, "ci-bot", "EDITOR")
    await revoke(client, tokens.admin, "reader")

    # when
    response = await client.post(
        "/graphql",
        json={"query": TOKENS},
        headers={"Authorization": f"Bearer {tokens.admin}"},
    )

    # then
    listed = response.json()["data"]["tokens"]
    rows = {row.name: row for row in await ApiToken.all()}
    assert [
        {k: v for k, v in token.items() if k not in ("createdAt", "revokedAt")}
        for token in listed
    ] == [
        {"name": "reader", "role": "READER", "createdBy": "test"},
        {"name": "editor", "role": "EDITOR", "createdBy": "test"},
        {"name": "admin", "role": "ADMIN", "createdBy": "test"},
        {"name": "ci-bot", "role": "EDITOR", "createdBy": "admin"},
    ]
    for token in listed:
        row = rows[token["name"]]
        assert datetime.fromisoformat(token["createdAt"]) == row.created_at
        revoked_at = token["revokedAt"]
        assert (revoked_at and datetime.fromisoformat(revoked_at)) == row.revoked_at
    assert [token["name"] for token in listed if token["revokedAt"]] == ["reader"]
    for secret in (tokens.reader, tokens.editor, tokens.admin, created["secret"]):
        assert secret not in response.text
        assert digest(secret) not in response.text


async def test_a_secret_cannot_be_queried(
    client: httpx.AsyncClient, tokens: Tokens, seeded_db: TortoiseContext
) -> None:
    # when
    body = await gql(client, "{ tokens { name secret } }", token=tokens.admin)

    # then
    assert body.get("data") is None
    assert only_error(body)["message"] == (
        "Cannot query field 'secret' on type 'ApiToken'."
    )
