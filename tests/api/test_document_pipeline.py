"""One document pipeline: a document is parsed and validated once, by any transport."""

import hashlib
import importlib
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql.language.parser import Parser
from graphql.validation.validation_context import ValidationContext
from tortoise.context import TortoiseContext

from api.app import create_app
from api.settings import Settings
from tests.api.graphql import post_document
from tests.live import graphql_socket, serving

# The module, not the function the package exports under the same name.
VALIDATE_MODULE = importlib.import_module("graphql.validation.validate")


@dataclass
class Calls:
    """How many times graphql-core parsed and validated a document."""

    parses: int = 0
    validations: int = 0

    def taken(self) -> tuple[int, int]:
        """The counts so far, then start again from nothing."""
        counts = (self.parses, self.validations)
        self.parses = self.validations = 0
        return counts


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Count every parse and validation of an executable document in this process."""
    counted = Calls()
    parse_document = Parser.parse_document

    def counting_parse(parser: Parser) -> Any:
        counted.parses += 1
        return parse_document(parser)

    class CountingContext(ValidationContext):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            counted.validations += 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(Parser, "parse_document", counting_parse)
    monkeypatch.setattr(VALIDATE_MODULE, "ValidationContext", CountingContext)
    return counted


async def test_a_new_document_over_http_is_parsed_and_validated_once(
    client: httpx.AsyncClient, calls: Calls
) -> None:
    # given a document this process has never seen
    document = "query PipelineOnce { issues(first: 2) { totalCount } }"

    # when it is sent twice
    first = await post_document(client, document)
    first_calls = calls.taken()
    second = await post_document(client, document)

    # then it was parsed and validated once, and the repeat did neither
    assert first.json() == second.json()
    assert "errors" not in first.json()
    assert first_calls == (1, 1)
    assert calls.taken() == (0, 0)


async def test_a_refused_document_is_parsed_and_validated_once_too(
    client: httpx.AsyncClient, calls: Calls
) -> None:
    # given a document that fails validation
    document = "{ issues(first: 2) { noSuchField } }"

    # when it is sent twice
    first = await post_document(client, document)
    first_calls = calls.taken()
    second = await post_document(client, document)

    # then both are refused the same way, from one validation
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()
    assert first_calls == (1, 1)
    assert calls.taken() == (0, 0)


async def test_a_new_document_over_websocket_is_parsed_and_validated_once(
    seeded_db: TortoiseContext, seeded_url: str, calls: Calls
) -> None:
    app = create_app(Settings(database_url=seeded_url), manage_database=False)
    document = "query PipelineSocket { issues(first: 1) { totalCount } }"
    async with serving(app) as base, graphql_socket(base) as ws:
        calls.taken()
        # when a new document is sent over WebSocket, then again
        await ws.subscribe("1", document)
        first = await ws.data()
        await ws.receive()  # complete
        first_calls = calls.taken()
        await ws.subscribe("2", document)
        second = await ws.data()
        await ws.receive()  # complete

        # then it was parsed and validated once, and the repeat did neither
        assert first == second
        assert first_calls == (1, 1)
        assert calls.taken() == (0, 0)

        # and a document first seen over HTTP is not prepared again for WebSocket
        http_document = "query PipelineBoth { issues(first: 1) { totalCount } }"
        async with httpx.AsyncClient(base_url=base) as http:
            answer = await http.post("/graphql", json={"query": http_document})
        assert answer.is_success
        assert calls.taken() == (1, 1)
        await ws.subscribe("3", http_document)
        assert await ws.data() == first
        assert calls.taken() == (0, 0)


async def test_a_persisted_query_is_parsed_and_validated_once_too(
    client: httpx.AsyncClient, calls: Calls
) -> None:
    # given a new document and its APQ extension
    document = "query PipelinePersisted { issues(first: 2) { totalCount } }"
    digest = hashlib.sha256(document.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    # when it is registered with its text, then named by its hash alone
    registered = await client.post(
        "/graphql", json={"query": document, "extensions": extensions}
    )
    registered_calls = calls.taken()
    by_hash = await client.post("/graphql", json={"extensions": extensions})

    # then registering prepared it once, and running it by hash prepared nothing
    assert registered.json() == by_hash.json()
    assert "errors" not in by_hash.json()
    assert registered_calls == (1, 1)
    assert calls.taken() == (0, 0)
