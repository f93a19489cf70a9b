"""API tokens: a name, a role and the hash of a secret shown once."""

from tortoise import fields
from tortoise.models import Model

from models.enums import TokenRole


class ApiToken(Model):
    """A credential for scripts and editors, kept for the record once revoked.

    Names are unique for all time, so a recordedBy value names one token forever.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    role = fields.CharEnumField(TokenRole, max_length=8)
    secret_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by = fields.CharField(max_length=100)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        """Whether the token still opens the API."""
        return self.revoked_at is None
