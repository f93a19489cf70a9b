"""The `bilateral` command: help, schema, migrate, seed and tokens."""

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from api.cli.main import main
from api.schema.build import schema_sdl
from models.tokens import SECRET_PATTERN
from tests.api.graphql import SEED, seed_issues, seed_updates
from tests.live import free_port

ISSUES, UPDATES, MEETINGS = (
    len(seed_issues()),
    len(seed_updates()),
    len(SEED["meetings"]),
)
POSITIONS = len(SEED["positions"])
LINKS = sum(len(meeting["issues"]) for meeting in SEED["meetings"])
# Every row a first seed writes: the relationship and all of the above.
SEED_ROWS = 1 + ISSUES + UPDATES + MEETINGS + POSITIONS + LINKS


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    out = capsys.readouterr().out
    assert exited.value.code == 0
    for command in ("serve", "migrate", "seed", "schema", "token"):
        assert command in out


def test_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0

    assert capsys.readouterr().out == schema_sdl()


def test_migrate_then_seed_twice_on_a_sqlite_file(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}", "PATH": ""}
    run = [sys.executable, "-m", "api.cli"]

    migrated = subprocess.run(
        [*run, "migrate"], env=env, capture_output=True, text=True
    )
    first = subprocess.run([*run, "seed"], env=env, capture_output=True, text=True)
    second = subprocess.run([*run, "seed"], env=env, capture_output=True, text=True)

    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == "migrations applied"
    assert first.stdout.strip() == (
        f"seed wrote {SEED_ROWS} rows: added {ISSUES} issues, {UPDATES} updates, "
        f"{POSITIONS} positions, {MEETINGS} meetings, {LINKS} meeting links; "
        "retracted 0 corrected updates and 0 positions, refreshed 0 issues; "
        "left alone 0 editors' issues and 0 entries an editor retracted"
    )
    assert second.stdout.strip() == "seed data already up to date; nothing written"


def _token_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "token", *args],
        env=env,
        capture_output=True,
        text=True,
    )


def test_token_create_list_and_revoke(tmp_path: Path) -> None:
    # given a fresh database file
    database = tmp_path / "tokens.sqlite3"
    env = {"DATABASE_URL": f"sqlite://{database}", "PATH": ""}

    # when a token is created, listed and revoked
    created = _token_cli(env, "create", "--name", "newsroom-bot", "--role", "editor")
    listed = _token_cli(env, "list")
    revoked = _token_cli(env, "revoke", "newsroom-bot")
    listed_after = _token_cli(env, "list")

    # then the secret is the last line, shown once and stored only as a digest
    assert created.returncode == 0, created.stderr
    secret = created.stdout.splitlines()[-1]
    assert SECRET_PATTERN.match(secret)
    assert created.stdout.splitlines()[0] == "Created editor token 'newsroom-bot'."
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name, role, secret_hash FROM api_token")
        assert list(rows) == [
            ("newsroom-bot", "EDITOR", hashlib.sha256(secret.encode()).hexdigest())
        ]
    assert secret.encode() not in database.read_bytes()
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[1].split()[:2] == ["newsroom-bot", "EDITOR"]
    assert listed.stdout.splitlines()[1].endswith(" -")
    assert secret not in listed.stdout
    assert revoked.returncode == 0
    assert revoked.stdout.strip() == "Token 'newsroom-bot' is revoked."
    assert not listed_after.stdout.splitlines()[1].endswith(" -")


def test_token_commands_refuse_clearly(tmp_path: Path) -> None:
    # given a database with one token
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'tokens.sqlite3'}", "PATH": ""}
    assert _token_cli(env, "create", "--name", "ops", "--role", "admin").returncode == 0

    # when a name is reused, an unknown token revoked, or a role misspelt
    reused = _token_cli(env, "create", "--name", "ops", "--role", "reader")
    unknown = _token_cli(env, "revoke", "nobody")
    bad_role = _token_cli(env, "create", "--name", "x", "--role", "owner")

    # then each exits non-zero with the reason on stderr and prints no secret
    assert reused.returncode == 1
    assert reused.stdout == ""
    assert reused.stderr.strip() == (
        "error: A token named 'ops' already exists or existed; names are never "
        "reused, so pick another."
    )
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: No token is named 'nobody'."
    assert bad_role.returncode == 2
    assert "invalid choice: 'owner'" in bad_role.stderr


