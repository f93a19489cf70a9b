"""`bilateral seed` on a database seeded with v1 brings its seed part to v2.

The database is built from the v1 seed file (kept as a fixture), then editors work
on it. The upgrade adds what v2 has and v1 lacked, retracts and replaces the seeded
entries v2 corrected, and leaves everything an editor wrote or retracted alone.
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models.enums import FeedKind, IssueCategory, IssueStatus
from models.feed_entry import FeedEntry
from models.issue import Issue
from models.issue_operations import IssueChanges, create_issue, edit_issue
from models.meeting import Meeting, MeetingIssue
from models.meeting_operations import record_meeting
from models.partial_date import PartialDate
from models.position import Position
from models.relationship import Relationship
from models.status_operations import post_status_update, retract_status_update
from models.status_update import StatusUpdate
from seeds.loader import SEED_ACTOR, load_seeds, read_seed
from seeds.report import SeedReport
from tests.api.graphql import history_of

V1_FILE = Path(__file__).parent / "fixtures" / "india_china_v1.json"
V1: dict[str, Any] = json.loads(V1_FILE.read_text(encoding="utf-8"))
V2: dict[str, Any] = read_seed("india_china.json")
EDITOR = "editor"
EDITED_SUMMARY = "An editor's own summary of the disengagement."
SQUATTED_POSITIONS = sum(
    1 for p in V2["positions"] if p["issue"] == "brahmaputra-mega-dam"
)


@dataclass(frozen=True)
class EditorWork:
    """What the editors did to the v1 database before the upgrade."""

    own_issue: int
    squatted_issue: int
    posted_update: int
    retracted_corrected: int
    retracted_kept: int
    meeting: int
    edited_issue: int


def content(entry: dict[str, Any]) -> tuple[Any, ...]:
    """A seed history entry as the fields a stored update holds."""
    day = PartialDate.parse(entry["date"])
    source = entry.get("source") or {}
    return (
        day.first_day,
        day.precision,
        IssueStatus(entry["status"]),
        entry["note"],
        source.get("url"),
        source.get("title"),
        source.get("publisher"),
        bool(entry.get("verified", True)),
    )


def stored(row: StatusUpdate) -> tuple[Any, ...]:
    return (
        row.occurred_on,
        row.occurred_precision,
        row.status,
        row.note,
        row.source_url,
        row.source_title,
        row.source_publisher,
        row.verified,
    )


def v1_entry(slug: str, date_text: str) -> dict[str, Any]:
    issue = next(i for i in V1["issues"] if i["slug"] == slug)
    entry: dict[str, Any] = next(h for h in issue["history"] if h["date"] == date_text)
    return entry


async def seeded_update(slug: str, entry: dict[str, Any]) -> StatusUpdate:
    issue = await Issue.get(slug=slug)
    rows = await StatusUpdate.filter(issue_id=issue.pk, recorded_by=SEED_ACTOR)
    return next(row for row in rows if stored(row) == content(entry))


async def editors_at_work() -> EditorWork:
    """An issue of their own, one on a slug v2 adds, an update, two retractions of
    seeded updates (one v2 corrects, one it keeps), a meeting and an edit."""
    relationship = await Relationship.get(slug="india-china")
    own = await create_issue(
        relationship.pk,
        slug="editor-issue",
        title="An editor's issue",
        category=IssueCategory.TRADE,
        actor=EDITOR,
    )
    await post_status_update(
        own.issue.pk,
        status=IssueStatus.PROPOSED,
        occurred_on="2026-01-01",
        note="Raised.",
        actor=EDITOR,
    )
    squatted = await create_issue(
        relationship.pk,
        slug="brahmaputra-mega-dam",
        title="The dam, as an editor filed it",
        category=IssueCategory.WATER,
        actor=EDITOR,
    )
    de_escalation = await Issue.get(slug="lac-de-escalation")
    posted = await post_status_update(
        de_escalation.pk,
        status=IssueStatus.UNDER_DISCUSSION,
        occurred_on="2026-11-01",
        note="An editor's report.",
        actor=EDITOR,
    )
    corrected = await seeded_update("border-trade", v1_entry("border-trade", "2024-06"))
    await retract_status_update(corrected.pk, reason="Doubtful.", actor=EDITOR)
    first_flight = V1["issues"][4]["history"][0]
    kept = await seeded_update("direct-flights", first_flight)
    await retract_status_update(kept.pk, reason="Editor's call.", actor=EDITOR)
    meeting = await record_meeting(
        relationship.pk, held_on="2026-10-01", title="An editor's meeting", actor=EDITOR
    )
    disengagement = await Issue.get(slug="lac-disengagement")
    await edit_issue(
        disengagement.pk, IssueChanges(summary=EDITED_SUMMARY), actor=EDITOR
    )
    return EditorWork(
        own.issue.pk,
        squatted.issue.pk,
        posted.update.pk,
        corrected.pk,
        kept.pk,
        meeting.meeting.pk,
        disengagement.pk,
    )


async def editor_rows() -> list[dict[str, Any]]:
    """Every row an editor wrote or retracted, as stored."""
    rows = [
        *await StatusUpdate.filter(recorded_by=EDITOR).order_by("id").values(),
        *await StatusUpdate.filter(retracted_by=EDITOR).order_by("id").values(),
        *await Meeting.filter(recorded_by=EDITOR).order_by("id").values(),
    ]
    for slug in ("editor-issue", "brahmaputra-mega-dam"):
        rows.extend(await Issue.filter(slug=slug).values())
    return rows


async def snapshot() -> dict[str, Any]:
    """Everything the upgrade could change."""
    return {
        "issues": await Issue.all().order_by("id").values(),
        "updates": await StatusUpdate.all().order_by("id").values(),
        "positions": await Position.all().order_by("id").values(),
        "meetings": await Meeting.all().order_by("id").values(),
        "links": await MeetingIssue.all().order_by("id").values(),
        "feed": await FeedEntry.all().order_by("id").values(),
    }


@pytest.fixture
async def upgraded(empty_db: TortoiseContext) -> tuple[EditorWork, SeedReport, list]:  # type: ignore[type-arg]
    """A v1 database with editors' work, then the v2 seed load."""
    await load_seeds([V1])
    work = await editors_at_work()
    before = await editor_rows()
    report = await load_seeds()
    return work, report, before


