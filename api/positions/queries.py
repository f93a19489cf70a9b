"""The cross-issue position list, and an issue's positions."""

from api.core.enums import SortDirection
from api.core.errors import BadUserInputError
from api.core.relay import (
    Connection,
    chosen_ordering,
    connection_of,
    page_request,
    parse_id_of,
)
from api.positions.types import (
    Position,
    PositionFilter,
    PositionOrder,
    PositionOrderField,
)
from models.pagination import fetch_page
from models.queries import (
    PositionCriteria,
    position_ordering,
    positions_matching,
    recorded_ordering,
)

STATED_ON = PositionOrderField.STATED_ON
ORDERINGS = {
    STATED_ON: position_ordering,
    PositionOrderField.RECORDED: recorded_ordering,
}


def country_argument(value: str | None, argument: str) -> str | None:
    """A two-letter country code, upper-cased; refused when it cannot be one."""
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise BadUserInputError(
            f"`{argument}` must be a two-letter country code such as 'IN'; "
            f"'{value[:16]}' is not.",
            argument=argument,
        )
    return code


async def list_positions(
    filter: PositionFilter | None,
    order: SortDirection | None,
    order_by: PositionOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Position]:
    """A keyset page of positions across issues."""
    ordering = chosen_ordering(order, order_by, ORDERINGS, STATED_ON)
    request = page_request(first, after, last, before)
    given = filter or PositionFilter()
    criteria = PositionCriteria(
        relationship=given.relationship,
        issue_id=parse_id_of("Issue", given.issue, "filter.issue")
        if given.issue is not None
        else None,
        country=country_argument(given.country, "filter.country"),
        stated_from=given.stated_from,
        stated_to=given.stated_to,
        as_of=given.as_of,
        latest_per_side=given.latest_per_side,
        include_retracted=given.include_retracted,
    )
    queryset = positions_matching(criteria)
    page = await fetch_page(queryset, ordering, request)
    return connection_of(page, Position.from_row, queryset.count)
