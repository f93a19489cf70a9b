"""Persisted documents: Automatic Persisted Queries (APQ) and trusted documents.

A request may name its document by SHA-256 in `extensions.persistedQuery`
(Apollo's protocol, version 1), with or without the text. Without a trusted
manifest, a new text is registered in a bounded per-process store once it has
passed the document pipeline (length, parse, validation), so a document is never
stored that the pipeline would refuse; a later request may send the hash alone.
With a manifest (`BILATERAL_TRUSTED_DOCUMENTS`), only its documents run, by hash
or by text, and nothing is registered. Either way the document to run goes
through `api.guards.parsing.Documents.admit` like any other.
"""

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError

from api.core.errors import ErrorCode
from api.guards.parsing import Admitted, Documents, OperationCheck

PERSISTED_QUERY = "persistedQuery"
SUPPORTED_VERSION = 1
STORED_DOCUMENTS = 10_000
STORED_CHARACTERS = 20_000_000
SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
NOT_FOUND = "PersistedQueryNotFound"  # the message Apollo clients look for
NOT_IN_LIST = (
    "This server runs only its trusted documents, and this one is not listed: "
    "send the sha256Hash of a listed document in `extensions.persistedQuery`."
)
SHAPE = (
    '`extensions.persistedQuery` must be {"version": 1, "sha256Hash": "<the '
    'SHA-256 of the document, 64 hex digits>"}.'
)


class MalformedPersistedQueryError(GraphQLError):
    """A `persistedQuery` extension that cannot be followed: BAD_REQUEST."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": ErrorCode.BAD_REQUEST})


def sha256_of(document: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text, as clients compute it."""
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()


def names_persisted_query(extensions: Any) -> bool:
    """Whether request extensions carry a `persistedQuery` (so `query` may be
    absent)."""
    return isinstance(extensions, Mapping) and PERSISTED_QUERY in extensions


