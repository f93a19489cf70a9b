"""The suite's datasets and databases, and a description of the machine.

`seed` is the seed data alone, loaded as a user does (`bilateral migrate`, then
`bilateral seed`). `10k` adds 10,000 generated issues of 10 updates each, written
with bulk inserts (Tortoise `bulk_create`), so it takes seconds, not minutes.
"""

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tortoise import connections

from api.cli.progress import progress
from models.database import open_database
from models.enums import DatePrecision, IssueCategory, IssueStatus
from models.issue import Issue
from models.relationship import Relationship
from models.status_update import StatusUpdate

PG_HOST = "127.0.0.1"
PG_USER = "postgres"
GENERATED_ISSUES = 10_000
UPDATES_EACH = 10
STATUSES = list(IssueStatus)
CATEGORIES = list(IssueCategory)


def bilateral(url: str, *arguments: str) -> str:
    """Run the `bilateral` command on a database; its standard output."""
    command = [str(Path(sys.executable).with_name("bilateral")), *arguments]
    environ = {**os.environ, "DATABASE_URL": url, "BILATERAL_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        command, env=environ, check=True, capture_output=True, text=True
    )
    return done.stdout


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A throw-away database's URL: a SQLite file, or a PostgreSQL database on
    127.0.0.1 dropped on exit."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            yield f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], check=True)
    try:
        yield f"postgres://{PG_USER}@{PG_HOST}:5432/{name}"
    finally:
        subprocess.run(
            ["dropdb", "-h", PG_HOST, "-U", PG_USER, "--force", "--if-exists", name],
            check=False,
        )


def load(url: str, dataset: str) -> None:
    """Fill an empty database with the named dataset."""
    with progress(f"building the {dataset} dataset"):
        bilateral(url, "migrate")
        bilateral(url, "seed")
        if dataset == "10k":
            import asyncio

            asyncio.run(generate(url))


async def generate(url: str) -> None:
    """Add the generated issues and their histories, oldest update first."""
    async with open_database(url):
        relationship = await Relationship.get(slug="india-china")
        await Issue.bulk_create(
            [_issue(relationship, n) for n in range(GENERATED_ISSUES)], batch_size=1000
        )
        ids: list[int] = await Issue.filter(slug__startswith="generated-").values_list(
            "id", flat=True
        )  # type: ignore[assignment]
        await StatusUpdate.bulk_create(
            [_update(pk, k) for pk in ids for k in range(UPDATES_EACH)],
            batch_size=2000,
        )
        # Fresh statistics, as a database that has lived with its data would have:
        # the planner otherwise guesses from an empty table.
        await connections.get("default").execute_script("ANALYZE")


def _issue(relationship: Relationship, n: int) -> Issue:
    return Issue(
        relationship=relationship,
        slug=f"generated-{n:05d}",
        title=f"Generated issue {n}",
        summary="A generated issue, as long as an ordinary summary is.",
        category=CATEGORIES[n % len(CATEGORIES)],
        raised_by="CN,IN" if n % 3 == 0 else "IN",
        status=_status(UPDATES_EACH - 1),
    )


def _update(issue_id: int, k: int) -> StatusUpdate:
    return StatusUpdate(
        issue_id=issue_id,
        status=_status(k),
        occurred_on=date(2016 + k // 2, 1 + 6 * (k % 2) + issue_id % 6, 1),
        occurred_precision=DatePrecision.MONTH,
        note=f"Generated update {k}, with a note of ordinary length for a report.",
        source_url=f"https://example.org/generated/{issue_id}/{k}",
        source_title="A generated report",
        recorded_by="bench",
    )


def _status(k: int) -> IssueStatus:
    return STATUSES[k % len(STATUSES)]


def describe_machine(url: str) -> dict[str, str]:
    """CPU count and model, Python, and the database server's version."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, flags=re.MULTILINE)
    machine = {
        "CPUs": f"{os.cpu_count()} x {models[0] if models else platform.machine()}",
        "Python": platform.python_version(),
        "wrk": _first_line(["wrk", "-v"]).split(" [")[0],
    }
    if url.startswith("postgres"):
        machine["PostgreSQL"] = _first_line(
            ["psql", "-h", PG_HOST, "-U", PG_USER, "-Atc", "SHOW server_version"]
        )
    else:
        import sqlite3

        machine["SQLite"] = sqlite3.sqlite_version
    return machine


def _first_line(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return "not found"
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


async def dataset_size(url: str) -> str:
    """How many issues, updates and meetings the database holds."""
    from models.meeting import Meeting

    async with open_database(url):
        issues, updates = await Issue.all().count(), await StatusUpdate.all().count()
        meetings = await Meeting.all().count()
    return f"{issues:,} issues, {updates:,} status updates, {meetings:,} meetings"


def postgres_busy(url: str) -> Callable[[], bool]:
    """Whether PostgreSQL still runs a statement on the suite's database."""
    name = url.rsplit("/", 1)[1]
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
        f"AND datname = '{name}' AND pid <> pg_backend_pid()"
    )

    def busy() -> bool:
        command = ["psql", "-h", PG_HOST, "-U", PG_USER, "-d", name, "-Atc", sql]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return done.stdout.strip() not in ("", "0")

    return busy
