"""Bring an issue seeded by an earlier release up to the current seed data.

History is never rewritten in place. A seeded update or position that the data no
longer holds as it stands (re-dated, reworded, re-sourced, newly verified) is
retracted with a reason saying so, and the entry as the data now has it is added;
the current status is then re-derived. Rows an editor wrote are never touched, and
an entry whose seeded row an editor retracted is not brought back.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from models.enums import IssueCategory
from models.issue import Issue, join_countries
from models.position import Position
from models.status_update import StatusUpdate
from models.transactions import bump, mark_retracted
from seeds.report import SeedReport
from seeds.rows import (
    SEED_ACTOR,
    Content,
    build_position,
    build_update,
    position_content,
    update_content,
)

Row = TypeVar("Row", StatusUpdate, Position)


@dataclass(frozen=True)
class Kind(Generic[Row]):
    """How one kind of seeded row is built, compared and paired with its correction."""

    model: type[Row]
    build: Callable[[Issue, dict[str, Any]], Row]
    content: Callable[[Row], Content]
    # Indexes into the content that identify "the same entry, corrected".
    identity: tuple[tuple[int, ...], ...]
    names: tuple[str, ...]


UPDATES = Kind(
    StatusUpdate,
    build_update,
    update_content,
    identity=((0, 2), (3,), (4,)),
    names=("date", "date", "status", "note", "source", "source", "source", "verified"),
)
POSITIONS = Kind(
    Position,
    build_position,
    position_content,
    identity=((0, 1), (4,), (5,)),
    names=(
        "country",
        "date",
        "date",
        "speaker",
        "statement",
        "quote",
        "source",
        "source",
        "source",
        "verified",
    ),
)
_METADATA = ("title", "summary", "category", "raised_by")


async def upgrade_issue(
    issue: Issue,
    spec: dict[str, Any],
    positions: list[dict[str, Any]],
    report: SeedReport,
) -> bool:
    """Upgrade the seed's issue in place; False (and no write) if it is an editor's.

    The issue is the seed's when its history holds an update the seed recorded;
    an archived issue is left as an editor archived it.
    """
    seeded = await StatusUpdate.exists(issue_id=issue.id, recorded_by=SEED_ACTOR)
    if not seeded or issue.archived_at is not None:
        report.issues_left_to_editors += 1
        return False
    unedited = await _never_edited(issue)
    writes = await _sync(UPDATES, issue, spec["history"], report)
    report.updates_retracted += writes.retracted
    report.updates += writes.added
    said = await _sync(POSITIONS, issue, positions, report)
    report.positions_retracted += said.retracted
    report.positions += said.added
    changes = _metadata_changes(issue, spec) if unedited else {}
    report.issues_refreshed += int(bool(changes))
    moves = writes.total + said.total + int(bool(changes))
    if moves:
        await bump(issue, moves, rederive_status=True, **changes)
    return True


@dataclass(frozen=True)
class Synced:
    """How many rows of one kind an upgrade retracted and added."""

    retracted: int
    added: int

    @property
    def total(self) -> int:
        """Every write, each of which moves the issue's version."""
        return self.retracted + self.added


async def _sync(
    kind: Kind[Row], issue: Issue, entries: list[dict[str, Any]], report: SeedReport
) -> Synced:
    seeded = await kind.model.filter(
        issue_id=issue.id, recorded_by=SEED_ACTOR
    ).order_by("id")
    live = [row for row in seeded if row.retracted_at is None]
    withdrawn = [row for row in seeded if row.retracted_by not in (None, SEED_ACTOR)]
    wanted = [kind.build(issue, entry) for entry in entries]
    stale, missing = _difference(kind, live, wanted)
    # An entry whose seeded row an editor retracted stays out, corrected or not.
    kept_out = [_corrects_any(kind, row, withdrawn) for row in missing]
    report.entries_left_retracted += sum(kept_out)
    missing = [row for row, out in zip(missing, kept_out, strict=True) if not out]
    for row in stale:
        reason = _reason(kind, row, missing)
        await mark_retracted(
            kind.model, row, reason, SEED_ACTOR, field="id", noun="seed entry"
        )
    if missing:
        await kind.model.bulk_create(missing)
    return Synced(len(stale), len(missing))


def _difference(
    kind: Kind[Row], live: Sequence[Row], wanted: Sequence[Row]
) -> tuple[list[Row], list[Row]]:
    """The live rows the data no longer holds, and the entries no live row holds."""
    return _beyond(kind, live, wanted), _beyond(kind, wanted, live)


def _beyond(kind: Kind[Row], rows: Sequence[Row], others: Sequence[Row]) -> list[Row]:
    """The rows of `rows` left over once each is matched with an equal other."""
    available = Counter(kind.content(row) for row in others)
    left = []
    for row in rows:
        if available[kind.content(row)] > 0:
            available[kind.content(row)] -= 1
        else:
            left.append(row)
    return left


def _same_entry(kind: Kind[Row], old: Row, new: Row) -> bool:
    a, b = kind.content(old), kind.content(new)
    return any(all(a[i] == b[i] for i in group) for group in kind.identity)


def _corrects_any(kind: Kind[Row], row: Row, withdrawn: Sequence[Row]) -> bool:
    return any(_same_entry(kind, old, row) for old in withdrawn)


def _reason(kind: Kind[Row], old: Row, replacements: Sequence[Row]) -> str:
    for new in replacements:
        if _same_entry(kind, old, new):
            a, b = kind.content(old), kind.content(new)
            changed = [n for i, n in enumerate(kind.names) if a[i] != b[i]]
            what = ", ".join(dict.fromkeys(changed))
            return (
                f"Corrected in the seed data ({what}); replaced by the corrected entry."
            )
    return "No longer in the seed data."


async def _never_edited(issue: Issue) -> bool:
    """Whether no edit, archive or unarchive ever moved the version.

    Every other write (an update or a position recorded or retracted, by the seed
    or an editor) moves it by one, so any excess over those counts is an edit.
    """
    writes = 1
    for model in (StatusUpdate, Position):
        rows = model.filter(issue_id=issue.id)
        writes += await rows.count()
        writes += await rows.filter(retracted_at__isnull=False).count()
    return issue.version == writes


def _metadata_changes(issue: Issue, spec: dict[str, Any]) -> dict[str, Any]:
    wanted = {
        "title": spec["title"],
        "summary": spec.get("summary", ""),
        "category": IssueCategory(spec["category"]),
        "raised_by": join_countries(spec.get("raised_by", [])),
    }
    return {
        name: wanted[name] for name in _METADATA if getattr(issue, name) != wanted[name]
    }
