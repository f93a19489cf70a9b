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
from api.observability import metrics
from api.transport.bounded import Bounded
from models.data_generation import GenerationReads

UNCACHEABLE_ROOT_FIELDS = frozenset({"rateLimit"})

CacheKey = tuple[str, str | None, bytes, str | None, str | None]


@dataclass(frozen=True)
class Entry:
    """One answer, encoded once, and the data generation it was read at."""

    generation: int
    body: bytes


class ResponseCache:
    """The answers of one process, bounded by `entries` and `max_bytes`.

    Every look-up is counted here, in `hits` and `misses` and in the metrics,
    whichever transport or layer made it.
    """

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.hits = 0
        self.misses = 0
        self._answers: Bounded[CacheKey, Entry] = Bounded(entries, max_bytes)
        self._reads = GenerationReads()

    @property
    def entries(self) -> int:
        """How many answers it keeps at most (0: none)."""
        return self._answers.entries

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
        entry = self._answers.peek(key)
        if entry is None or entry.generation != generation:
            self.misses += 1
            metrics.labelled(metrics.CACHE_LOOKUPS, "miss").inc()
            return None
        self._answers.touch(key)
        self.count_hit()
        return entry.body

    def count_hit(self) -> None:
        """Count an answer found, here or as a replay of its bytes."""
        self.hits += 1
        metrics.labelled(metrics.CACHE_LOOKUPS, "hit").inc()

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
        return self._answers.put(key, Entry(generation, encoded), size)

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def bytes(self) -> int:
        """What the answers kept weigh, encoded."""
        return self._answers.bytes


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
