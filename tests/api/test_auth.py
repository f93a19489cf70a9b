"""Who may call what: bearer tokens, roles, private reads, secrets kept out of sight.

A bad Authorization header is refused with HTTP 401 before any GraphQL runs; a
missing or too weak token is a top-level UNAUTHENTICATED or FORBIDDEN error.
"""

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from api.core.relay import global_id
from api.settings import Settings
from models.issue import Issue
from models.position import Position
from models.relationship import Relationship
from models.status_update import StatusUpdate
from models.tokens import revoke_token
from tests.api.graphql import JSON, gql, gql_data, only_error, seed_issues
from tests.conftest import EventRecorder, Tokens
from tests.snapshots import snapshot

VIEWER = "{ viewer { name role } }"
TOKENS = "{ tokens { name role } }"
ISSUE_COUNT = "{ issues { totalCount } }"

REFUSED_TOKEN = {
    "errors": [
        {
            "message": "The bearer token is malformed, unknown or revoked.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}
HOW_TO = "Send `Authorization: Bearer <secret>`."
NEEDS_EDITOR = f"This needs an editor or admin token. {HOW_TO}"
NEEDS_ADMIN = f"This needs an admin token. {HOW_TO}"
UNKNOWN_SECRET = "bil_" + "A" * 43
A_RELATIONSHIP = global_id("Relationship", 1)

ISSUE_MUTATIONS = [
    "issueCreate",
    "issueEdit",
    "issueArchive",
    "issueUpdateStatus",
    "statusUpdateRetract",
    "meetingRecord",
    "positionRecord",
    "positionRetract",
]
TOKEN_MUTATIONS = ["tokenCreate", "tokenRevoke"]
MUTATIONS = ISSUE_MUTATIONS + TOKEN_MUTATIONS


def document_of(mutation: str) -> str:
    """A one-field mutation document taking `$input`."""
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    return (
        f"mutation Call($input: {input_type}!) "
        f"{{ {mutation}(input: $input) {{ __typename }} }}"
    )


@dataclass(frozen=True)
class Targets:
    """Ids of seeded rows that a valid input of each mutation can name."""

    relationship: str
    issue: str
    update: str
    position: str

    def input_of(self, mutation: str) -> JSON:
        """An input each mutation would accept from an admin."""
        source = {"url": "https://example.org/report"}
        inputs: dict[str, JSON] = {
            "issueCreate": {
                "relationshipId": self.relationship,
                "slug": "new-issue",
                "title": "A new issue",
                "category": "TRADE",
            },
            "issueEdit": {"issueId": self.issue, "title": "A new title"},
            "issueArchive": {"issueId": self.issue},
            "issueUpdateStatus": {
                "issueId": self.issue,
                "status": "STALLED",
                "occurredOn": "2025-11-01",
                "note": "Nothing moved.",
                "source": source,
            },
            "statusUpdateRetract": {"updateId": self.update, "reason": "Wrong date."},
            "meetingRecord": {
                "relationshipId": self.relationship,
                "heldOn": "2025-11-01",
                "title": "Talks",
            },
            "positionRecord": {
                "issueId": self.issue,
                "country": "IN",
                "statedOn": "2025-11-01",
                "speaker": "A spokesperson",
                "statement": "India wants more flights.",
                "quote": "We want more flights.",
                "source": source,
            },
            "positionRetract": {"positionId": self.position, "reason": "Misquoted."},
            "tokenCreate": {"name": "new-bot", "role": "EDITOR"},
            "tokenRevoke": {"name": "reader"},
        }
        return inputs[mutation]


@pytest.fixture
async def targets(seeded_db: TortoiseContext) -> Targets:
    """A relationship, an issue, one of its updates and a seeded position."""
    relationship = await Relationship.get(slug="india-china")
    issue = await Issue.get(slug="direct-flights")
    update = await StatusUpdate.filter(issue_id=issue.pk).order_by("id").first()
    assert update is not None
    position = await Position.all().order_by("id").first()
    assert position is not None
    return Targets(
        relationship=global_id("Relationship", relationship.pk),
        issue=global_id("Issue", issue.pk),
        update=global_id("StatusUpdate", update.pk),
        position=global_id("Position", position.pk),
    )


@pytest.fixture
async def private_client(
    seeded_db: TortoiseContext, events: EventRecorder
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose reads need a token (BILATERAL_PUBLIC_READ=false)."""
    settings = Settings.from_environment({"BILATERAL_PUBLIC_READ": "false"})
    app = create_app(settings, manage_database=False, publish=events)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def top_level_error(body: JSON) -> JSON:
    """The single top-level error, without its source location."""
    error = only_error(body)
    return {k: v for k, v in error.items() if k != "locations"}


async def post_with(
    client: httpx.AsyncClient, authorization: str, query: str = VIEWER
) -> httpx.Response:
    """POST a document with a raw Authorization header."""
    return await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": authorization}
    )


def assert_refused(response: httpx.Response, secret: str) -> None:
    """A 401 with a Bearer challenge that does not repeat the secret."""
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json() == REFUSED_TOKEN
    assert secret not in response.text
    assert all(secret not in value for value in response.headers.values())


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("not-a-token", id="malformed"),
        pytest.param("bil_short", id="truncated"),
        pytest.param(UNKNOWN_SECRET, id="unknown"),
        pytest.param(UNKNOWN_SECRET + "A", id="too-long"),
    ],
)
async def test_a_bad_bearer_token_is_refused_with_401(
    client: httpx.AsyncClient, seeded_db: TortoiseContext, secret: str
) -> None:
    # when
    response = await post_with(client, f"Bearer {secret}")

    # then
    assert_refused(response, secret)


async def test_an_empty_bearer_token_is_refused_with_401(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post_with(client, "Bearer ")

    # then
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json() == REFUSED_TOKEN


async def test_a_revoked_token_is_refused_with_401(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # given
    assert (await post_with(client, f"Bearer {tokens.reader}")).status_code == 200
    await revoke_token("reader")

    # when
    response = await post_with(client, f"Bearer {tokens.reader}")

    # then
    assert_refused(response, tokens.reader)


@pytest.mark.parametrize(
    "scheme", ["Basic", "Token", "Digest"], ids=["basic", "token", "digest"]
)
async def test_a_scheme_other_than_bearer_is_refused_with_401(
    client: httpx.AsyncClient, tokens: Tokens, scheme: str
) -> None:
    # when: even a valid secret does not pass under another scheme
    response = await post_with(client, f"{scheme} {tokens.admin}")

    # then
    assert_refused(response, tokens.admin)


async def test_basic_credentials_are_refused_with_401(
    client: httpx.AsyncClient,
) -> None:
    # when
    response = await post_with(client, "Basic ZWRpdG9yOnNlY3JldA==")

    # then
    assert_refused(response, "ZWRpdG9yOnNlY3JldA==")


async def test_the_scheme_name_is_case_insensitive(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # when
    response = await post_with(client, f"bearer {tokens.editor}")

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"name": "editor", "role": "EDITOR"}}}


async def test_these_tests_cover_every_mutation(
    client: httpx.AsyncClient, seeded_db: TortoiseContext
) -> None:
    # when
    data = await gql_data(client, "{ __schema { mutationType { fields { name } } } }")

    # then
    fields = data["__schema"]["mutationType"]["fields"]
    assert sorted(field["name"] for field in fields) == sorted(MUTATIONS)


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_a_refused_token_writes_nothing(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    targets: Targets,
    mutation: str,
) -> None:
    # given
    await revoke_token("admin")
    before = await snapshot()

    # when
    response = await client.post(
        "/graphql",
        json={
            "query": document_of(mutation),
            "variables": {"input": targets.input_of(mutation)},
        },
        headers={"Authorization": f"Bearer {tokens.admin}"},
    )

    # then
    assert_refused(response, tokens.admin)
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_a_mutation_without_a_token_is_unauthenticated(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    targets: Targets,
    mutation: str,
) -> None:
    # given
    before = await snapshot()

    # when
    body = await gql(
        client, document_of(mutation), {"input": targets.input_of(mutation)}
    )

    # then
    assert body["data"] is None
    assert top_level_error(body) == {
        "message": NEEDS_ADMIN if mutation in TOKEN_MUTATIONS else NEEDS_EDITOR,
        "path": [mutation],
        "extensions": {"code": "UNAUTHENTICATED"},
    }
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_a_mutation_with_a_reader_token_is_forbidden(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    targets: Targets,
    mutation: str,
) -> None:
    # given
    before = await snapshot()
    least = "an admin" if mutation in TOKEN_MUTATIONS else "an editor or admin"

    # when
    body = await gql(
        client,
        document_of(mutation),
        {"input": targets.input_of(mutation)},
        tokens.reader,
    )

    # then
    assert body["data"] is None
    assert top_level_error(body) == {
        "message": f"The token 'reader' has the role READER; this needs {least} token.",
        "path": [mutation],
        "extensions": {"code": "FORBIDDEN"},
    }
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("mutation", ISSUE_MUTATIONS)
async def test_an_editor_may_change_the_tracker(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    targets: Targets,
    mutation: str,
) -> None:
    # when
    data = await gql_data(
        client,
        document_of(mutation),
        {"input": targets.input_of(mutation)},
        tokens.editor,
    )

    # then
    success = mutation[0].upper() + mutation[1:] + "Success"
    assert data == {mutation: {"__typename": success}}
    assert len(events.events) == 1


@pytest.mark.parametrize("mutation", TOKEN_MUTATIONS)
async def test_an_editor_may_not_manage_tokens(
    client: httpx.AsyncClient,
    tokens: Tokens,
    events: EventRecorder,
    targets: Targets,
    mutation: str,
) -> None:
    # given
    before = await snapshot()

    # when
    body = await gql(
        client,
        document_of(mutation),
        {"input": targets.input_of(mutation)},
        tokens.editor,
    )

    # then
    assert body["data"] is None
    assert top_level_error(body) == {
        "message": "The token 'editor' has the role EDITOR; this needs an admin token.",
        "path": [mutation],
        "extensions": {"code": "FORBIDDEN"},
    }
    assert await snapshot() == before
    assert events.events == []


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_an_admin_may_call_every_mutation(
    client: httpx.AsyncClient, tokens: Tokens, targets: Targets, mutation: str
) -> None:
    # when
    data = await gql_data(
        client,
        document_of(mutation),
        {"input": targets.input_of(mutation)},
        tokens.admin,
    )

    # then
    assert data == {
        mutation: {"__typename": mutation[0].upper() + mutation[1:] + "Success"}
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(
            None,
            {"code": "UNAUTHENTICATED", "message": NEEDS_ADMIN},
            id="anonymous",
        ),
        pytest.param(
            "reader",
            {
                "code": "FORBIDDEN",
                "message": "The token 'reader' has the role READER; this needs an "
                "admin token.",
            },
            id="reader",
        ),
        pytest.param(
            "editor",
            {
                "code": "FORBIDDEN",
                "message": "The token 'editor' has the role EDITOR; this needs an "
                "admin token.",
            },
            id="editor",
        ),
    ],
)
async def test_only_an_admin_may_list_tokens(
    client: httpx.AsyncClient, tokens: Tokens, role: str | None, expected: JSON
) -> None:
    # given
    token = getattr(tokens, role) if role else None

    # when
    body = await gql(client, TOKENS, token=token)

    # then
    assert body["data"] is None
    assert top_level_error(body) == {
        "message": expected["message"],
        "path": ["tokens"],
        "extensions": {"code": expected["code"]},
    }


async def test_an_admin_lists_tokens(client: httpx.AsyncClient, tokens: Tokens) -> None:
    # when
    data = await gql_data(client, TOKENS, token=tokens.admin)

    # then
    assert data == {
        "tokens": [
            {"name": "reader", "role": "READER"},
            {"name": "editor", "role": "EDITOR"},
            {"name": "admin", "role": "ADMIN"},
        ]
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(None, {"name": None, "role": "ANONYMOUS"}, id="anonymous"),
        pytest.param("reader", {"name": "reader", "role": "READER"}, id="reader"),
        pytest.param("editor", {"name": "editor", "role": "EDITOR"}, id="editor"),
        pytest.param("admin", {"name": "admin", "role": "ADMIN"}, id="admin"),
    ],
)
async def test_the_viewer_is_who_the_token_names(
    client: httpx.AsyncClient, tokens: Tokens, role: str | None, expected: JSON
) -> None:
    # given
    token = getattr(tokens, role) if role else None

    # when
    data = await gql_data(client, VIEWER, token=token)

    # then
    assert data == {"viewer": expected}


async def test_reads_are_public_by_default(
    client: httpx.AsyncClient, seeded_db: TortoiseContext
) -> None:
    # when
    data = await gql_data(client, ISSUE_COUNT)

    # then
    assert data == {"issues": {"totalCount": len(seed_issues())}}


PRIVATE_READS = [
    pytest.param("{ issues { totalCount } }", "issues", None, id="issues"),
    pytest.param(
        "{ statusUpdates { totalCount } }", "statusUpdates", None, id="statusUpdates"
    ),
    pytest.param("{ meetings { totalCount } }", "meetings", None, id="meetings"),
    pytest.param("{ statusCounts { count } }", "statusCounts", None, id="statusCounts"),
    pytest.param("{ relationships { slug } }", "relationships", None, id="rels"),
    pytest.param(
        '{ relationship(slug: "india-china") { slug } }',
        "relationship",
        {"relationship": None},
        id="relationship",
    ),
    pytest.param(
        f'{{ node(id: "{A_RELATIONSHIP}") {{ id }} }}',
        "node",
        {"node": None},
        id="node",
    ),
    pytest.param(
        f'{{ nodes(ids: ["{A_RELATIONSHIP}"]) {{ id }} }}', "nodes", None, id="nodes"
    ),
]


@pytest.mark.parametrize(("query", "field", "data"), PRIVATE_READS)
async def test_private_reads_need_a_token(
    private_client: httpx.AsyncClient, query: str, field: str, data: JSON | None
) -> None:
    # when
    body = await gql(private_client, query)

    # then
    assert body["data"] == data
    assert top_level_error(body) == {
        "message": f"Reading needs a token here. {HOW_TO}",
        "path": [field],
        "extensions": {"code": "UNAUTHENTICATED"},
    }


@pytest.mark.parametrize("role", ["reader", "editor", "admin"])
@pytest.mark.parametrize(("query", "field", "data"), PRIVATE_READS)
async def test_any_token_reads_when_reads_are_private(
    private_client: httpx.AsyncClient,
    tokens: Tokens,
    query: str,
    field: str,
    data: JSON | None,
    role: str,
) -> None:
    # when
    body = await gql(private_client, query, token=getattr(tokens, role))

    # then
    assert "errors" not in body
    assert body["data"][field] is not None


async def test_a_reader_token_reads_the_same_as_public_reads(
    client: httpx.AsyncClient, private_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # when
    private = await gql_data(private_client, ISSUE_COUNT, token=tokens.reader)
    public = await gql_data(client, ISSUE_COUNT)

    # then
    assert private == public == {"issues": {"totalCount": len(seed_issues())}}


async def test_the_viewer_answers_anonymously_when_reads_are_private(
    private_client: httpx.AsyncClient, seeded_db: TortoiseContext
) -> None:
    # when
    data = await gql_data(private_client, VIEWER)

    # then
    assert data == {"viewer": {"name": None, "role": "ANONYMOUS"}}


async def test_a_bad_token_is_still_refused_with_401_when_reads_are_private(
    private_client: httpx.AsyncClient, seeded_db: TortoiseContext
) -> None:
    # when
    response = await post_with(private_client, f"Bearer {UNKNOWN_SECRET}")

    # then
    assert_refused(response, UNKNOWN_SECRET)


async def test_secrets_never_reach_the_logs(
    client: httpx.AsyncClient,
    tokens: Tokens,
    targets: Targets,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    revoked = tokens.reader
    await revoke_token("reader")

    # when: a read, a write, token management, and refused tokens
    await gql_data(client, VIEWER, token=tokens.editor)
    await gql_data(
        client,
        document_of("issueEdit"),
        {"input": targets.input_of("issueEdit")},
        tokens.editor,
    )
    created = await gql_data(
        client,
        'mutation { tokenCreate(input: { name: "bot", role: EDITOR }) '
        "{ ... on TokenCreateSuccess { secret } } }",
        token=tokens.admin,
    )
    new_secret = created["tokenCreate"]["secret"]
    await gql_data(client, VIEWER, token=new_secret)
    await post_with(client, f"Bearer {revoked}")
    await post_with(client, f"Bearer {UNKNOWN_SECRET}")
    await post_with(client, f"Basic {tokens.admin}")

    # then
    secrets = [tokens.editor, tokens.admin, revoked, new_secret, UNKNOWN_SECRET]
    assert any(r.name == "tortoise.db_client" for r in caplog.records)
    for record in caplog.records:
        logged = " ".join(
            [record.getMessage(), repr(record.args), record.exc_text or ""]
        )
        leaked = [secret for secret in secrets if secret in logged]
        assert leaked == [], (record.name, record.getMessage())
    assert all(secret not in caplog.text for secret in secrets)


EDIT_THEN_CREATE_TOKEN = """
mutation EditThenCreateToken($issueId: ID!) {
  edit: issueEdit(input: {issueId: $issueId, title: "Changed"}) { __typename }
  ...TokenCreation
}
fragment TokenCreation on Mutation {
  tokenCreate(input: {name: "sneaky", role: READER}) { __typename }
}
"""


async def test_an_operation_with_one_forbidden_field_runs_none_of_them(
    client: httpx.AsyncClient, tokens: Tokens, events: EventRecorder
) -> None:
    # given an editor's operation whose first field it may call and whose second
    # (spread from a fragment) needs an admin
    issue = await Issue.get(slug="direct-flights")
    before = await snapshot()

    # when it is sent
    body = await gql(
        client,
        EDIT_THEN_CREATE_TOKEN,
        {"issueId": global_id("Issue", issue.pk)},
        tokens.editor,
    )

    # then the whole operation is refused before the edit could run
    assert body["data"] is None
    assert only_error(body) == {
        "message": "The token 'editor' has the role EDITOR; this needs an admin token.",
        "locations": [{"line": 7, "column": 3}],
        "path": ["tokenCreate"],
        "extensions": {"code": "FORBIDDEN"},
    }
    assert await snapshot() == before
    assert events.events == []
