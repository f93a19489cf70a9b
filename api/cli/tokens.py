"""`bilateral token create|list|revoke`: token management from a shell."""

import argparse
import sys
from datetime import datetime

from api.live.bus import bus_for
from models.database import migrate, open_database
from models.enums import TokenRole
from models.errors import DomainError
from models.tokens import create_token, list_tokens, revoke_token

CLI_ACTOR = "cli"


async def token_command(args: argparse.Namespace, url: str) -> int:
    """Run one token action; print refusals to stderr and return 1."""
    await migrate(url)
    async with open_database(url):
        try:
            if args.action == "create":
                await _create(args.name, TokenRole(args.role.upper()))
            elif args.action == "list":
                await _list()
            else:
                await _revoke(args.name, url)
        except DomainError as error:
            print(f"error: {error.message}", file=sys.stderr)
            return 1
    return 0


async def _create(name: str, role: TokenRole) -> None:
    issued = await create_token(name, role, actor=CLI_ACTOR)
    print(f"Created {role.value.lower()} token '{issued.token.name}'.")
    print("Its secret follows; store it now, it is not shown again:")
    print(issued.secret)


async def _list() -> None:
    tokens = await list_tokens()
    if not tokens:
        print("No tokens.")
        return
    print(f"{'NAME':<32} {'ROLE':<7} {'CREATED (UTC)':<17} REVOKED (UTC)")
    for token in tokens:
        revoked = _minutes(token.revoked_at) if token.revoked_at else "-"
        created = _minutes(token.created_at)
        print(f"{token.name:<32} {token.role.value:<7} {created:<17} {revoked}")


async def _revoke(name: str, url: str) -> None:
    # On PostgreSQL the running servers hear of it at once and end its streams.
    token = await revoke_token(name, publish=bus_for(url).publish)
    print(f"Token '{token.name}' is revoked.")


def _minutes(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
