"""Partial dates parse strictly and print back exactly as given."""

from datetime import date

import pytest

from models.enums import DatePrecision
from models.partial_date import PartialDate, PartialDateFormatError


@pytest.mark.parametrize(
    ("text", "first_day", "precision"),
    [
        ("2025-10-26", date(2025, 10, 26), DatePrecision.DAY),
        ("2024-11", date(2024, 11, 1), DatePrecision.MONTH),
        ("2021", date(2021, 1, 1), DatePrecision.YEAR),
        ("2024-02-29", date(2024, 2, 29), DatePrecision.DAY),
    ],
)
def test_parse_keeps_first_day_and_precision(
    text: str, first_day: date, precision: DatePrecision
) -> None:
    parsed = PartialDate.parse(text)

    assert (parsed.first_day, parsed.precision, parsed.text) == (
        first_day,
        precision,
        text,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "'2025-13' is not a real date."),
        ("2023-02-29", "'2023-02-29' is not a real date."),
        ("2025-00-10", "'2025-00-10' is not a real date."),
        (
            "25-10-26",
            "'25-10-26' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        (
            "2025/10/26",
            "'2025/10/26' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        ("", "'' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD."),
        (
            "2025-1-5",
            "'2025-1-5' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
    ],
)
def test_parse_refuses_what_is_not_a_real_date(text: str, message: str) -> None:
    with pytest.raises(PartialDateFormatError) as raised:
        PartialDate.parse(text)

    assert str(raised.value) == message


def test_partial_dates_sort_at_their_first_day() -> None:
    texts = ["2024-11-15", "2024", "2024-11", "2023-12-31"]

    ordered = sorted((PartialDate.parse(t) for t in texts), key=lambda d: d.first_day)

    assert [d.text for d in ordered] == ["2023-12-31", "2024", "2024-11", "2024-11-15"]
