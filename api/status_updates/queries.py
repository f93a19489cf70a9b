"""The cross-issue update feed."""

from api.core.enums import SortDirection
from api.core.relay import (
    Connection,
    chosen_ordering,
    connection_of,
    page_request,
    parse_id_of,
)
from api.status_updates.types import (
    StatusUpdate,
    StatusUpdateFilter,
    StatusUpdateOrder,
    StatusUpdateOrderField,
)
from models.pagination import fetch_page
from models.queries import (
    UpdateCriteria,
    history_ordering,
    recorded_ordering,
    updates_matching,
)

OCCURRED_ON = StatusUpdateOrderField.OCCURRED_ON
ORDERINGS = {
    OCCURRED_ON: history_ordering,
    StatusUpdateOrderField.RECORDED: recorded_ordering,
}


async def list_updates(
    filter: StatusUpdateFilter | None,
    order: SortDirection | None,
    order_by: StatusUpdateOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[StatusUpdate]:
    """A keyset page of the update feed."""
    ordering = chosen_ordering(order, order_by, ORDERINGS, OCCURRED_ON)
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
    page = await fetch_page(queryset, ordering, request)
    return connection_of(page, StatusUpdate.from_row, queryset.count)
