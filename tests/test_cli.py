"""The `bilateral` command: help, schema, migrate, seed and tokens."""

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from api.schema import schema_sdl
from models.tokens import SECRET_PATTERN


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
    assert first.stdout.strip() == "seed wrote 186 rows (14 issues, 113 updates)"
    assert second.stdout.strip() == "seed wrote 0 rows (0 issues, 0 updates)"


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
