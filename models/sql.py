"""A small builder for the few portable raw statements the ORM cannot express.

Parameters are appended in the order their markers appear in the text, so `?`
(SQLite) and `$n` (PostgreSQL) both line up.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from models.database import dialect, fetch_all, fetch_rows


class Statement:
    """Collects parameter values while the SQL text is written left to right."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.is_sqlite = dialect() == "sqlite"

    def param(self, value: Any) -> str:
        """The marker for one value, recorded in textual order."""
        if (
            self.is_sqlite
            and isinstance(value, date)
            and not isinstance(value, datetime)
        ):
            value = value.isoformat()
        if hasattr(value, "value") and isinstance(value.value, str):
            value = value.value
        self.values.append(value)
        return "?" if self.is_sqlite else f"${len(self.values)}"

    def params(self, values: Iterable[Any]) -> str:
        """Comma-separated markers for a list of values (for `IN (...)`)."""
        return ", ".join(self.param(value) for value in values)

    async def fetch(self, sql: str) -> list[dict[str, Any]]:
        """Run the statement with the values collected for it."""
        return await fetch_all(sql, self.values)

    async def rows(self, sql: str) -> Sequence[Mapping[str, Any]]:
        """Run the statement; its rows as the driver gives them (read-only)."""
        return await fetch_rows(sql, self.values)
