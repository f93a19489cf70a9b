"""The `bilateral` command: serve, migrate, seed and export the schema."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NoReturn

import models
from api.cli.archive import add_archive_commands, archive_command
from api.cli.progress import progress
from api.cli.tokens import token_command
from api.observability.logs import configure_logging
from api.observability.multiprocess import shared_metrics
from api.settings import DEFAULT_HOST, DEFAULT_PORT, Settings, SettingsError
from models.config import is_postgres
from models.database import migrate, open_database
from models.enums import TokenRole
from models.failures import describe
from seeds.loader import load_seeds

logger = logging.getLogger("bilateral.cli")
DATABASE_VARIABLES = "DATABASE_URL, BILATERAL_LOG_LEVEL, BILATERAL_LOG_FORMAT"
SERVE_VARIABLES = (
    f"{DATABASE_VARIABLES}, BILATERAL_DB_POOL_SIZE, BILATERAL_STATEMENT_TIMEOUT_MS, "
    "BILATERAL_GRAPHIQL, BILATERAL_PUBLIC_READ, BILATERAL_INTROSPECTION, "
    "BILATERAL_ALLOWED_ORIGINS, BILATERAL_CORS_ORIGINS, BILATERAL_TRUSTED_PROXIES, "
    "BILATERAL_MAX_SUBSCRIPTIONS, BILATERAL_EVENT_POLL_SECONDS, "
    "BILATERAL_RATE_LIMIT, BILATERAL_REQUEST_TIMEOUT_SECONDS, "
    "BILATERAL_HEADER_TIMEOUT_SECONDS, BILATERAL_MAX_CONNECTIONS, "
    "BILATERAL_MAX_DEPTH, BILATERAL_MAX_ALIASES, BILATERAL_MAX_TOKENS, "
    "BILATERAL_MAX_DOCUMENT_CHARS, BILATERAL_MAX_BODY_BYTES, BILATERAL_MAX_NODES, "
    "BILATERAL_TRUSTED_DOCUMENTS, BILATERAL_LOG_FORMAT, BILATERAL_METRICS, "
    "BILATERAL_METRICS_PORT, BILATERAL_METRICS_HOST, PROMETHEUS_MULTIPROC_DIR"
)


ARCHIVE_COMMANDS = ("export", "import", "backup", "restore")


class OneLineParser(argparse.ArgumentParser):
    """Reports a bad argument in one line (the usage is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _command(
    commands: "argparse._SubParsersAction[Any]",
    name: str,
    summary: str,
    description: str,
    variables: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"Environment variables read: {variables}.",
    )
    return parser


def _package_version() -> str:
    try:
        return version("bilateral-tracker")
    except PackageNotFoundError:
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="bilateral",
        description="A GraphQL API over the issues between two countries. "
        "DATABASE_URL picks the database (default: a SQLite file in the working "
        "directory).",
    )
    parser.add_argument(
        "--version", action="version", version=f"bilateral {_package_version()}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = _command(
        commands,
        "serve",
        "migrate, seed an empty database, and serve the API",
        "Apply pending migrations, load the seed data into an empty database, then "
        "serve GraphQL (and GraphiQL) at http://HOST:PORT/graphql until stopped.",
        SERVE_VARIABLES,
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help="default: %(default)s")
    serve.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="1 to 65535; default: %(default)s",
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="server processes sharing the port (more than 1 needs PostgreSQL); "
        "default: %(default)s",
    )
    _command(
        commands,
        "migrate",
        "apply pending database migrations",
        "Apply every pending migration to the database; an up-to-date database is "
        "left as it is.",
        DATABASE_VARIABLES,
    )
    _command(
        commands,
        "seed",
        "load the seed data (a second load changes nothing)",
        "Load the seed data into a migrated database. Seed changes arrive as "
        "history; a second load writes nothing.",
        DATABASE_VARIABLES,
    )
    schema = _command(
        commands,
        "schema",
        "print the GraphQL schema (SDL)",
        "Print the GraphQL schema in SDL, as committed in schema.graphql; with "
        "--possible-types, the JSON map of every union and interface to the types "
        "that implement it, as Apollo Client's `possibleTypes` takes it.",
        "BILATERAL_LOG_LEVEL, BILATERAL_INTROSPECTION (read, not applied to the SDL)",
    )
    schema.add_argument(
        "--possible-types",
        action="store_true",
        help="print the abstract types' possible types as JSON instead of the SDL",
    )
    _add_token_commands(commands)
    add_archive_commands(commands, DATABASE_VARIABLES)
    return parser


