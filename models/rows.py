"""Writing one row with a written-out statement instead of the ORM's `create`.

Every write inserts a few rows; the ORM builds each INSERT afresh and reads the
new row back field by field. A statement written the same way every time is
prepared once per connection, and RETURNING hands back the whole row at once.
"""

from typing import Any, TypeVar

from tortoise.models import Model

from models.hydration import hydrate
from models.sql import Statement

Row = TypeVar("Row", bound=Model)


def stored(model: type[Model], name: str, value: Any) -> Any:
    """A value as the ORM would store it in the model's column of that name."""
    return model._meta.fields_map[name].to_db_value(value, model)


def insert_sql(
    statement: Statement, model: type[Model], columns: dict[str, Any]
) -> str:
    """An INSERT of one row with these columns (defaults are the caller's to
    give), its values collected by `statement`."""
    markers = statement.params(
        stored(model, name, value) for name, value in columns.items()
    )
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({markers})"
    )


async def insert(model: type[Row], columns: dict[str, Any]) -> Row:
    """Insert one row with these columns and return it as stored."""
    statement = Statement()
    rows = await statement.fetch(f"{insert_sql(statement, model, columns)} RETURNING *")
    return hydrate(model, rows[0])
