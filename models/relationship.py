"""The pair of countries whose issues are tracked."""

from tortoise import fields
from tortoise.models import Model


class Relationship(Model):
    """Two countries (ISO 3166-1 alpha-2 codes) and the issues between them."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    countries: list[str] = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "relationship"
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug
