"""An open question between the two countries, with a denormalised current status."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import IssueCategory, IssueStatus

if TYPE_CHECKING:
    from models.relationship import Relationship

RAISED_BY_SEPARATOR = ","


class Issue(Model):
    """One tracked issue, whose status is derived from its history, never set directly.

    raised_by holds the raising countries' two-letter codes, sorted and joined by
    commas, so that a filter on one country is a plain substring match.
    """

    id = fields.IntField(primary_key=True)
    relationship: fields.ForeignKeyRelation["Relationship"] = fields.ForeignKeyField(
        "models.Relationship", related_name="issues", on_delete=fields.RESTRICT
    )
    relationship_id: int
    slug = fields.CharField(max_length=100)
    title = fields.CharField(max_length=200)
    summary = fields.TextField(default="")
    category = fields.CharEnumField(IssueCategory, max_length=20)
    raised_by = fields.CharField(max_length=32, default="")
    status = fields.CharEnumField(IssueStatus, max_length=24, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    archived_at = fields.DatetimeField(null=True)

    class Meta:
        table = "issue"
        unique_together = (("relationship", "slug"),)
        indexes = (
            Index(fields=("relationship_id", "status"), name="issue_rel_status_idx"),
            Index(
                fields=("relationship_id", "category"), name="issue_rel_category_idx"
            ),
            Index(fields=("slug", "id"), name="issue_slug_idx"),
            Index(fields=("title", "id"), name="issue_title_idx"),
            Index(fields=("created_at", "id"), name="issue_created_idx"),
            Index(fields=("updated_at", "id"), name="issue_updated_idx"),
            Index(fields=("archived_at",), name="issue_archived_idx"),
        )

    def __str__(self) -> str:
        return self.slug


def join_countries(codes: list[str]) -> str:
    """Store a set of country codes in the canonical raised_by form."""
    return RAISED_BY_SEPARATOR.join(sorted(set(codes)))


def split_countries(raised_by: str) -> list[str]:
    """Read the raised_by column back as a list of codes."""
    return [code for code in raised_by.split(RAISED_BY_SEPARATOR) if code]
