"""Idempotency keys: a retried write returns what the first attempt did.

A key belongs to one actor (a token name). The first successful call stores a
fingerprint of its input and the ids of what it wrote, in the same transaction;
a later call with the key replays those ids, or is refused when its input differs.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.errors import InvalidInputError, UserErrorCode
from models.hydration import hydrate
from models.rows import insert_sql
from models.sql import Statement
from models.validation import clean_text

KEY_MAX = 200
# The ids an earlier call with a key produced, or None for a first call.
Recalled = dict[str, int] | None
# The key's columns read beside another row, under names no table uses.
_RECALLED = {
    "operation": "key_operation",
    "fingerprint": "key_fingerprint",
    "result": "key_result",
}


class IdempotencyKey(Model):
    """A write already done under a client's key, with what it produced."""

    id = fields.IntField(primary_key=True)
    actor = fields.CharField(max_length=100)
    key = fields.CharField(max_length=KEY_MAX)
    operation = fields.CharField(max_length=50)
    fingerprint = fields.CharField(max_length=64)
    result: dict[str, int] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_key"
        unique_together = (("actor", "key"),)


@dataclass(frozen=True)
class Idempotency:
    """One call's key and input fingerprint; a call without a key is never replayed."""

    actor: str
    key: str | None
    operation: str
    fingerprint: str

    @classmethod
    def of(
        cls, actor: str, key: str | None, operation: str, given: dict[str, Any]
    ) -> "Idempotency":
        """Check the key and fingerprint the cleaned input."""
        cleaned = None if key is None else clean_text(key, "idempotency_key", KEY_MAX)
        canonical = json.dumps([operation, given], sort_keys=True, default=str)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return cls(actor, cleaned, operation, digest)

    async def recall(self) -> Recalled:
        """The ids an earlier call with this key produced, if there was one."""
        if self.key is None:
            return None
        statement = Statement()
        rows = await statement.fetch(
            "SELECT * FROM idempotency_key WHERE actor = "
            f"{statement.param(self.actor)} AND key = {statement.param(self.key)}"
        )
        if not rows:
            return None
        return self._replayed(hydrate(IdempotencyKey, rows[0]))

    def recall_join(self, statement: Statement) -> tuple[str, str]:
        """The columns and the join that read this key's earlier call beside
        another table's row, in that row's statement; `recalled` reads them."""
        if self.key is None:
            return "", ""
        columns = "".join(
            f", k.{column} AS {alias}" for column, alias in _RECALLED.items()
        )
        join = (
            " LEFT JOIN idempotency_key k ON k.actor = "
            f"{statement.param(self.actor)} AND k.key = {statement.param(self.key)}"
        )
        return columns, join

    def recalled(self, row: dict[str, Any]) -> Recalled:
        """What `recall` gives, from (and taken out of) a row read with
        `recall_join`."""
        found = {column: row.pop(alias, None) for column, alias in _RECALLED.items()}
        if found["operation"] is None:
            return None
        return self._replayed(IdempotencyKey._init_from_db(**found))

    def _replayed(self, stored: IdempotencyKey) -> dict[str, int]:
        if (stored.operation, stored.fingerprint) != (self.operation, self.fingerprint):
            raise InvalidInputError(
                "idempotency_key",
                "This idempotency key was already used with a different input. "
                "Use a new key for a new request.",
                UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            )
        return stored.result

    def remembering(self, result: dict[str, int]) -> "Remembered | None":
        """The key with what the call produced, for the write to store (None
        for a call without a key)."""
        return None if self.key is None else Remembered(self, result)

    async def remember(self, result: dict[str, int]) -> None:
        """Store the key with what the call produced (inside its transaction)."""
        if (remembered := self.remembering(result)) is not None:
            await remembered.store()


@dataclass(frozen=True)
class Remembered:
    """A key and what its call produced, stored in the write's transaction."""

    idempotency: Idempotency
    result: dict[str, int]

    def insert_sql(self, statement: Statement) -> str:
        """The INSERT that stores it, as part of `statement`: a write may fold it
        into another statement."""
        columns = {
            "actor": self.idempotency.actor,
            "key": self.idempotency.key,
            "operation": self.idempotency.operation,
            "fingerprint": self.idempotency.fingerprint,
            "result": self.result,
            "created_at": datetime.now(UTC),
        }
        return insert_sql(statement, IdempotencyKey, columns)

    async def store(self) -> None:
        """Store it with a statement of its own."""
        statement = Statement()
        await statement.fetch(self.insert_sql(statement))
