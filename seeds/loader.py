"""Load the seed timelines into a database, new or seeded by an earlier release.

A fresh database gets everything. On a database seeded before, only the seed's own
rows are brought up to date (seeds/upgrade.py): what is missing is added, what the
seed data corrected is retracted and replaced, and nothing an editor wrote or
retracted is touched. Loading the same data twice changes nothing.
"""

import json
import re
from importlib import resources
from typing import Any

from tortoise.transactions import in_transaction

from models.data_generation import bump_generation
from models.derived_status import derive_status
from models.enums import IssueCategory
from models.feed import record_missing_entries
from models.issue import Issue, join_countries
from models.meeting import Meeting, MeetingIssue
from models.partial_date import PartialDate
from models.position import Position
from models.relationship import Relationship
from models.status_update import StatusUpdate
from seeds.report import SeedReport
from seeds.rows import SEED_ACTOR, build_position, build_update
from seeds.upgrade import upgrade_issue

SEED_FILES = ("india_china.json",)

__all__ = ["SEED_ACTOR", "SEED_FILES", "SeedReport", "load_seeds", "read_seed"]


def read_seed(name: str) -> dict[str, Any]:
    """One seed file of the package, parsed."""
    text = resources.files("seeds").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


async def load_seeds(datasets: list[dict[str, Any]] | None = None) -> SeedReport:
    """Load every seed file (or the given data) in one transaction, feed included."""
    report = SeedReport()
    async with in_transaction():
        for data in datasets or [read_seed(name) for name in SEED_FILES]:
            await _load_relationship_data(data, report)
        await record_missing_entries()
        if report.total:
            await bump_generation()
    return report


def relationship_slug(spec: dict[str, Any]) -> str:
    """The slug a seed names, or its name's letters and digits joined by hyphens."""
    if spec.get("slug"):
        return str(spec["slug"])
    return re.sub(r"[^a-z0-9]+", "-", spec["name"].lower()).strip("-")


async def _load_relationship_data(data: dict[str, Any], report: SeedReport) -> None:
    spec = data["relationship"]
    relationship, created = await Relationship.get_or_create(
        slug=relationship_slug(spec),
        defaults={"name": spec["name"], "countries": spec["countries"]},
    )
    report.relationships += int(created)
    said: dict[str, list[dict[str, Any]]] = {}
    for position in data.get("positions", []):
        said.setdefault(position["issue"], []).append(position)
    seeded: dict[str, Issue] = {}
    for issue_spec in data["issues"]:
        issue = await _load_issue(
            relationship, issue_spec, said.get(issue_spec["slug"], []), report
        )
        if issue is not None:
            seeded[issue.slug] = issue
    for meeting_spec in data["meetings"]:
        await _load_meeting(relationship, meeting_spec, seeded, report)


async def _load_issue(
    relationship: Relationship,
    spec: dict[str, Any],
    positions: list[dict[str, Any]],
    report: SeedReport,
) -> Issue | None:
    """The seed's issue, loaded or upgraded; None when an editor owns the slug."""
    existing = (
        await Issue.filter(relationship=relationship, slug=spec["slug"])
        .select_for_update()
        .first()
    )
    if existing is None:
        return await _create_issue(relationship, spec, positions, report)
    if await upgrade_issue(existing, spec, positions, report):
        return existing
    return None


async def _create_issue(
    relationship: Relationship,
    spec: dict[str, Any],
    positions: list[dict[str, Any]],
    report: SeedReport,
) -> Issue:
    history = spec["history"]
    issue = await Issue.create(
        relationship=relationship,
        slug=spec["slug"],
        title=spec["title"],
        summary=spec.get("summary", ""),
        category=IssueCategory(spec["category"]),
        raised_by=join_countries(spec.get("raised_by", [])),
        version=1 + len(history) + len(positions),
    )
    updates = [build_update(issue, entry) for entry in history]
    if updates:
        await StatusUpdate.bulk_create(updates)
    rows = [build_position(issue, entry) for entry in positions]
    if rows:
        await Position.bulk_create(rows)
    issue.status = derive_status(updates)  # type: ignore[assignment]
    await issue.save(update_fields=["status"])
    report.issues += 1
    report.updates += len(updates)
    report.positions += len(rows)
    report.slugs.append(issue.slug)
    return issue


async def _load_meeting(
    relationship: Relationship,
    spec: dict[str, Any],
    issues: dict[str, Issue],
    report: SeedReport,
) -> None:
    held = PartialDate.parse(spec["date"])
    meeting, created = await Meeting.get_or_create(
        relationship=relationship,
        held_on=held.first_day,
        title=spec["title"],
        defaults=_meeting_fields(held, spec),
    )
    report.meetings += int(created)
    if meeting.recorded_by != SEED_ACTOR:
        return  # an editor recorded this meeting: it is theirs to link
    for slug in spec.get("issues", []):
        if slug not in issues:
            continue
        _, linked = await MeetingIssue.get_or_create(
            meeting=meeting, issue=issues[slug]
        )
        report.links += int(linked)


def _meeting_fields(held: PartialDate, spec: dict[str, Any]) -> dict[str, Any]:
    source = spec.get("source") or {}
    return {
        "held_precision": held.precision,
        "location": spec.get("location"),
        "participants": spec.get("participants", []),
        "summary": spec.get("summary", ""),
        "source_url": source.get("url"),
        "source_title": source.get("title"),
        "source_publisher": source.get("publisher"),
        "recorded_by": SEED_ACTOR,
    }
