"""What each side has said it wants on an issue: dated, sourced statements."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import DatePrecision
from models.partial_date import PartialDate

if TYPE_CHECKING:
    from models.issue import Issue


class Position(Model):
    """One country's stated position on an issue, retracted but never deleted.

    Like a status update, stated_on is the first day of a partial date and
    stated_precision how much of it is known, so positions sort by (stated_on, id).
    The country is one of the issue's relationship's two.
    """

    id = fields.IntField(primary_key=True)
    issue: fields.ForeignKeyRelation["Issue"] = fields.ForeignKeyField(
        "models.Issue", related_name="positions", on_delete=fields.RESTRICT
    )
    issue_id: int
    country = fields.CharField(max_length=2)
    stated_on = fields.DateField()
    stated_precision = fields.CharEnumField(DatePrecision, max_length=8)
    speaker = fields.CharField(max_length=300)
    statement = fields.TextField()
    quote = fields.TextField()
    source_url = fields.CharField(max_length=2048)
    source_title = fields.CharField(max_length=500, null=True)
    source_publisher = fields.CharField(max_length=300, null=True)
    verified = fields.BooleanField(default=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    recorded_by = fields.CharField(max_length=100)
    retracted_at = fields.DatetimeField(null=True)
    retraction_reason = fields.TextField(null=True)
    retracted_by = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "position"
        indexes = (
            Index(
                fields=("issue_id", "stated_on", "id"),
                name="position_issue_order_idx",
            ),
            Index(fields=("stated_on", "id"), name="position_feed_idx"),
        )

    @property
    def stated(self) -> PartialDate:
        """The partial date on which the statement was made."""
        return PartialDate(self.stated_on, self.stated_precision)
