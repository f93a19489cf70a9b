"""Rate-limit windows shared by every process: points spent per client per minute."""

from tortoise import fields
from tortoise.models import Model


class RateWindow(Model):
    """Points one client (a token or an address) spent in one one-minute window."""

    id = fields.BigIntField(primary_key=True)
    client_key = fields.CharField(max_length=200)
    window_start = fields.BigIntField()
    used = fields.IntField(default=0)

    class Meta:
        table = "rate_window"
        unique_together = (("client_key", "window_start"),)
