"""The `bilateral` command: help, schema, migrate and seed."""

import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from api.schema import schema_sdl


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    out = capsys.readouterr().out
    assert exited.value.code == 0
    for command in ("serve", "migrate", "seed", "schema"):
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