async def test_the_upgrade_reports_what_it_did_in_counts(
    upgraded: tuple[EditorWork, SeedReport, list],  # type: ignore[type-arg]
) -> None:
    _, report, _ = upgraded

    # 7 issues are new in v2, but one slug is already an editor's: it gets none
    # of the seed's positions and no meeting links
    assert (report.issues, report.positions, report.meetings, report.links) == (
        6,
        20 - SQUATTED_POSITIONS,
        1,
        1,
    )
    assert report.issues_left_to_editors == 1
    assert report.entries_left_retracted == 2
    assert (report.updates_retracted, report.issues_refreshed) == (5, 6)
    assert report.summary().startswith("added 6 issues, ")


async def test_the_editors_rows_are_untouched(
    upgraded: tuple[EditorWork, SeedReport, list],  # type: ignore[type-arg]
) -> None:
    work, _, before = upgraded

    assert await editor_rows() == before
    squatted = await Issue.get(id=work.squatted_issue)
    assert await StatusUpdate.filter(issue_id=squatted.pk).count() == 0
    assert await Position.filter(issue_id=squatted.pk).count() == 0
    assert (await Issue.get(id=work.edited_issue)).summary == EDITED_SUMMARY
    assert (await StatusUpdate.get(id=work.posted_update)).retracted_at is None
    for retracted in (work.retracted_corrected, work.retracted_kept):
        row = await StatusUpdate.get(id=retracted)
        assert row.retracted_by == EDITOR


