"""Dated engagements between the two sides and the issues they discussed."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import DatePrecision

if TYPE_CHECKING:
    from models.issue import Issue
    from models.relationship import Relationship


class Meeting(Model):
    """A meeting, visit or summit, held on a partial date like an update."""

    id = fields.IntField(primary_key=True)
    relationship: fields.ForeignKeyRelation["Relationship"] = fields.ForeignKeyField(
        "models.Relationship", related_name="meetings", on_delete=fields.RESTRICT
    )
    relationship_id: int
    held_on = fields.DateField()
    held_precision = fields.CharEnumField(DatePrecision, max_length=8)
    title = fields.CharField(max_length=300)
    location = fields.CharField(max_length=200, null=True)
    participants: list[str] = fields.JSONField(default=list)
    summary = fields.TextField(default="")
    source_url = fields.CharField(max_length=2048, null=True)
    source_title = fields.CharField(max_length=500, null=True)
    source_publisher = fields.CharField(max_length=300, null=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    recorded_by = fields.CharField(max_length=100)

    class Meta:
        table = "meeting"
        indexes = (
            Index(
                fields=("relationship_id", "held_on", "id"), name="meeting_rel_held_idx"
            ),
            Index(fields=("held_on", "id"), name="meeting_held_idx"),
        )


class MeetingIssue(Model):
    """Links a meeting to an issue it discussed."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="issue_links", on_delete=fields.CASCADE
    )
    meeting_id: int
    issue: fields.ForeignKeyRelation["Issue"] = fields.ForeignKeyField(
        "models.Issue", related_name="meeting_links", on_delete=fields.RESTRICT
    )
    issue_id: int

    class Meta:
        table = "meeting_issue"
        unique_together = (("meeting", "issue"),)
        indexes = (
            Index(fields=("issue_id", "meeting_id"), name="meeting_issue_issue_idx"),
        )
