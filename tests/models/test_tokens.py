"""API tokens: a secret shown once and stored only as its digest, names never reused.

Revoked tokens stay on record but no longer open the API.
"""

import hashlib
import re

import pytest
from tortoise.context import TortoiseContext

from models.api_token import ApiToken
from models.enums import TokenRole
from models.errors import InvalidInputError, NotFoundError, UserErrorCode
from models.tokens import (
    create_token,
    digest,
    find_token,
    is_well_formed,
    list_tokens,
    revoke_token,
)
from tests.snapshots import snapshot

SECRET = re.compile(r"^bil_[A-Za-z0-9_-]{43}$")
NAME_RULE = (
    "A token name is 1 to 100 letters, digits, '.', '_', '@' or '-', "
    "starting with a letter or digit."
)


def described(error: InvalidInputError | NotFoundError) -> tuple[str, str, str]:
    """An error's field, code and message, to compare in one assertion."""
    return (error.field, error.code, error.message)


# create_token


async def test_a_new_token_is_stored_with_the_digest_of_its_secret(
    empty_db: TortoiseContext,
) -> None:
    # when
    issued = await create_token("ci-bot", TokenRole.EDITOR, actor="admin")

    # then
    assert SECRET.match(issued.secret)
    assert is_well_formed(issued.secret)
    stored = await ApiToken.filter(id=issued.token.id).first().values()
    assert {
        key: stored[key]
        for key in ("name", "role", "secret_hash", "created_by", "revoked_at")
    } == {
        "name": "ci-bot",
        "role": TokenRole.EDITOR,
        "secret_hash": hashlib.sha256(issued.secret.encode()).hexdigest(),
        "created_by": "admin",
        "revoked_at": None,
    }
    assert re.fullmatch(r"[0-9a-f]{64}", stored["secret_hash"])
    assert stored["created_at"] is not None
    assert issued.token.is_active


async def test_the_secret_itself_is_stored_nowhere(empty_db: TortoiseContext) -> None:
    # when
    issued = await create_token("ci-bot", TokenRole.ADMIN, actor="admin")

    # then no stored value holds the secret or its random part
    rows = await snapshot()
    stored_text = repr(rows)
    assert issued.secret not in stored_text
    assert issued.secret.removeprefix("bil_") not in stored_text


async def test_each_token_gets_its_own_secret(empty_db: TortoiseContext) -> None:
    # when
    first = await create_token("first", TokenRole.READER, actor="admin")
    second = await create_token("second", TokenRole.READER, actor="admin")

    # then
    assert first.secret != second.secret
    assert first.token.secret_hash != second.token.secret_hash


@pytest.mark.parametrize("role", list(TokenRole))
async def test_a_token_keeps_its_role(
    empty_db: TortoiseContext, role: TokenRole
) -> None:
    # when
    issued = await create_token("bot", role, actor="admin")

    # then
    assert (await ApiToken.get(id=issued.token.id)).role is role


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("a", "a"),
        ("9lives", "9lives"),
        ("  ci-bot  ", "ci-bot"),
        ("desk.editor_2@example-org", "desk.editor_2@example-org"),
        ("n" * 100, "n" * 100),
        ("seeder", "seeder"),
    ],
    ids=["one-letter", "digit-first", "trimmed", "all-symbols", "100-long", "seeder"],
)
async def test_a_well_formed_name_is_accepted(
    empty_db: TortoiseContext, name: str, stored: str
) -> None:
    # when
    issued = await create_token(name, TokenRole.READER, actor="admin")

    # then
    assert (await ApiToken.get(id=issued.token.id)).name == stored


@pytest.mark.parametrize(
    "name",
    ["", "   ", "-bot", ".bot", "_bot", "@bot", "ci bot", "ci/bot", "émile", "n" * 101],
    ids=[
        "empty",
        "blank",
        "hyphen-first",
        "dot-first",
        "underscore-first",
        "at-first",
        "space",
        "slash",
        "non-ascii",
        "101-long",
    ],
)
async def test_a_malformed_name_is_refused(
    empty_db: TortoiseContext, name: str
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create_token(name, TokenRole.READER, actor="admin")

    # then
    assert described(caught.value) == ("name", UserErrorCode.INVALID, NAME_RULE)
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("seed", "seed"),
        ("anonymous", "anonymous"),
        ("SEED", "SEED"),
        ("  Anonymous ", "Anonymous"),
    ],
    ids=["seed", "anonymous", "seed-uppercase", "anonymous-capitalised"],
)
async def test_a_reserved_name_is_refused(
    empty_db: TortoiseContext, name: str, shown: str
) -> None:
    # given
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create_token(name, TokenRole.ADMIN, actor="admin")

    # then
    assert described(caught.value) == (
        "name",
        UserErrorCode.INVALID,
        f"'{shown}' is reserved; pick another name.",
    )
    assert await snapshot() == before


async def test_a_taken_name_is_refused(empty_db: TortoiseContext) -> None:
    # given
    await create_token("ci-bot", TokenRole.READER, actor="admin")
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create_token(" ci-bot ", TokenRole.EDITOR, actor="admin")

    # then
    assert described(caught.value) == (
        "name",
        UserErrorCode.ALREADY_EXISTS,
        "A token named 'ci-bot' already exists or existed; names are never reused, "
        "so pick another.",
    )
    assert await snapshot() == before


