"""Idempotency keys: a retried write returns what the first attempt did.

A key belongs to one actor (a token name). The first successful call stores a
fingerprint of its input and the ids of what it wrote, in the same transaction;
a later call with the key replays those ids, or is refused when its input differs.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.errors import InvalidInputError, UserErrorCode
from models.nested_pages import hydrate
from models.sql import Statement
from models.validation import clean_text

KEY_MAX = 200


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

    async def recall(self) -> dict[str, int] | None:
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
        stored = hydrate(IdempotencyKey, rows[0])
        if (stored.operation, stored.fingerprint) != (self.operation, self.fingerprint):
            raise InvalidInputError(
                "idempotency_key",
                "This idempotency key was already used with a different input. "
                "Use a new key for a new request.",
                UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            )
        return stored.result

    async def remember(self, result: dict[str, int]) -> None:
        """Store the key with what the call produced (inside its transaction)."""
        if self.key is not None:
            await IdempotencyKey.create(
                actor=self.actor,
                key=self.key,
                operation=self.operation,
                fingerprint=self.fingerprint,
                result=result,
            )
