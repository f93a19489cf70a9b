"""Pages of children for many parents: one statement per thousand rows at most."""

from datetime import date, timedelta

import pytest
from tortoise.context import TortoiseContext

import models.nested_pages
from models.enums import IssueStatus
from models.nested_pages import pages_per_parent
from models.pagination import PageRequest
from models.queries import UPDATES_OF_ISSUE, history_ordering
from tests.conftest import QueryCounter
from tests.factories import make_issue


async def _issues_with_updates(count: int, updates: int) -> list[int]:
    start = date(2020, 1, 1)
    history = [
        (start + timedelta(days=d), IssueStatus.PROPOSED) for d in range(updates)
    ]
    issues = [
        await make_issue(slug=f"issue-{n:02d}", history=history) for n in range(count)
    ]
    return [issue.id for issue in issues]


async def test_large_pages_are_fetched_in_bounded_statements_with_the_same_pages(
    empty_db: TortoiseContext,
    sql_queries: QueryCounter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given 12 issues of 9 updates each, and statements of at most 50 rows
    ids = await _issues_with_updates(12, 9)
    request = PageRequest.of(first=8)
    ordering = history_ordering(descending=True)
    monkeypatch.setattr(models.nested_pages, "ROWS_PER_STATEMENT", 10_000)
    whole = await pages_per_parent(UPDATES_OF_ISSUE, ids, ordering, request)
    monkeypatch.setattr(models.nested_pages, "ROWS_PER_STATEMENT", 50)
    sql_queries.statements.clear()

    # when a page of 8 (9 rows each, to see if there are more) is asked for each
    chunked = await pages_per_parent(UPDATES_OF_ISSUE, ids, ordering, request)

    # then 5 parents go to a statement (5 x 9 = 45 rows), so 3 statements
    # answer the 12, with exactly the pages one statement gives
    assert sql_queries.count == 3
    assert list(chunked) == ids
    for pk in ids:
        assert [u.id for u in chunked[pk].rows] == [u.id for u in whole[pk].rows]
        assert chunked[pk].cursors == whole[pk].cursors
        assert chunked[pk].has_next_page == whole[pk].has_next_page is True
        assert chunked[pk].has_previous_page == whole[pk].has_previous_page is False


async def test_a_board_of_small_pages_still_takes_one_statement(
    empty_db: TortoiseContext, sql_queries: QueryCounter
) -> None:
    # given 20 issues with 4 updates each
    ids = await _issues_with_updates(20, 4)
    sql_queries.statements.clear()

    # when 3 updates of each are asked for (80 rows at most)
    pages = await pages_per_parent(
        UPDATES_OF_ISSUE, ids, history_ordering(descending=True), PageRequest.of(3)
    )

    # then one statement answers them all
    assert sql_queries.count == 1
    assert all(len(page.rows) == 3 for page in pages.values())
