"""Partial dates: a day, a month or a year, stored as their first day plus a precision.

Storing the first day makes partial dates sort and compare correctly in SQL; keeping
the precision lets "2024-11" print back as "2024-11", not "2024-11-01".
"""

import re
from dataclasses import dataclass
from datetime import date

from models.enums import DatePrecision

_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


class PartialDateFormatError(ValueError):
    """Raised when a text is not a real date in YYYY, YYYY-MM or YYYY-MM-DD form."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the day, month or year, taking effect at its first day."""

    first_day: date
    precision: DatePrecision

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read "2025-10-26", "2025-10" or "2025"; refuse anything else."""
        match = _PATTERN.fullmatch(text)
        if match is None:
            raise PartialDateFormatError(
                f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD."
            )
        year, month, day = match.groups()
        precision = _precision_of(month, day)
        try:
            first_day = date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise PartialDateFormatError(f"'{text}' is not a real date.") from None
        return cls(first_day, precision)

    @property
    def text(self) -> str:
        """The date exactly as precise as it is known."""
        if self.precision is DatePrecision.YEAR:
            return f"{self.first_day.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.first_day.year:04d}-{self.first_day.month:02d}"
        return self.first_day.isoformat()


def _precision_of(month: str | None, day: str | None) -> DatePrecision:
    if day is not None:
        return DatePrecision.DAY
    if month is not None:
        return DatePrecision.MONTH
    return DatePrecision.YEAR
