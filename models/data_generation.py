"""The data generation: a number that every committed write moves on.

Whatever was read at generation n is still true while the generation is n, so an
answer cached under the generation it was computed at can be served until the
number moves, in any process: a reader pays one indexed read of one row to know.
The row is bumped as the last statement of each write's transaction, so the new
number becomes visible exactly when the write does.
"""

from tortoise import connections, fields
from tortoise.models import Model

ROW_ID = 1
BUMP = (
    "INSERT INTO data_generation (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = data_generation.value + 1"
)
READ = "SELECT value FROM data_generation WHERE id = 1"


class DataGeneration(Model):
    """One row: how many times the tracker's data has changed."""

    id = fields.IntField(primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "data_generation"
        table_description = "One row counting the committed writes to the data."


async def bump_generation() -> None:
    """Move the generation on, inside the write's transaction."""
    await connections.get("default").execute_query(BUMP)


async def current_generation() -> int:
    """The generation of the data as this connection sees it (0 before any write)."""
    _, rows = await connections.get("default").execute_query(READ)
    return int(rows[0]["value"]) if rows else 0