def requested_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """The hash a request names, lower-cased; None when it names none."""
    if not names_persisted_query(extensions):
        return None
    assert extensions is not None
    persisted = extensions[PERSISTED_QUERY]
    if not isinstance(persisted, Mapping):
        raise MalformedPersistedQueryError(SHAPE)
    version = persisted.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise MalformedPersistedQueryError(SHAPE)
    if version != SUPPORTED_VERSION:
        raise MalformedPersistedQueryError(
            f"Unsupported persisted query version {version}: only version "
            f"{SUPPORTED_VERSION} is supported."
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not SHA256.match(digest):
        raise MalformedPersistedQueryError(SHAPE)
    return digest.lower()


class PersistedDocuments:
    """The documents this process knows by hash: registered ones (APQ), kept
    least recently used first within a bound of count and characters, or the
    trusted manifest, which alone may run when given."""

    def __init__(
        self,
        trusted: Mapping[str, str] | None = None,
        *,
        most_documents: int = STORED_DOCUMENTS,
        most_characters: int = STORED_CHARACTERS,
    ) -> None:
        self.trusted = dict(trusted) if trusted is not None else None
        self.most_documents = most_documents
        self.most_characters = most_characters
        self._stored: OrderedDict[str, str] = OrderedDict()
        self._characters = 0

    def __len__(self) -> int:
        return len(self._stored)

    def admit(
        self,
        documents: Documents,
        query: str | None,
        extensions: Mapping[str, Any] | None,
        operation_name: str | None,
        variables: dict[str, Any],
        *,
        allow: OperationCheck | None = None,
    ) -> Admitted | list[GraphQLError]:
        """The operation to run, found by hash or given as text, or why not.

        Raises MalformedPersistedQueryError for an extension that cannot be
        followed (its shape, its version, a hash that is not the text's).
        """
        digest = requested_hash(extensions)
        text = self._text_to_run(query, digest)
        if isinstance(text, GraphQLError):
            return [text]
        admitted = documents.admit(text, operation_name, variables, allow=allow)
        # Stored only once the document itself passed; its variables may not have.
        registers = digest is not None and query is not None and self.trusted is None
        if registers and (
            isinstance(admitted, Admitted) or not documents.prepare(text).errors
        ):
            self._store(str(digest), text)
        return admitted

    def _text_to_run(self, query: str | None, digest: str | None) -> str | GraphQLError:
        if digest is None:
            assert query is not None, "a request names its document one way or both"
            if self.trusted is not None and sha256_of(query) not in self.trusted:
                return _not_in_list()
            return query
        if query is None:
            found = self._find(digest)
            return _not_found() if found is None else found
        if sha256_of(query) != digest:
            raise MalformedPersistedQueryError(
                "The sha256Hash of `extensions.persistedQuery` is not the SHA-256 of "
                "`query`: nothing was stored."
            )
        if self.trusted is not None and digest not in self.trusted:
            return _not_in_list()
        return query

    def _find(self, digest: str) -> str | None:
        if self.trusted is not None:
            return self.trusted.get(digest)
        found = self._stored.get(digest)
        if found is not None:
            self._stored.move_to_end(digest)
        return found

    def _store(self, digest: str, text: str) -> None:
        if digest in self._stored:
            self._stored.move_to_end(digest)
            return
        if len(text) > self.most_characters:
            return
        self._stored[digest] = text
        self._characters += len(text)
        while (
            len(self._stored) > self.most_documents
            or self._characters > self.most_characters
        ):
            _, evicted = self._stored.popitem(last=False)
            self._characters -= len(evicted)


def _not_found() -> GraphQLError:
    return GraphQLError(
        NOT_FOUND, extensions={"code": ErrorCode.PERSISTED_QUERY_NOT_FOUND}
    )


def _not_in_list() -> GraphQLError:
    return GraphQLError(
        NOT_IN_LIST, extensions={"code": ErrorCode.PERSISTED_QUERY_NOT_IN_LIST}
    )


class ManifestError(ValueError):
    """A trusted-documents manifest that cannot be used, and why."""


def read_manifest(text: str) -> dict[str, str]:
    """The documents of a manifest by lower-case hash, each hash checked.

    Accepted: `{"<sha256>": "<document>"}`, a list of `{"id" | "hash" |
    "sha256Hash": …, "body" | "query" | "document": …}` objects, or such a list
    under `"operations"` (Apollo's persisted query manifest).
    """
    try:
        loaded = json.loads(text)
    except ValueError as error:
        raise ManifestError(f"is not valid JSON ({error})") from None
    entries = _entries(loaded)
    if not entries:
        raise ManifestError("lists no document")
    documents: dict[str, str] = {}
    for digest, document in entries:
        if not isinstance(digest, str) or not SHA256.match(digest):
            raise ManifestError(
                f"has a key that is not a SHA-256 (64 hex digits): {str(digest)[:80]!r}"
            )
        if not isinstance(document, str):
            raise ManifestError(f"has an entry {digest!r} whose document is not text")
        if sha256_of(document) != digest.lower():
            raise ManifestError(
                f"has an entry {digest!r} that is not the SHA-256 of its document "
                f"(that is {sha256_of(document)!r})"
            )
        documents[digest.lower()] = document
    return documents


def _entries(loaded: Any) -> list[tuple[Any, Any]]:
    if isinstance(loaded, dict) and isinstance(loaded.get("operations"), list):
        loaded = loaded["operations"]
    if isinstance(loaded, dict):
        return list(loaded.items())
    if isinstance(loaded, list) and all(isinstance(item, dict) for item in loaded):
        return [
            (
                _first(item, "id", "hash", "sha256Hash"),
                _first(item, "body", "query", "document"),
            )
            for item in loaded
        ]
    raise ManifestError(
        'must map SHA-256 hashes to documents ({"<sha256>": "<document>"}) or list '
        '{"id": "<sha256>", "body": "<document>"} objects'
    )


def _first(item: dict[str, Any], *keys: str) -> Any:
    return next((item[key] for key in keys if key in item), None)
