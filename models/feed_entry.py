"""The live feed: every recording and retraction of an update or a position, in
commit order."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import FeedKind

if TYPE_CHECKING:
    from models.issue import Issue
    from models.position import Position
    from models.relationship import Relationship
    from models.status_update import StatusUpdate


class FeedEntry(Model):
    """One change to the history, numbered in the order its transaction committed.

    The id is the feed position: subscribers resume from the last position they
    saw, and every process reads the same entries from this table. An entry names
    either an update or a position (its kind says which); issue_id and
    relationship_id are copied from it so that a filtered read needs no join.
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(FeedKind, max_length=20)
    update: fields.ForeignKeyNullableRelation["StatusUpdate"] = fields.ForeignKeyField(
        "models.StatusUpdate",
        related_name="feed_entries",
        on_delete=fields.RESTRICT,
        null=True,
    )
    update_id: int | None
    position: fields.ForeignKeyNullableRelation["Position"] = fields.ForeignKeyField(
        "models.Position",
        related_name="feed_entries",
        on_delete=fields.RESTRICT,
        null=True,
    )
    position_id: int | None
    issue: fields.ForeignKeyRelation["Issue"] = fields.ForeignKeyField(
        "models.Issue", related_name="feed_entries", on_delete=fields.RESTRICT
    )
    issue_id: int
    relationship: fields.ForeignKeyRelation["Relationship"] = fields.ForeignKeyField(
        "models.Relationship", related_name="feed_entries", on_delete=fields.RESTRICT
    )
    relationship_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feed_entry"
        indexes = (
            Index(fields=("issue_id", "id"), name="feed_issue_idx"),
            Index(fields=("relationship_id", "id"), name="feed_relationship_idx"),
            Index(fields=("update_id", "kind"), name="feed_update_idx"),
            Index(fields=("position_id", "kind"), name="feed_position_idx"),
        )
