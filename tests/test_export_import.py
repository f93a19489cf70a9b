"""`bilateral export` and `bilateral import`: a round trip gives the same bytes.

Run on each backend: history with a retracted update and an archived issue goes
out and comes back with its ids, versions, statuses and feed positions; an import
refuses a database holding other data and a malformed file, writing nothing.
"""

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from models.database import open_database
from models.enums import IssueCategory, IssueStatus
from models.issue import Issue
from models.issue_operations import create_issue, set_archived
from models.position import Position
from models.position_operations import retract_position
from models.status_operations import post_status_update, retract_status_update
from models.status_update import StatusUpdate

pytestmark = pytest.mark.commits


def bilateral(url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        timeout=120,
    )


async def write_history(url: str) -> None:
    """An editor's week: an update, its retraction, an archived issue."""
    async with open_database(url):
        issue = await Issue.get(slug="direct-flights")
        posted = await post_status_update(
            issue.pk,
            status=IssueStatus.STALLED,
            occurred_on="2025-11",
            note="Reported stalled.",
            actor="editor",
        )
        await retract_status_update(
            posted.update.pk, reason="The report was wrong.", actor="editor"
        )
        archived = await Issue.get(slug="journalists-visas")
        await set_archived(archived.pk, True, actor="editor")
        position = await Position.all().order_by("id").first()
        assert position is not None
        await retract_position(position.pk, reason="Misquoted.", actor="editor")


def export(url: str, path: Path) -> bytes:
    done = bilateral(url, "export", "-o", str(path))
    assert done.returncode == 0, done.stderr
    return path.read_bytes()


async def test_export_import_export_is_byte_identical(
    seeded_url: str, empty_url: str, tmp_path: Path
) -> None:
    await write_history(seeded_url)
    first = export(seeded_url, tmp_path / "first.ndjson")

    imported = bilateral(empty_url, "import", str(tmp_path / "first.ndjson"))
    second = export(empty_url, tmp_path / "second.ndjson")

    assert imported.returncode == 0, imported.stderr
    lines = [orjson.loads(line) for line in first.splitlines()]
    rows = len(lines) - 2
    assert imported.stdout.decode().startswith(
        f"imported {rows} rows (relationship 1, "
    )
    assert second == first
    retracted = [
        line
        for line in lines
        if line["type"] in ("status_update", "position")
        and line["retracted_at"] is not None
    ]
    assert [
        (r["type"], r["retraction_reason"], r["retracted_by"]) for r in retracted
    ] == [
        ("status_update", "The report was wrong.", "editor"),
        ("position", "Misquoted.", "editor"),
    ]
    assert lines[0] == {
        "type": "export",
        "format": "bilateral-export",
        "version": 1,
        "relationship": None,
    }
    assert lines[-1] == {"type": "end", "rows": rows}
    archived = [
        line for line in lines if line["type"] == "issue" and line["archived_at"]
    ]
    assert [line["slug"] for line in archived] == ["journalists-visas"]
    types = {line["type"] for line in lines}
    assert types == {
        "export",
        "relationship",
        "issue",
        "status_update",
        "meeting",
        "meeting_issue",
        "position",
        "feed_entry",
        "end",
    }  # no token, no idempotency key


async def test_an_imported_database_takes_new_rows_after_the_imported_ones(
    seeded_url: str, empty_url: str, tmp_path: Path
) -> None:
    export(seeded_url, tmp_path / "seeds.ndjson")
    assert (
        bilateral(empty_url, "import", str(tmp_path / "seeds.ndjson")).returncode == 0
    )

    async with open_database(empty_url):
        newest = await Issue.all().order_by("-id").first()
        relationship_id = (await Issue.get(slug="direct-flights")).relationship_id
        created = await create_issue(
            relationship_id,
            slug="a-new-issue",
            title="A new issue",
            category=IssueCategory.TRADE,
            actor="editor",
        )
        posted = await post_status_update(
            created.issue.pk,
            status=IssueStatus.PROPOSED,
            occurred_on="2025-01",
            note="First report.",
            actor="editor",
        )
        updates = await StatusUpdate.all().count()

    assert newest is not None
    assert created.issue.pk == newest.pk + 1
    assert posted.update.pk == updates


async def test_importing_the_same_file_again_changes_nothing(
    empty_url: str, seeded_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "seeds.ndjson"
    first = export(seeded_url, path)
    assert bilateral(empty_url, "import", str(path)).returncode == 0

    again = bilateral(empty_url, "import", str(path))

    assert again.returncode == 0
    assert again.stdout.decode() == (
        f"the database already holds exactly {path}; nothing was written\n"
    )
    assert export(empty_url, tmp_path / "after.ndjson") == first


async def test_import_refuses_a_database_holding_other_data(
    seeded_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "one.ndjson"
    original = export(seeded_url, path)
    lines = original.splitlines(keepends=True)
    changed = lines[0] + lines[1].replace(b"India", b"Bharat") + b"".join(lines[2:])
    path.write_bytes(changed)

    refused = bilateral(seeded_url, "import", str(path))

    assert refused.returncode == 1
    assert refused.stderr.decode() == (
        "bilateral: import refused: the database already holds data; import "
        "restores into an empty database (create a new one, then run `bilateral "
        "import` there); nothing was written\n"
    )
    assert export(seeded_url, tmp_path / "after.ndjson") == original


async def test_a_malformed_line_is_named_and_nothing_is_written(
    seeded_url: str, empty_url: str, tmp_path: Path
) -> None:
    lines = export(seeded_url, tmp_path / "good.ndjson").splitlines(keepends=True)
    # A good first part is not imported when a later line is bad.
    lines[20] = lines[20].replace(b'"status":"', b'"status":"NOT_A_STATUS')
    bad = tmp_path / "bad.ndjson"
    bad.write_bytes(b"".join(lines))

    refused = bilateral(empty_url, "import", str(bad))

    assert refused.returncode == 1
    message = refused.stderr.decode()
    assert message.startswith(f"bilateral: import refused: {bad} line 21: ")
    assert message.endswith("; nothing was written\n")
    assert "Traceback" not in message
    async with open_database(empty_url):
        assert await Issue.all().count() == 0
        assert await StatusUpdate.all().count() == 0


async def test_an_export_of_one_relationship_holds_only_its_rows(
    seeded_url: str, tmp_path: Path
) -> None:
    everything = export(seeded_url, tmp_path / "all.ndjson")

    done = bilateral(seeded_url, "export", "--relationship", "india-china")
    missing = bilateral(seeded_url, "export", "--relationship", "nowhere")

    assert (
        done.stdout.replace(b'"relationship":"india-china"', b'"relationship":null')
        == everything
    )
    rows = len(everything.splitlines()) - 2
    assert done.stderr.decode() == f"exported {rows} rows to stdout\n"
    assert missing.returncode == 1
    assert missing.stderr.decode() == (
        "bilateral: export refused: No relationship has the slug 'nowhere'.\n"
    )