async def test_the_name_of_a_revoked_token_is_never_reused(
    empty_db: TortoiseContext,
) -> None:
    # given
    await create_token("ci-bot", TokenRole.READER, actor="admin")
    await revoke_token("ci-bot")
    before = await snapshot()

    # when
    with pytest.raises(InvalidInputError) as caught:
        await create_token("ci-bot", TokenRole.READER, actor="admin")

    # then
    assert (caught.value.field, caught.value.code) == (
        "name",
        UserErrorCode.ALREADY_EXISTS,
    )
    assert await snapshot() == before


# find_token


async def test_an_active_token_is_found_by_its_secret(
    empty_db: TortoiseContext,
) -> None:
    # given
    issued = await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    await create_token("other", TokenRole.READER, actor="admin")

    # when
    found = await find_token(issued.secret)

    # then
    assert found is not None
    assert (found.id, found.name, found.role) == (
        issued.token.id,
        "ci-bot",
        TokenRole.EDITOR,
    )


async def test_a_revoked_token_is_not_found(empty_db: TortoiseContext) -> None:
    # given
    issued = await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    await revoke_token("ci-bot")

    # when
    found = await find_token(issued.secret)

    # then
    assert found is None


async def test_a_well_formed_but_unknown_secret_is_not_found(
    empty_db: TortoiseContext,
) -> None:
    # given
    await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    unknown = "bil_" + "A" * 43

    # when
    found = await find_token(unknown)

    # then
    assert is_well_formed(unknown)
    assert found is None


async def test_malformed_secrets_are_not_found(empty_db: TortoiseContext) -> None:
    # given
    issued = await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    secret = issued.secret
    malformed = [
        "",
        secret.removeprefix("bil_"),
        "BIL_" + secret.removeprefix("bil_"),
        secret + "A",
        secret[:-1],
        f" {secret}",
        secret[:-1] + "=",
        issued.token.secret_hash,
        digest(secret),
    ]

    # when
    found = [await find_token(text) for text in malformed]

    # then
    assert [is_well_formed(text) for text in malformed] == [False] * len(malformed)
    assert found == [None] * len(malformed)


async def test_a_secret_with_a_trailing_newline_is_not_well_formed(
    empty_db: TortoiseContext,
) -> None:
    # given a secret as it might arrive from a file or a careless header
    issued = await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    with_newline = f"{issued.secret}\n"

    # when
    found = await find_token(with_newline)

    # then it is refused before any lookup, like every other malformed string
    assert found is None
    assert is_well_formed(with_newline) is False


# revoke_token


async def test_revoking_stamps_revoked_at_and_keeps_the_token(
    empty_db: TortoiseContext,
) -> None:
    # given
    issued = await create_token("ci-bot", TokenRole.EDITOR, actor="admin")

    # when
    revoked = await revoke_token("ci-bot")

    # then
    stored = await ApiToken.get(id=issued.token.id)
    assert stored.revoked_at is not None
    assert stored.revoked_at >= stored.created_at
    assert (revoked.id, revoked.revoked_at, revoked.is_active) == (
        issued.token.id,
        stored.revoked_at,
        False,
    )
    assert (stored.name, stored.secret_hash) == ("ci-bot", issued.token.secret_hash)


async def test_revoking_again_changes_nothing(empty_db: TortoiseContext) -> None:
    # given
    await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    first = await revoke_token("ci-bot")
    before = await snapshot()

    # when
    again = await revoke_token("ci-bot")

    # then
    assert again.revoked_at == first.revoked_at
    assert await snapshot() == before


async def test_revoking_one_token_leaves_the_others_active(
    empty_db: TortoiseContext,
) -> None:
    # given
    kept = await create_token("kept", TokenRole.EDITOR, actor="admin")
    await create_token("gone", TokenRole.EDITOR, actor="admin")

    # when
    await revoke_token("gone")

    # then
    found = await find_token(kept.secret)
    assert found is not None
    assert found.name == "kept"


async def test_revoking_an_unknown_name_is_refused(empty_db: TortoiseContext) -> None:
    # given
    await create_token("ci-bot", TokenRole.EDITOR, actor="admin")
    before = await snapshot()

    # when
    with pytest.raises(NotFoundError) as caught:
        await revoke_token("ghost")

    # then
    assert described(caught.value) == (
        "name",
        UserErrorCode.NOT_FOUND,
        "No token is named 'ghost'.",
    )
    assert caught.value.pk is None
    assert await snapshot() == before


# list_tokens


async def test_no_tokens_list_as_empty(empty_db: TortoiseContext) -> None:
    # when
    tokens = await list_tokens()

    # then
    assert tokens == []


async def test_every_token_is_listed_oldest_first_revoked_included(
    empty_db: TortoiseContext,
) -> None:
    # given
    for name in ("first", "second", "third"):
        await create_token(name, TokenRole.READER, actor="admin")
    await revoke_token("second")

    # when
    tokens = await list_tokens()

    # then
    assert [(token.name, token.is_active) for token in tokens] == [
        ("first", True),
        ("second", False),
        ("third", True),
    ]