async def test_corrected_entries_are_retracted_and_replaced(
    upgraded: tuple[EditorWork, SeedReport, list],  # type: ignore[type-arg]
) -> None:
    corrections = await StatusUpdate.filter(retracted_by=SEED_ACTOR).order_by("id")

    assert len(corrections) == 5
    for row in corrections:
        assert row.recorded_by == SEED_ACTOR
        assert row.retraction_reason is not None
        assert row.retraction_reason.startswith(
            ("Corrected in the seed data (", "No longer in the seed data.")
        )
        assert await FeedEntry.exists(update_id=row.pk, kind=FeedKind.RETRACTED)
    films = await seeded_update(
        "indian-films-in-china", v1_entry("indian-films-in-china", "2022-01-07")
    )
    assert films.retraction_reason == (
        "Corrected in the seed data (source, verified); replaced by the corrected "
        "entry."
    )
    replacement = next(
        h for h in V2["issues"][12]["history"] if h["date"] == "2022-01-07"
    )
    assert (await seeded_update("indian-films-in-china", replacement)).verified


async def test_every_seeded_issue_no_editor_touched_matches_a_fresh_v2_database(
    upgraded: tuple[EditorWork, SeedReport, list],  # type: ignore[type-arg]
) -> None:
    touched = {
        "brahmaputra-mega-dam",
        "lac-de-escalation",
        "border-trade",
        "direct-flights",
        "lac-disengagement",
    }
    for spec in V2["issues"]:
        if spec["slug"] in touched:
            continue
        issue = await Issue.get(slug=spec["slug"])
        live = await StatusUpdate.filter(issue_id=issue.pk, retracted_at__isnull=True)
        assert Counter(stored(row) for row in live) == Counter(
            content(entry) for entry in spec["history"]
        ), spec["slug"]
        assert issue.status == history_of(spec["slug"])[-1].status, spec["slug"]
        assert (issue.title, issue.summary) == (spec["title"], spec["summary"])
    said = Counter((p.issue_id, p.country, p.speaker) for p in await Position.all())
    assert sum(said.values()) == 20 - SQUATTED_POSITIONS


async def test_every_new_row_has_its_feed_entry_and_versions_moved(
    upgraded: tuple[EditorWork, SeedReport, list],  # type: ignore[type-arg]
) -> None:
    for row in await StatusUpdate.all():
        assert await FeedEntry.exists(update_id=row.pk, kind=FeedKind.RECORDED)
    for position in await Position.all():
        assert await FeedEntry.exists(
            position_id=position.pk, kind=FeedKind.POSITION_RECORDED
        )
    rivers = await Issue.get(slug="trans-border-rivers-data")
    updates = await StatusUpdate.filter(issue_id=rivers.pk).count()
    retracted = await StatusUpdate.filter(
        issue_id=rivers.pk, retracted_at__isnull=False
    ).count()
    positions = await Position.filter(issue_id=rivers.pk).count()
    # one for its creation, one per update and per retraction and position,
    # one for the refreshed summary
    refreshed = int(
        next(i for i in V1["issues"] if i["slug"] == rivers.slug)["summary"]
        != next(i for i in V2["issues"] if i["slug"] == rivers.slug)["summary"]
    )
    assert rivers.version == 1 + updates + retracted + positions + refreshed


async def test_a_second_run_writes_nothing(
    upgraded: tuple[EditorWork, SeedReport, list],  # type: ignore[type-arg]
) -> None:
    before = await snapshot()

    report = await load_seeds()

    assert report.total == 0
    assert await snapshot() == before


async def test_a_fresh_database_gets_the_whole_of_v2(empty_db: TortoiseContext) -> None:
    report = await load_seeds()

    assert (report.issues, report.updates, report.meetings, report.positions) == (
        21,
        154,
        13,
        20,
    )
    assert await StatusUpdate.filter(verified=False).count() == 2
    assert await Position.all().count() == 20
    for spec in V2["issues"]:
        issue = await Issue.get(slug=spec["slug"])
        assert issue.status == spec["history"][-1]["status"], spec["slug"]
        assert issue.version == 1 + len(spec["history"]) + sum(
            1 for p in V2["positions"] if p["issue"] == spec["slug"]
        )
    assert (await Issue.get(slug="border-trade")).status == IssueStatus.IN_PROGRESS
    unverified = {
        (p["speaker"], p["stated_on"])
        for p in V2["positions"]
        if p.get("verified") is False
    }
    stored_unverified = {
        (p.speaker, p.stated.text) for p in await Position.filter(verified=False)
    }
    assert stored_unverified == unverified
