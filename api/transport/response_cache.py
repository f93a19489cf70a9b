"""Whole answers to queries, kept until the data they were read from changes.

An answer is keyed by everything that determines it: the document, the operation
name, the variables and who asked (anonymous, or a token's name and role, so a
private answer is never served to another token and roles never share an entry).
It is stored under the data generation (models.data_generation) read before the
query ran, and served only while the database still reports that generation: one
read of one row sent after the request arrived, in every process, so a client
that saw a write acknowledged by any process reads it through any other, with no
timing assumed. Requests that arrive together share that read.

Only answers without errors are kept, never a mutation's, and never an operation
that asks for `rateLimit` (its answer is the request's own budget). The cache is
bounded in entries and in encoded bytes; the least recently used go first.
"""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
)

from api.guards.auth import Viewer
from api.guards.limits import fragments_by_name
from api.guards.parsing import Admitted
from models.data_generation import GenerationReads

UNCACHEABLE_ROOT_FIELDS = frozenset({"rateLimit"})

CacheKey = tuple[str, str | None, bytes, str | None, str | None]


@dataclass(frozen=True)
class Entry:
    """One answer, encoded once, and the data generation it was read at."""

    generation: int
    body: bytes
    size: int


class ResponseCache:
    """The answers of one process, bounded by `entries` and `max_bytes`."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._answers: OrderedDict[CacheKey, Entry] = OrderedDict()
        self._reads = GenerationReads()

    def key_for(
        self,
        query: str,
        operation_name: str | None,
        admitted: Admitted,
        viewer: Viewer,
    ) -> CacheKey | None:
        """The key of an answer that may be kept, or None for one that may not."""
        if self.entries <= 0 or not cacheable(admitted):
            return None
        try:
            variables = orjson.dumps(admitted.variables, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            return None  # e.g. a lone surrogate: not worth keeping
        role = viewer.role.value if viewer.role is not None else None
        return (query, operation_name, variables, role, viewer.name)

    async def generation(self) -> int:
        """The data generation now, read by a statement sent after this call
        began (shared with the requests that arrived meanwhile); read before a
        query runs, never after."""
        return await self._reads.read()

    def get(self, key: CacheKey, generation: int) -> bytes | None:
        """The answer kept for this key at this generation, as sent, if any."""
        entry = self._answers.get(key)
        if entry is None or entry.generation != generation:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return entry.body

    def put(self, key: CacheKey, generation: int, body: dict[str, Any]) -> bool:
        """Keep an answer read at `generation`, unless it is too big to (or has
        errors); whether it was kept."""
        if "errors" in body:
            return False
        try:
            encoded = orjson.dumps(body)
        except orjson.JSONEncodeError:
            return False
        size = len(encoded) + len(key[0]) + len(key[2])
        if size > self.max_bytes:
            return False
        old = self._answers.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._answers[key] = Entry(generation, encoded, size)
        self.bytes += size
        while len(self._answers) > self.entries or self.bytes > self.max_bytes:
            _, evicted = self._answers.popitem(last=False)
            self.bytes -= evicted.size
        return True

    def __len__(self) -> int:
        return len(self._answers)


def cacheable(admitted: Admitted) -> bool:
    """Whether the operation's answer depends only on the data and the viewer."""
    operation = admitted.operation
    if operation.operation is not OperationType.QUERY:
        return False
    fragments = fragments_by_name(admitted.document)
    return not _selects_uncacheable(fragments, operation.selection_set, set())


def _selects_uncacheable(
    fragments: Mapping[str, FragmentDefinitionNode],
    selections: SelectionSetNode,
    seen: set[str],
) -> bool:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in UNCACHEABLE_ROOT_FIELDS:
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _selects_uncacheable(fragments, selection.selection_set, seen):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments.get(name)
            if fragment is not None and _selects_uncacheable(
                fragments, fragment.selection_set, seen
            ):
                return True
    return False
