"""The seed loader fills an empty database, and a second load changes nothing."""

import json
from pathlib import Path
from typing import Any

from tortoise.context import TortoiseContext

from models.enums import IssueStatus
from models.issue import Issue
from models.meeting import Meeting, MeetingIssue
from models.position import Position
from models.relationship import Relationship
from models.status_update import StatusUpdate
from seeds.loader import load_seeds


def _seed(seed_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(seed_path.read_text(encoding="utf-8"))
    return data


async def _row_counts() -> dict[str, int]:
    return {
        "relationships": await Relationship.all().count(),
        "issues": await Issue.all().count(),
        "updates": await StatusUpdate.all().count(),
        "meetings": await Meeting.all().count(),
        "links": await MeetingIssue.all().count(),
        "positions": await Position.all().count(),
    }


async def test_loading_into_an_empty_database_writes_the_whole_timeline(
    empty_db: TortoiseContext, seed_path: Path
) -> None:
    seed = _seed(seed_path)
    expected = {
        "relationships": 1,
        "issues": len(seed["issues"]),
        "updates": sum(len(issue["history"]) for issue in seed["issues"]),
        "meetings": len(seed["meetings"]),
        "links": sum(len(m["issues"]) for m in seed["meetings"]),
        "positions": len(seed["positions"]),
    }

    report = await load_seeds()

    assert {
        "relationships": report.relationships,
        "issues": report.issues,
        "updates": report.updates,
        "meetings": report.meetings,
        "links": report.links,
        "positions": report.positions,
    } == expected
    assert report.total == sum(expected.values())
    assert await _row_counts() == expected


async def test_loading_twice_changes_nothing(empty_db: TortoiseContext) -> None:
    await load_seeds()
    before = await _row_counts()
    versions = await Issue.all().order_by("id").values("slug", "version", "status")

    report = await load_seeds()

    assert report.total == 0
    assert await _row_counts() == before
    assert (
        await Issue.all().order_by("id").values("slug", "version", "status") == versions
    )


async def test_unverified_flags_are_kept_as_data(
    empty_db: TortoiseContext, seed_path: Path
) -> None:
    unverified = {
        (issue["slug"], entry["date"], entry["note"])
        for issue in _seed(seed_path)["issues"]
        for entry in issue["history"]
        if entry["verified"] is False
    }

    await load_seeds()

    rows = await StatusUpdate.filter(verified=False).prefetch_related("issue")
    assert unverified, "the seed file should hold unverified updates"
    assert len(rows) == len(unverified)
    assert {(r.issue.slug, r.occurred.text, r.note) for r in rows} == unverified


async def test_current_statuses_follow_the_latest_update(
    empty_db: TortoiseContext,
) -> None:
    await load_seeds()

    statuses = dict(await Issue.all().values_list("slug", "status"))

    assert statuses["direct-flights"] == IssueStatus.RESOLVED
    assert statuses["chinese-app-bans"] == IssueStatus.SUSPENDED
    assert statuses["trans-border-rivers-data"] == IssueStatus.AGREED_IN_PRINCIPLE


async def test_partial_dates_keep_their_precision(empty_db: TortoiseContext) -> None:
    await load_seeds()

    films = await Issue.get(slug="indian-films-in-china")
    texts = [
        u.occurred.text
        for u in await StatusUpdate.filter(issue=films).order_by("occurred_on", "id")
    ]

    assert "2024-11" in texts
    assert "2020-06" in texts
