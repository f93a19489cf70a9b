"""The meeting list."""

from api.core.enums import SortDirection
from api.core.filters import checked_search
from api.core.relay import (
    Connection,
    connection_of,
    page_request,
    parse_id_of,
)
from api.meetings.types import Meeting, MeetingFilter
from models.pagination import fetch_page
from models.queries import MeetingCriteria, meeting_ordering, meetings_matching


async def list_meetings(
    filter: MeetingFilter | None,
    order: SortDirection,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Meeting]:
    """A keyset page of meetings."""
    request = page_request(first, after, last, before)
    given = filter or MeetingFilter()
    criteria = MeetingCriteria(
        relationship=given.relationship,
        issue_id=parse_id_of("Issue", given.issue, "filter.issue")
        if given.issue is not None
        else None,
        held_from=given.held_from,
        held_to=given.held_to,
        search=checked_search(given.search),
    )
    queryset = meetings_matching(criteria)
    ordering = meeting_ordering(descending=order is SortDirection.DESC)
    page = await fetch_page(queryset, ordering, request)
    return connection_of(page, Meeting.from_row, queryset.count)
