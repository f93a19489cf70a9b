"""`bilateral backup` and `bilateral restore`: consistent copies, put back whole.

On SQLite the copy is taken from a running server while an editor writes to it.
"""

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.live import free_port, wait_until_ready

pytestmark = pytest.mark.commits

POST = """
mutation Post($input: IssueUpdateStatusInput!) {
  issueUpdateStatus(input: $input) { __typename }
}
"""


def bilateral(
    url: str, *args: str, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def export(url: str) -> str:
    done = bilateral(url, "export")
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def running_server(url: str) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    env = {**os.environ, "DATABASE_URL": url, "BILATERAL_RATE_LIMIT": "0"}
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as process:
        try:
            wait_until_ready(f"http://127.0.0.1:{port}", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def post_updates(base: str, secret: str, count: int) -> list[str]:
    issue = httpx.post(
        f"{base}/graphql",
        json={"query": "{ issues(first: 1) { nodes { id } } }"},
    ).json()["data"]["issues"]["nodes"][0]["id"]
    answers = []
    for number in range(count):
        variables = {
            "input": {
                "issueId": issue,
                "status": "IN_PROGRESS",
                "occurredOn": "2024-02",
                "note": f"Report {number}.",
            }
        }
        answer = httpx.post(
            f"{base}/graphql",
            json={"query": POST, "variables": variables},
            headers={"Authorization": f"Bearer {secret}"},
        )
        answers.append(answer.json()["data"]["issueUpdateStatus"]["__typename"])
    return answers


@pytest.mark.sqlite_only
def test_a_backup_of_a_running_sqlite_server_holds_its_data(
    seeded_url: str, tmp_path: Path
) -> None:
    created = bilateral(
        seeded_url, "token", "create", "--name", "ed", "--role", "editor"
    )
    secret = created.stdout.splitlines()[-1]
    during = tmp_path / "during.sqlite3"
    after = tmp_path / "after.sqlite3"
    with running_server(seeded_url) as base:
        writer = threading.Thread(target=post_updates, args=(base, secret, 20))
        writer.start()
        taken_during = bilateral(seeded_url, "backup", str(during))
        writer.join()
        taken_after = bilateral(seeded_url, "backup", str(after))
        served = export(seeded_url)

    assert taken_during.returncode == 0, taken_during.stderr
    assert taken_during.stdout == f"backed up to {during}\n"
    assert taken_after.returncode == 0, taken_after.stderr
    with sqlite3.connect(during) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # Taken while the writes went on, it is one moment's data: it imports whole.
    (tmp_path / "during.ndjson").write_text(export(f"sqlite://{during}"))
    fresh = f"sqlite://{tmp_path / 'fresh.sqlite3'}"
    assert bilateral(fresh, "import", str(tmp_path / "during.ndjson")).returncode == 0
    assert export(f"sqlite://{after}") == served
    assert served.count('"note":"Report ') == 20


@pytest.mark.sqlite_only
def test_restore_puts_a_sqlite_backup_in_place(seeded_url: str, tmp_path: Path) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert bilateral(seeded_url, "backup", str(backup)).returncode == 0
    target = f"sqlite://{tmp_path / 'restored.sqlite3'}"

    restored = bilateral(target, "restore", str(backup))
    again = bilateral(target, "restore", str(backup))

    assert restored.returncode == 0, restored.stderr
    assert restored.stdout == f"restored {backup}; migrations applied\n"
    assert export(target) == export(seeded_url)
    assert again.returncode == 1
    assert again.stderr == (
        f"bilateral: '{tmp_path / 'restored.sqlite3'}' exists; name a new file, or "
        "pass --force to replace it\n"
    )


@pytest.mark.sqlite_only
def test_a_backup_never_replaces_a_file_unless_forced(
    seeded_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "copy.sqlite3"
    backup.write_bytes(b"keep me")

    refused = bilateral(seeded_url, "backup", str(backup))
    forced = bilateral(seeded_url, "backup", "--force", str(backup))

    assert refused.returncode == 1
    assert refused.stderr == (
        f"bilateral: '{backup}' exists; name a new file, or pass --force to "
        "replace it\n"
    )
    assert forced.returncode == 0
    assert export(f"sqlite://{backup}") == export(seeded_url)


@pytest.mark.postgres_only
def test_a_pg_dump_backup_restores_into_another_database(
    seeded_url: str, empty_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "bilateral.dump"

    taken = bilateral(seeded_url, "backup", str(backup))
    restored = bilateral(empty_url, "restore", str(backup))
    refused = bilateral(empty_url, "restore", str(backup))

    assert taken.returncode == 0, taken.stderr
    assert restored.returncode == 0, restored.stderr
    assert export(empty_url) == export(seeded_url)
    assert refused.returncode == 1
    assert refused.stderr == (
        "bilateral: the database holds data; stop the service and pass --force to "
        "replace it with the backup\n"
    )


@pytest.mark.postgres_only
def test_a_missing_pg_dump_is_named(seeded_url: str, tmp_path: Path) -> None:
    done = bilateral(seeded_url, "backup", str(tmp_path / "x.dump"), path="")

    assert done.returncode == 1
    assert done.stderr == (
        "bilateral: pg_dump is not on PATH: install PostgreSQL's client tools "
        "(e.g. `apt-get install postgresql-client`) or use your own backup tooling "
        "(see the README's Backups section)\n"
    )
    assert not (tmp_path / "x.dump").exists()


def test_a_backup_of_one_kind_is_not_restored_into_the_other(
    seeded_url: str, tmp_path: Path
) -> None:
    fake = tmp_path / "other.bin"
    fake.write_bytes(b"PGDMP" if "sqlite" in seeded_url else b"SQLite format 3\x00")

    done = bilateral(seeded_url, "restore", str(fake))

    assert done.returncode == 1
    assert "export and import move data between the two" in done.stderr
