"""The small value types the nodes expose."""

from datetime import date

import pytest

from api.core.values import PartialDate
from models.enums import DatePrecision


@pytest.mark.parametrize(
    ("precision", "text"),
    [
        (DatePrecision.DAY, "2024-11-01"),
        (DatePrecision.MONTH, "2024-11"),
        (DatePrecision.YEAR, "2024"),
    ],
)
def test_a_partial_date_is_one_shared_value_per_date_and_precision(
    precision: DatePrecision, text: str
) -> None:
    made = PartialDate.of(date(2024, 11, 1), precision)

    assert (made.date, made.precision, made.text) == (
        date(2024, 11, 1),
        precision,
        text,
    )
    assert PartialDate.of(date(2024, 11, 1), precision) is made
    assert PartialDate.of(date(2024, 11, 2), precision) is not made
