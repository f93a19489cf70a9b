"""Rows made into instances without the ORM's keyword call are the instances the
ORM makes, on either database and from a driver's row or a dictionary."""

from typing import Any

import pytest
from tortoise import connections
from tortoise.context import TortoiseContext
from tortoise.models import Model
from tortoise.queryset import QuerySet

import models
from models.hydration import Hydration, converter_of
from models.pagination import Ordering, PageRequest, fetch_page, order_terms
from models.queries import (
    IssueCriteria,
    MeetingCriteria,
    PositionCriteria,
    UpdateCriteria,
    history_ordering,
    issue_ordering,
    issues_matching,
    meeting_ordering,
    meetings_matching,
    position_ordering,
    positions_matching,
    recorded_ordering,
    updates_matching,
)

TABLES = [
    (models.StatusUpdate, "status_update"),
    (models.Issue, "issue"),
    (models.Position, "position"),
    (models.Meeting, "meeting"),
    (models.Relationship, "relationship"),
]


@pytest.mark.parametrize(("model", "table"), TABLES)
async def test_an_instance_is_the_orms_own(
    seeded_db: TortoiseContext, model: type[Model], table: str
) -> None:
    _, rows = await connections.get("default").execute_query(f"SELECT * FROM {table}")
    assert rows
    hydration = Hydration.of(model)
    for row in rows:
        made = hydration(row)
        expected = model._init_from_db(**dict(row))
        assert type(made) is model
        assert _exactly(made) == _exactly(expected)
        assert _exactly(hydration(dict(row))) == _exactly(expected)


def _exactly(instance: Model) -> dict[str, object]:
    """An instance's values with their types and time zones, which equality of
    aware timestamps alone would not tell apart."""
    return {
        name: (value, type(value), getattr(value, "tzinfo", None))
        for name, value in vars(instance).items()
    }


async def test_a_partial_row_is_made_as_the_orm_makes_it(
    seeded_db: TortoiseContext,
) -> None:
    row = {"id": 1, "slug": "india-china"}
    made = Hydration.of(models.Relationship)(row)
    assert vars(made) == vars(models.Relationship._init_from_db(**row))
    assert made._partial


TIMESTAMPS = [
    "2026-12-07 08:26:00.305125+00:00",
    "2026-12-07T08:26:00+00:00",
    "2026-12-07T08:26:00Z",
    "2026-12-07 13:56:00.000001+05:30",
    "2026-12-07 08:26:00",
    "2026-12-07",
]
DATES = ["2025-01-27", "2024-02-29", "2025-01-27 10:00:00", "2025-01-27T10:00:00Z"]


async def test_text_dates_and_timestamps_read_as_the_field_reads_them(
    empty_db: TortoiseContext,
) -> None:
    # SQLite keeps them as ISO text; the fast readers must agree with the fields
    fields = models.StatusUpdate._meta.fields_map
    recorded = converter_of(fields["recorded_at"])
    occurred = converter_of(fields["occurred_on"])
    for text in TIMESTAMPS:
        made, expected = recorded(text), fields["recorded_at"].to_python_value(text)
        assert (made, made.tzinfo) == (expected, expected.tzinfo), text
    for text in DATES:
        made, expected = occurred(text), fields["occurred_on"].to_python_value(text)
        assert (made, type(made)) == (expected, type(expected)), text


async def _lists() -> list[tuple[QuerySet[Any], Ordering]]:
    """Each list's queryset, filtered through a join, in one of its orders."""
    return [
        (
            await issues_matching(IssueCriteria(relationship="india-china")),
            issue_ordering("UPDATED_AT", descending=True),
        ),
        (
            updates_matching(UpdateCriteria(relationship="india-china")),
            history_ordering(descending=True),
        ),
        (
            updates_matching(UpdateCriteria(include_retracted=True)),
            recorded_ordering(descending=False),
        ),
        (
            positions_matching(PositionCriteria(relationship="india-china")),
            position_ordering(descending=True),
        ),
        (meetings_matching(MeetingCriteria()), meeting_ordering(descending=True)),
    ]


async def test_a_page_holds_the_orms_own_instances(
    seeded_db: TortoiseContext,
) -> None:
    for queryset, ordering in await _lists():
        request = PageRequest.of(first=7)

        page = await fetch_page(queryset, ordering, request)

        terms = order_terms(ordering, reverse=False)
        expected = await queryset.order_by(*terms).limit(7)
        assert len(page.rows) == 7
        assert [_exactly(row) for row in page.rows] == [_exactly(r) for r in expected]
