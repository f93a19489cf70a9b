"""The append-only status history of an issue."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import DatePrecision, IssueStatus
from models.partial_date import PartialDate

if TYPE_CHECKING:
    from models.issue import Issue


class StatusUpdate(Model):
    """A dated, sourced report of an issue's status, retracted but never deleted.

    occurred_on is the first day of the partial date and occurred_precision how
    much of it is known, so the history sorts by (occurred_on, id).
    """

    id = fields.IntField(primary_key=True)
    issue: fields.ForeignKeyRelation["Issue"] = fields.ForeignKeyField(
        "models.Issue", related_name="updates", on_delete=fields.RESTRICT
    )
    issue_id: int
    status = fields.CharEnumField(IssueStatus, max_length=24)
    occurred_on = fields.DateField()
    occurred_precision = fields.CharEnumField(DatePrecision, max_length=8)
    note = fields.TextField()
    source_url = fields.CharField(max_length=2048, null=True)
    source_title = fields.CharField(max_length=500, null=True)
    source_publisher = fields.CharField(max_length=300, null=True)
    verified = fields.BooleanField(default=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    recorded_by = fields.CharField(max_length=100)
    retracted_at = fields.DatetimeField(null=True)
    retraction_reason = fields.TextField(null=True)
    retracted_by = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "status_update"
        indexes = (
            Index(
                fields=("issue_id", "occurred_on", "id"), name="update_issue_order_idx"
            ),
            Index(fields=("occurred_on", "id"), name="update_feed_idx"),
            Index(fields=("status",), name="update_status_idx"),
        )

    @property
    def occurred(self) -> PartialDate:
        """The partial date on which this update took effect."""
        return PartialDate(self.occurred_on, self.occurred_precision)
