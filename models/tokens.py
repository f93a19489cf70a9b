"""Issuing, checking and revoking API tokens.

A secret is shown once, when it is created; only its SHA-256 digest is stored.
Secrets are long random strings, so a fast digest is enough: there is nothing
to guess that a slow hash would protect.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from models.api_token import ApiToken
from models.enums import EventKind, TokenRole
from models.errors import InvalidInputError, NotFoundError, UserErrorCode
from models.events import Event, Publish, discard, publish_committed
from models.hydration import hydrate
from models.sql import Statement
from models.transactions import atomically, now

SECRET_PREFIX = "bil_"
SECRET_PATTERN = re.compile(r"bil_[A-Za-z0-9_-]{43}")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
RESERVED_NAMES = frozenset({"seed", "anonymous"})


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret, which is never available again."""

    token: ApiToken
    secret: str


def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_well_formed(secret: str) -> bool:
    """Whether a string could be a secret we issued, before any lookup."""
    return SECRET_PATTERN.fullmatch(secret) is not None


async def create_token(name: str, role: TokenRole, *, actor: str) -> IssuedToken:
    """Issue a token. Raises InvalidInputError for a bad, reserved or taken name."""
    cleaned = _clean_name(name)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)

    async def write() -> ApiToken:
        if await ApiToken.exists(name__iexact=cleaned):
            raise InvalidInputError(
                "name",
                f"A token named '{cleaned}' already exists or existed; names are "
                "never reused, so pick another.",
                UserErrorCode.ALREADY_EXISTS,
            )
        return await ApiToken.create(
            name=cleaned,
            role=TokenRole(role),
            secret_hash=digest(secret),
            created_by=actor,
        )

    return IssuedToken(await atomically(write), secret)


async def find_token(secret: str) -> ApiToken | None:
    """The active token with this secret, or None (compared in constant time)."""
    if not is_well_formed(secret):
        return None
    wanted = digest(secret)
    # Every request with a token runs this: one prepared statement, no ORM query.
    statement = Statement()
    rows = await statement.fetch(
        f"SELECT * FROM api_token WHERE secret_hash = {statement.param(wanted)}"
    )
    token = hydrate(ApiToken, rows[0]) if rows else None
    if token is None or not hmac.compare_digest(token.secret_hash, wanted):
        return None
    return token if token.is_active else None


async def revoke_token(name: str, publish: Publish = discard) -> ApiToken:
    """Revoke a token for good (again: no change). Raises NotFoundError.

    Publishes TOKEN_REVOKED after the revocation is stored, so that every process
    ends what the token still has open; a repeated revoke publishes nothing.
    """
    wanted = name.strip()
    # A name no token could have (too long, odd characters) is simply not found.
    token = (
        await ApiToken.get_or_none(name=wanted)
        if NAME_PATTERN.fullmatch(wanted)
        else None
    )
    if token is None:
        message = f"No token is named '{wanted[:100]}'."
        raise NotFoundError("name", "token", None, message)
    if token.revoked_at is not None:
        return token

    async def write() -> None:
        await ApiToken.filter(id=token.id, revoked_at__isnull=True).update(
            revoked_at=now()
        )

    await atomically(write)
    await token.refresh_from_db()
    event = Event(EventKind.TOKEN_REVOKED, token_name=token.name)
    await publish_committed(publish, event)
    return token


async def is_active(name: str) -> bool:
    """Whether the token of this name exists and has not been revoked."""
    return await ApiToken.filter(name=name, revoked_at__isnull=True).exists()


async def revoked_among(names: set[str]) -> set[str]:
    """Which of these token names have been revoked."""
    found = await ApiToken.filter(
        name__in=sorted(names), revoked_at__isnull=False
    ).values_list("name", flat=True)
    return {str(name) for name in found}


async def list_tokens() -> list[ApiToken]:
    """Every token ever issued, oldest first."""
    return await ApiToken.all().order_by("created_at", "id")


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not NAME_PATTERN.fullmatch(cleaned):
        raise InvalidInputError(
            "name",
            "A token name is 1 to 100 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit.",
        )
    if cleaned.lower() in RESERVED_NAMES:
        raise InvalidInputError("name", f"'{cleaned}' is reserved; pick another name.")
    return cleaned
