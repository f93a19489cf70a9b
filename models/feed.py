"""Writing and reading the live feed: the table subscriptions are served from.

It holds the recordings and retractions of status updates and of positions, one
numbered entry each, in commit order.

An event on the bus only says "the feed moved"; what moved is always read back from
here, by position, so a lost wake-up, a restart or a reconnect loses nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tortoise import connections

from models.data_generation import BUMP, bumped_by_statement, hold_generation
from models.database import dialect
from models.derived_status import previous_statuses
from models.enums import FeedKind, IssueStatus
from models.errors import NotFoundError
from models.feed_entry import FeedEntry
from models.idempotency import Remembered
from models.issue import Issue
from models.position import Position
from models.sql import Statement
from models.status_update import StatusUpdate
from models.transactions import Bump, now

BATCH = 500
_APPEND = (
    "INSERT INTO feed_entry "
    "(kind, update_id, position_id, issue_id, relationship_id, created_at)"
)
# The entry reads the generation's bumped row before its id is drawn, so the id
# is drawn under the generation's row lock; no entry is added if the version's
# compare-and-set matched no row.
# On PostgreSQL the same statement announces the entry on the feed's channel: a
# NOTIFY is delivered when its transaction commits, and never if it rolls back.
FEED_CHANNEL = "bilateral_feed"
_FINISH = (
    "WITH bumped AS ({bumped}){also}, "
    f"generation AS ({BUMP} RETURNING value), "
    f"entry AS ({_APPEND} SELECT {{values}} FROM generation, bumped RETURNING id), "
    f"announced AS (SELECT pg_notify('{FEED_CHANNEL}', id::text) FROM entry) "
    "SELECT entry.id AS id, bumped.status AS status FROM entry, bumped, announced"
)

UPDATE_KINDS = frozenset({FeedKind.RECORDED, FeedKind.RETRACTED})
POSITION_KINDS = frozenset({FeedKind.POSITION_RECORDED, FeedKind.POSITION_RETRACTED})

_MISSING_ENTRIES = """
INSERT INTO feed_entry (kind, {column}, issue_id, relationship_id, created_at)
SELECT '{kind}', su.id, su.issue_id, i.relationship_id, {at}
FROM {table} su JOIN issue i ON i.id = su.issue_id
WHERE {condition} AND NOT EXISTS (
    SELECT 1 FROM feed_entry f WHERE f.{column} = su.id AND f.kind = '{kind}'
)
ORDER BY {at}, su.id
"""
# Which entries the rows written outside the operations (seeds) are missing.
_BACKFILLS = (
    ("status_update", "update_id", FeedKind.RECORDED, "su.recorded_at", "1 = 1"),
    (
        "status_update",
        "update_id",
        FeedKind.RETRACTED,
        "su.retracted_at",
        "su.retracted_at IS NOT NULL",
    ),
    ("position", "position_id", FeedKind.POSITION_RECORDED, "su.recorded_at", "1 = 1"),
    (
        "position",
        "position_id",
        FeedKind.POSITION_RETRACTED,
        "su.retracted_at",
        "su.retracted_at IS NOT NULL",
    ),
)


@dataclass(frozen=True)
class FeedScope:
    """Which entries a reader wants: one issue's, one relationship's, or all; of
    some kinds (updates' or positions') or of every kind."""

    issue_id: int | None = None
    relationship_id: int | None = None
    kinds: frozenset[FeedKind] | None = None

    def includes(self, item: "AnyFeedItem") -> bool:
        """Whether an entry read without a scope belongs to this one."""
        return (
            (self.issue_id is None or item.issue.id == self.issue_id)
            and (
                self.relationship_id is None
                or item.issue.relationship_id == self.relationship_id
            )
            and (self.kinds is None or item.kind in self.kinds)
        )


EVERYTHING = FeedScope()


@dataclass(frozen=True)
class FeedItem:
    """One entry with the rows a subscriber shows: the update as it stands now."""

    position: int
    kind: FeedKind
    update: StatusUpdate
    issue: Issue
    previous_status: IssueStatus | None


@dataclass(frozen=True)
class PositionFeedItem:
    """One entry about a position, with the position as it stands now."""

    position: int
    kind: FeedKind
    stated: Position
    issue: Issue


AnyFeedItem = FeedItem | PositionFeedItem


async def finish_with_entry(
    kind: FeedKind,
    row: StatusUpdate | Position,
    bump: Bump,
    remembering: Remembered | None = None,
) -> int:
    """End a write: bump its issue, store its idempotency key, add its feed
    entry and move the data generation on; returns the entry's position.

    Positions must become visible in increasing order: a reader that sees
    position n already sees every committed position below n. On PostgreSQL all
    of it is one statement, in which the generation's bump locks its row until
    commit (serialising the writers) before the entry's position is drawn.
    SQLite admits one writer at a time, which gives the same guarantee; there
    each part is a statement of its own and atomically() moves the generation on.
    """
    said = row if isinstance(row, Position) else None
    columns = (
        kind,
        None if said else row.id,
        said.id if said else None,
        bump.issue.id,
        bump.issue.relationship_id,
        now(),
    )
    statement = Statement()
    if statement.is_sqlite:
        return await _finish_apart(columns, bump, remembering)
    bumped = bump.sql(statement)
    also = ""
    if remembering is not None:
        also = f", remembered AS ({remembering.insert_sql(statement)})"
    values = statement.params(columns)
    rows = await statement.fetch(
        _FINISH.format(bumped=bumped, also=also, values=values)
    )
    bump.apply(rows)
    bumped_by_statement()
    return int(rows[0]["id"])


def announced_on_commit() -> bool:
    """Whether a write's feed entry is announced by the database when the write
    commits (PostgreSQL, by the statement that adds it), so that nobody else
    need announce it; on SQLite the process that wrote it wakes its own hub."""
    return dialect() == "postgres"


async def _finish_apart(
    columns: tuple[Any, ...], bump: Bump, remembering: Remembered | None
) -> int:
    """finish_with_entry, one statement per part, for SQLite (which has no
    INSERT in a WITH clause)."""
    await bump.run()
    if remembering is not None:
        await remembering.store()
    statement = Statement()
    values = statement.params(columns)
    rows = await statement.fetch(f"{_APPEND} VALUES ({values}) RETURNING id")
    return int(rows[0]["id"])


async def record_missing_entries() -> None:
    """Give every update and position written outside the operations (seeds) its
    entries: recordings first, in recorded order, then retractions."""
    connection = connections.get("default")
    if dialect() == "postgres":
        # As in finish_with_entry: positions are drawn under the generation's lock.
        await hold_generation()
    for table, column, kind, at, condition in _BACKFILLS:
        sql = _MISSING_ENTRIES.format(
            table=table, column=column, kind=kind.value, at=at, condition=condition
        )
        await connection.execute_query(sql)


async def read_feed(
    after: int, scope: FeedScope = EVERYTHING, limit: int = BATCH
) -> list[FeedItem]:
    """The update entries after a position, oldest first, at most `limit` of them."""
    items = await read_entries(after, _of_updates(scope), limit)
    return [item for item in items if isinstance(item, FeedItem)]


async def read_entries(
    after: int, scope: FeedScope = EVERYTHING, limit: int = BATCH
) -> list[AnyFeedItem]:
    """The entries of every kind in scope after a position, oldest first."""
    query = FeedEntry.filter(id__gt=after).order_by("id").limit(limit)
    if scope.issue_id is not None:
        query = query.filter(issue_id=scope.issue_id)
    if scope.relationship_id is not None:
        query = query.filter(relationship_id=scope.relationship_id)
    if scope.kinds is not None:
        query = query.filter(kind__in=sorted(scope.kinds))
    entries = await query.values("id", "kind", "update_id", "position_id", "issue_id")
    if not entries:
        return []
    updates = [e for e in entries if e["update_id"] is not None]
    said = [e for e in entries if e["position_id"] is not None]
    found: dict[int, AnyFeedItem] = {}
    for update_item in await _items(updates):
        found[update_item.position] = update_item
    for position_item in await _position_items(said):
        found[position_item.position] = position_item
    return [found[int(e["id"])] for e in entries]


def _of_updates(scope: FeedScope) -> FeedScope:
    return FeedScope(scope.issue_id, scope.relationship_id, UPDATE_KINDS)


async def _position_items(entries: Sequence[dict[str, Any]]) -> list[PositionFeedItem]:
    if not entries:
        return []
    position_ids = list({int(e["position_id"]) for e in entries})
    rows = {row.pk: row for row in await Position.filter(id__in=position_ids)}
    issue_ids = {row.issue_id for row in rows.values()}
    issues = {row.pk: row for row in await Issue.filter(id__in=issue_ids)}
    return [
        PositionFeedItem(
            position=int(entry["id"]),
            kind=FeedKind(entry["kind"]),
            stated=rows[int(entry["position_id"])],
            issue=issues[rows[int(entry["position_id"])].issue_id],
        )
        for entry in entries
    ]


async def _items(entries: Sequence[dict[str, Any]]) -> list[FeedItem]:
    if not entries:
        return []
    update_ids = list({int(e["update_id"]) for e in entries})
    updates = {row.pk: row for row in await StatusUpdate.filter(id__in=update_ids)}
    issue_ids = {row.issue_id for row in updates.values()}
    issues = {row.pk: row for row in await Issue.filter(id__in=issue_ids)}
    previous = await previous_statuses(update_ids)
    items = []
    for entry in entries:
        update = updates[int(entry["update_id"])]
        items.append(
            FeedItem(
                position=int(entry["id"]),
                kind=FeedKind(entry["kind"]),
                update=update,
                issue=issues[update.issue_id],
                previous_status=previous.get(update.pk),
            )
        )
    return items


async def with_issue_now(item: AnyFeedItem) -> AnyFeedItem:
    """The item with its issue read again: an item replayed from a batch read a
    while ago would otherwise show the issue as it stood then beside fields read
    when it is shown (its latest update, say)."""
    issue = await Issue.get_or_none(id=item.issue.pk)
    return item if issue is None else replace(item, issue=issue)


async def position_of(update_id: int, field: str = "after") -> int:
    """The position at which an update was recorded; replaying after it skips it."""
    return await _recorded_at(FeedKind.RECORDED, StatusUpdate, update_id, field)


async def position_of_statement(position_id: int, field: str = "after") -> int:
    """The feed position at which a position was recorded (0 if it has none)."""
    return await _recorded_at(FeedKind.POSITION_RECORDED, Position, position_id, field)


async def _recorded_at(
    kind: FeedKind, model: type[StatusUpdate] | type[Position], pk: int, field: str
) -> int:
    """Where a row's recording entry stands (0 for a row with none); NotFoundError
    for no such row."""
    column = "position_id" if model is Position else "update_id"
    found = await FeedEntry.filter(kind=kind, **{column: pk}).first()
    if found is not None:
        return int(found.id)
    if not await model.exists(id=pk):
        raise NotFoundError(field, model.__name__, pk)
    return 0


async def latest_position() -> int:
    """The newest position, or 0 for an empty feed."""
    rows = await Statement().fetch(
        "SELECT COALESCE(MAX(id), 0) AS position FROM feed_entry"
    )
    return int(rows[0]["position"])