def _add_token_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    token = _command(
        commands,
        "token",
        "create, list and revoke API tokens",
        "Manage the API tokens stored in the database (migrating it first).",
        DATABASE_VARIABLES,
    )
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
        if await models.Issue.exists():
            return (
                "database already holds data; seed skipped (`bilateral seed` brings "
                "the seed data up to date)"
            )
        report = await load_seeds()
    return (
        f"seeded {report.issues} issues, {report.updates} updates, "
        f"{report.positions} positions, {report.meetings} meetings"
    )


async def _seed(url: str) -> str:
    async with open_database(url):
        with progress("seed"):
            report = await load_seeds()
    if report.total == 0:
        return "seed data already up to date; nothing written"
    return f"seed wrote {report.total} rows: {report.summary()}"


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65_535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, not {value}")
    return int(value)


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    """Prepare the database once, then start the worker processes."""
    from api.app import create_app
    from api.transport.metrics import serve_apart
    from api.transport.server import listen, run, server_config

    if workers > 1 and not is_postgres(settings.database_url):
        print(
            "bilateral: --workers above 1 needs PostgreSQL (set DATABASE_URL): "
            "SQLite admits one writer and its events stay inside one process.",
            file=sys.stderr,
        )
        return 2
    app = create_app(settings) if workers == 1 else "api.app:app_from_environment"
    config = server_config(settings, app, host, port, workers)
    # Refuse an address we cannot listen on before touching the database.
    sock = listen(config)
    # Before any worker starts, so migrations and seeding never run concurrently.
    print(asyncio.run(prepare_database(settings.database_url)), flush=True)
    with shared_metrics(workers if settings.metrics else 1):
        if settings.metrics and settings.metrics_port is not None:
            serve_apart(settings.metrics_host, settings.metrics_port)
        run(config, sock)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is the return value.

    A failure we can explain (a setting, the database, the address) is one line on
    stderr and status 1 (2 for a setting or an argument), never a traceback.
    """
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_environment()
    except SettingsError as error:
        print(f"bilateral: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    return _failing_in_one_line(lambda: _run(args, settings), settings.database_url)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return _serve(settings, args.host, args.port, args.workers)
    if args.command == "migrate":
        asyncio.run(migrate(settings.database_url))
        print("migrations applied")
    elif args.command == "seed":
        print(asyncio.run(_seed(settings.database_url)))
    elif args.command == "token":
        return asyncio.run(token_command(args, settings.database_url))
    elif args.command in ARCHIVE_COMMANDS:
        return archive_command(args, settings.database_url)
    elif args.command == "schema":
        from api.schema.build import possible_types_json, schema_sdl

        sys.stdout.write(possible_types_json() if args.possible_types else schema_sdl())
    return 0


def _failing_in_one_line(command: Callable[[], int], url: str) -> int:
    """Run a command; an error becomes one line on stderr and status 1."""
    from api.transport.server import ListenError

    try:
        return command()
    except KeyboardInterrupt:
        return 130
    except ListenError as error:
        print(f"bilateral: {error}", file=sys.stderr)
    except Exception as error:
        logger.debug("The command failed", exc_info=True)
        reason = describe(error, url)
        if reason is None:
            reason = f"unexpected {type(error).__name__}: {error}"
            reason = reason.splitlines()[0] + " (BILATERAL_LOG_LEVEL=DEBUG shows more)"
        print(f"bilateral: {reason}", file=sys.stderr)
    return 1
