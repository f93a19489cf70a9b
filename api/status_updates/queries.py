"""The cross-issue update feed."""

from api.core.enums import SortDirection
from api.core.relay import (
    Connection,
    connection_of,
    page_request,
    parse_id_of,
)
from api.status_updates.types import StatusUpdate, StatusUpdateFilter
from models.pagination import fetch_page
from models.queries import UpdateCriteria, history_ordering, updates_matching


async def list_updates(
    filter: StatusUpdateFilter | None,
    order: SortDirection,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[StatusUpdate]:
    """A keyset page of the update feed."""
    request = page_request(first, after, last, before)
    given = filter or StatusUpdateFilter()
    criteria = UpdateCriteria(
        relationship=given.relationship,
        issue_id=parse_id_of("Issue", given.issue, "filter.issue")
        if given.issue is not None
        else None,
        statuses=tuple(given.status or ()),
        occurred_from=given.occurred_from,
        occurred_to=given.occurred_to,
        verified=given.verified,
        include_retracted=given.include_retracted,
    )
    queryset = updates_matching(criteria)
    ordering = history_ordering(descending=order is SortDirection.DESC)
    page = await fetch_page(queryset, ordering, request)
    return connection_of(page, StatusUpdate.from_row, queryset.count)
