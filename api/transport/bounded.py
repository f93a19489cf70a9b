"""A store bounded in entries and in bytes: the least recently used go first.

The response cache and the replays of its hits (api.transport.replays) keep
answers the same way; each says what an entry weighs.
"""

from collections import OrderedDict
from typing import Generic, TypeVar

KeyT = TypeVar("KeyT")
ValueT = TypeVar("ValueT")


class Bounded(Generic[KeyT, ValueT]):
    """At most `entries` values weighing at most `max_bytes` in all."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._values: OrderedDict[KeyT, tuple[ValueT, int]] = OrderedDict()

    def peek(self, key: KeyT) -> ValueT | None:
        """The value kept for `key`, left where it stands in the order of use."""
        found = self._values.get(key)
        return None if found is None else found[0]

    def touch(self, key: KeyT) -> None:
        """Mark `key` as just used."""
        self._values.move_to_end(key)

    def put(self, key: KeyT, value: ValueT, size: int) -> bool:
        """Keep `value` unless it alone passes the bounds; whether it was kept."""
        if self.entries <= 0 or size > self.max_bytes:
            return False
        old = self._values.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._values[key] = (value, size)
        self.bytes += size
        while len(self._values) > self.entries or self.bytes > self.max_bytes:
            _, (_, evicted) = self._values.popitem(last=False)
            self.bytes -= evicted
        return True

    def __len__(self) -> int:
        return len(self._values)
