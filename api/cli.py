"""The `bilateral` command: serve, migrate, seed and export the schema."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

from api.settings import DEFAULT_HOST, DEFAULT_PORT, Settings
from api.token_commands import token_command
from models.database import migrate, open_database
from models.enums import TokenRole
from models.issue import Issue
from seeds.loader import load_seeds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bilateral",
        description="A GraphQL API over the issues between two countries. "
        "DATABASE_URL picks the database (default: a SQLite file in the working "
        "directory).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="migrate, seed an empty database, and serve the API"
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help="default: %(default)s")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="default: %(default)s"
    )
    commands.add_parser("migrate", help="apply pending database migrations")
    commands.add_parser(
        "seed", help="load the seed data (a second load changes nothing)"
    )
    commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    _add_token_commands(commands)
    return parser


def _add_token_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    token = commands.add_parser("token", help="create, list and revoke API tokens")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="create a token; the last line printed is its secret"
    )
    create.add_argument("--name", required=True, help="a unique name, never reused")
    create.add_argument(
        "--role", required=True, choices=[role.value.lower() for role in TokenRole]
    )
    actions.add_parser("list", help="list every token (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a token for good")
    revoke.add_argument("name", help="the token's name")


async def prepare_database(url: str) -> str:
    """Migrate, then seed the database if it holds no issue yet."""
    await migrate(url)
    async with open_database(url):
        if await Issue.exists():
            return "database already holds data; seed skipped"
        report = await load_seeds()
    return (
        f"seeded {report.issues} issues, {report.updates} updates, "
        f"{report.meetings} meetings"
    )


async def _seed(url: str) -> str:
    async with open_database(url):
        report = await load_seeds()
    return (
        f"seed wrote {report.total} rows "
        f"({report.issues} issues, {report.updates} updates)"
    )


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from api.app import create_app

    print(asyncio.run(prepare_database(settings.database_url)))
    uvicorn.run(
        create_app(settings), host=host, port=port, log_level=settings.log_level.lower()
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is the return value."""
    args = _parser().parse_args(argv)
    settings = Settings.from_environment()
    logging.basicConfig(
        level=settings.log_level, format="%(levelname)s %(name)s %(message)s"
    )
    if args.command == "serve":
        _serve(settings, args.host, args.port)
    elif args.command == "migrate":
        asyncio.run(migrate(settings.database_url))
        print("migrations applied")
    elif args.command == "seed":
        print(asyncio.run(_seed(settings.database_url)))
    elif args.command == "token":
        return asyncio.run(token_command(args, settings.database_url))
    elif args.command == "schema":
        from api.schema import schema_sdl

        sys.stdout.write(schema_sdl())
    return 0


if __name__ == "__main__":
    sys.exit(main())