def test_serve_refuses_several_workers_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the SQLite default
    database = tmp_path / "workers.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{database}")

    # when serve is asked for two workers
    status = main(["serve", "--workers", "2"])

    # then it refuses before touching the database
    assert status == 2
    assert capsys.readouterr().err == (
        "bilateral: --workers above 1 needs PostgreSQL (set DATABASE_URL): SQLite "
        "admits one writer and its events stay inside one process.\n"
    )
    assert not database.exists()


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_serve_refuses_a_worker_count_below_one(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--workers", workers])

    assert exited.value.code == 2
    assert "argument --workers" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BILATERAL_MAX_SUBSCRIPTIONS", "0"),
        ("BILATERAL_DB_POOL_SIZE", "many"),
        ("BILATERAL_EVENT_POLL_SECONDS", "-1"),
    ],
)
def test_a_bad_setting_is_named_and_refused(
    name: str,
    value: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(name, value)

    assert main(["schema"]) == 2
    assert capsys.readouterr().err == (
        f"bilateral: {name} must be a positive number; got {value!r}.\n"
    )


def _bilateral(
    env: dict[str, str], *args: str, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env={"PATH": "", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _postgres_server() -> str:
    return os.environ["TEST_DATABASE_URL"]


def _fails_in_one_line(
    result: subprocess.CompletedProcess[str], status: int, line: str
) -> None:
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [line]
    assert result.returncode == status


@pytest.mark.parametrize(
    ("url", "command"),
    [("garbage", "migrate"), ("mysql://app:secret@db.example/app", "seed")],
)
def test_an_unusable_database_url_fails_in_one_line(url: str, command: str) -> None:
    result = _bilateral({"DATABASE_URL": url}, command)

    shown = "mysql://…@db.example/app" if "mysql" in url else url
    _fails_in_one_line(
        result,
        2,
        "bilateral: DATABASE_URL must be sqlite://PATH or "
        f"postgres://USER@HOST:PORT/NAME; got {shown!r}.",
    )


@pytest.mark.parametrize("command", [["migrate"], ["seed"], ["token", "list"]])
@pytest.mark.postgres_only
def test_a_missing_postgresql_database_says_how_to_create_it(
    command: list[str],
) -> None:
    server = _postgres_server()
    url = server.rsplit("/", 1)[0] + "/bilateral_missing_database"

    result = _bilateral({"DATABASE_URL": url}, *command)

    _fails_in_one_line(
        result,
        1,
        "bilateral: the PostgreSQL database 'bilateral_missing_database' does not "
        "exist on 127.0.0.1:5432; create it with `createdb bilateral_missing_database`",
    )


def test_a_refused_port_asks_whether_the_server_runs() -> None:
    port = free_port()
    url = f"postgres://postgres@127.0.0.1:{port}/bilateral"

    result = _bilateral({"DATABASE_URL": url}, "migrate")

    _fails_in_one_line(
        result,
        1,
        f"bilateral: cannot connect to PostgreSQL at 127.0.0.1:{port}: is the server "
        "running?",
    )


def test_an_unknown_log_level_fails_in_one_line() -> None:
    result = _bilateral({"BILATERAL_LOG_LEVEL": "LOUD"}, "schema")

    _fails_in_one_line(
        result,
        2,
        "bilateral: BILATERAL_LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, "
        "INFO, DEBUG; got 'LOUD'.",
    )


def test_serve_with_a_bad_trusted_manifest_fails_in_one_line(tmp_path: Path) -> None:
    manifest = tmp_path / "trusted.json"
    manifest.write_text('{"' + "0" * 64 + '": "{ viewer { role } }"}')
    env = {
        "DATABASE_URL": f"sqlite://{tmp_path / 'db.sqlite3'}",
        "BILATERAL_TRUSTED_DOCUMENTS": str(manifest),
    }

    result = _bilateral(env, "serve", "--port", str(free_port()))

    digest = hashlib.sha256(b"{ viewer { role } }").hexdigest()
    _fails_in_one_line(
        result,
        2,
        f"bilateral: BILATERAL_TRUSTED_DOCUMENTS: the manifest {str(manifest)!r} has "
        f"an entry {'0' * 64!r} that is not the SHA-256 of its document (that is "
        f"{digest!r}).",
    )
    assert not (tmp_path / "db.sqlite3").exists()


def test_seed_on_a_database_never_migrated_says_to_migrate(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'new.sqlite3'}"}

    result = _bilateral(env, "seed")

    _fails_in_one_line(
        result,
        1,
        "bilateral: the database has no tables yet; run `bilateral migrate` first",
    )


@pytest.mark.parametrize("command", [["migrate"], ["seed"], ["serve"]])
def test_a_sqlite_file_in_a_missing_folder_fails_at_once(
    tmp_path: Path, command: list[str]
) -> None:
    env = {"DATABASE_URL": "sqlite://nodir/x.sqlite3"}
    started = time.monotonic()

    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *command],
        env={"PATH": "", **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert time.monotonic() - started < 5  # about 0.4 s, most of it imports
    _fails_in_one_line(
        result,
        1,
        "bilateral: the folder 'nodir' of the SQLite database does not exist; "
        "create it, or set DATABASE_URL to a file in an existing folder",
    )
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize("port", ["99999", "0", "http"])
def test_serve_refuses_a_port_out_of_range(port: str) -> None:
    result = _bilateral({}, "serve", "--port", port)

    _fails_in_one_line(
        result,
        2,
        f"bilateral serve: argument --port: must be a port from 1 to 65535, not "
        f"{port} (see `bilateral serve --help`)",
    )


def test_serve_refuses_a_port_already_taken(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite://{tmp_path / 'taken.sqlite3'}"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = _bilateral(env, "serve", "--port", str(port))

    _fails_in_one_line(
        result,
        1,
        f"bilateral: cannot listen on 127.0.0.1:{port}: Address already in use",
    )
    assert not (tmp_path / "taken.sqlite3").exists()


@pytest.mark.parametrize(
    "name",
    [
        "BILATERAL_PUBLIC_READ",
        "BILATERAL_GRAPHIQL",
        "BILATERAL_INTROSPECTION",
        "BILATERAL_BOARD",
    ],
)
def test_a_boolean_setting_that_is_not_understood_is_refused(name: str) -> None:
    result = _bilateral({name: "maybe"}, "schema")

    _fails_in_one_line(
        result,
        2,
        f"bilateral: {name} must be true or false (also 1/0, yes/no, on/off); "
        "got 'maybe'.",
    )


def test_version_comes_from_the_package_metadata() -> None:
    result = _bilateral({}, "--version")

    assert result.returncode == 0
    assert result.stdout == f"bilateral {version('bilateral-tracker')}\n"


@pytest.mark.parametrize(
    ("command", "variable"),
    [
        (["serve"], "BILATERAL_TRUSTED_PROXIES"),
        (["serve"], "BILATERAL_HEADER_TIMEOUT_SECONDS"),
        (["migrate"], "DATABASE_URL"),
        (["seed"], "DATABASE_URL"),
        (["schema"], "BILATERAL_LOG_LEVEL"),
        (["token"], "DATABASE_URL"),
    ],
)
def test_each_command_describes_itself_and_its_variables(
    command: list[str], variable: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])

    out = " ".join(capsys.readouterr().out.split())
    assert exited.value.code == 0
    assert "Environment variables read:" in out
    assert variable in out
    assert out.count(".") >= 2  # a description, not just the usage


def test_serve_prints_the_graphiql_url_once_listening(tmp_path: Path) -> None:
    port = free_port()
    env = {"PATH": "", "DATABASE_URL": f"sqlite://{tmp_path / 'serve.sqlite3'}"}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            assert process.stdout is not None
            seeded = process.stdout.readline()
            announced = process.stdout.readline()
            answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        finally:
            process.terminate()
            process.wait(timeout=10)

    assert seeded == (
        f"seeded {ISSUES} issues, {UPDATES} updates, {POSITIONS} positions, "
        f"{MEETINGS} meetings\n"
    )
    assert announced == (
        f"bilateral: serving GraphQL and GraphiQL at http://127.0.0.1:{port}/graphql\n"
    )
    assert answer.status_code == 200


def test_a_read_only_database_fails_in_one_line(tmp_path: Path) -> None:
    database = f"sqlite://{tmp_path / 'ro.sqlite3'}"
    assert _bilateral({"DATABASE_URL": database}, "migrate").returncode == 0
    env = {"DATABASE_URL": f"{database}?query_only=1"}

    result = _bilateral(env, "token", "create", "--name", "ops", "--role", "admin")

    _fails_in_one_line(
        result, 1, "bilateral: the database is read-only; nothing was written"
    )
    assert result.stdout == ""
