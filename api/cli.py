"""The `bilateral` command: serve, migrate, seed and export the schema."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

from api.settings import DEFAULT_HOST, DEFAULT_PORT, Settings, SettingsError
from api.token_commands import token_command
from models.config import is_postgres
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
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="server processes sharing the port (more than 1 needs PostgreSQL); "
        "default: %(default)s",
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


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    """Prepare the database once, then start the worker processes."""
    import uvicorn

    from api.app import create_app

    if workers > 1 and not is_postgres(settings.database_url):
        print(
            "bilateral: --workers above 1 needs PostgreSQL (set DATABASE_URL): "
            "SQLite admits one writer and its events stay inside one process.",
            file=sys.stderr,
        )
        return 2
    # Before any worker starts, so migrations and seeding never run concurrently.
    print(asyncio.run(prepare_database(settings.database_url)))
    log_level = settings.log_level.lower()
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)
        return 0
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=log_level,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is the return value."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_environment()
    except SettingsError as error:
        print(f"bilateral: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(levelname)s %(name)s %(message)s"
    )
    if args.command == "serve":
        return _serve(settings, args.host, args.port, args.workers)
    if args.command == "migrate":
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
