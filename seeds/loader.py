"""Load the seed timelines; loading the same data twice changes nothing.

An issue's history is written only when the issue itself is new, so a reload never
re-adds an update an editor has since retracted, and never duplicates one.
"""

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from tortoise.transactions import in_transaction

from models.data_generation import bump_generation
from models.derived_status import derive_status
from models.enums import IssueCategory, IssueStatus
from models.feed import record_missing_entries
from models.issue import Issue, join_countries
from models.meeting import Meeting, MeetingIssue
from models.partial_date import PartialDate
from models.relationship import Relationship
from models.status_update import StatusUpdate

SEED_FILES = ("india_china.json",)
SEED_ACTOR = "seed"


@dataclass
class SeedReport:
    """How many rows one load wrote."""

    relationships: int = 0
    issues: int = 0
    updates: int = 0
    meetings: int = 0
    links: int = 0
    slugs: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every row written."""
        return (
            self.relationships + self.issues + self.updates + self.meetings + self.links
        )


def read_seed(name: str) -> dict[str, Any]:
    """One seed file, parsed."""
    text = resources.files("seeds").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


async def load_seeds() -> SeedReport:
    """Load every seed file in one transaction, feed entries included."""
    report = SeedReport()
    async with in_transaction():
        for name in SEED_FILES:
            await _load_relationship_data(read_seed(name), report)
        await record_missing_entries()
        await bump_generation()
    return report


async def _load_relationship_data(data: dict[str, Any], report: SeedReport) -> None:
    spec = data["relationship"]
    relationship, created = await Relationship.get_or_create(
        slug=spec["slug"],
        defaults={"name": spec["name"], "countries": spec["countries"]},
    )
    report.relationships += int(created)
    issues = {}
    for issue_spec in data["issues"]:
        issues[issue_spec["slug"]] = await _load_issue(relationship, issue_spec, report)
    for meeting_spec in data["meetings"]:
        await _load_meeting(relationship, meeting_spec, issues, report)


async def _load_issue(
    relationship: Relationship, spec: dict[str, Any], report: SeedReport
) -> Issue:
    existing = await Issue.get_or_none(relationship=relationship, slug=spec["slug"])
    if existing is not None:
        return existing
    history = spec["history"]
    issue = await Issue.create(
        relationship=relationship,
        slug=spec["slug"],
        title=spec["title"],
        summary=spec.get("summary", ""),
        category=IssueCategory(spec["category"]),
        raised_by=join_countries(spec.get("raised_by", [])),
        version=1 + len(history),
    )
    updates = [_build_update(issue, entry) for entry in history]
    await StatusUpdate.bulk_create(updates)
    issue.status = derive_status(updates)  # type: ignore[assignment]
    await issue.save(update_fields=["status"])
    report.issues += 1
    report.updates += len(updates)
    report.slugs.append(issue.slug)
    return issue


def _build_update(issue: Issue, entry: dict[str, Any]) -> StatusUpdate:
    occurred = PartialDate.parse(entry["date"])
    source = entry.get("source") or {}
    return StatusUpdate(
        issue=issue,
        status=IssueStatus(entry["status"]),
        occurred_on=occurred.first_day,
        occurred_precision=occurred.precision,
        note=entry["note"],
        source_url=source.get("url"),
        source_title=source.get("title"),
        source_publisher=source.get("publisher"),
        verified=bool(entry.get("verified", True)),
        recorded_by=SEED_ACTOR,
    )


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
    for slug in spec.get("issues", []):
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
