"""Resolvers that list and find issues."""

import re

import models
from api.core.errors import BadUserInputError
from api.core.filters import checked_search, in_utc
from api.core.relay import Connection, connection_of, page_request
from api.issues.types import Issue, IssueFilter, IssueOrder, IssueOrderField
from models.enums import SortDirection
from models.pagination import fetch_page
from models.queries import IssueCriteria, issue_ordering, issues_matching

_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


def issue_criteria(
    filter: IssueFilter | None, relationship: str | None
) -> IssueCriteria:
    """Check a filter and turn it into domain criteria."""
    given = filter or IssueFilter()
    if given.raised_by is not None and not _COUNTRY_CODE.match(given.raised_by):
        raise BadUserInputError(
            "`raisedBy` must be a two-letter country code such as 'IN'.",
            argument="filter",
        )
    return IssueCriteria(
        relationship=relationship or given.relationship,
        statuses=tuple(given.status or ()),
        categories=tuple(given.category or ()),
        raised_by=given.raised_by,
        search=checked_search(given.search),
        include_archived=given.include_archived,
        updated_since=in_utc(given.updated_since),
        as_of=given.as_of,
    )


async def list_issues(
    filter: IssueFilter | None,
    order_by: IssueOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    relationship: str | None = None,
) -> Connection[Issue]:
    """A keyset page of the issues matching a filter."""
    request = page_request(first, after, last, before)
    order = order_by or IssueOrder(field=IssueOrderField.SLUG)
    ordering = issue_ordering(
        order.field.name, descending=order.direction is SortDirection.DESC
    )
    queryset = await issues_matching(issue_criteria(filter, relationship))
    page = await fetch_page(queryset, ordering, request)
    return connection_of(page, Issue.from_row, queryset.count)


async def issue_by_slug(relationship_pk: int, slug: str) -> Issue | None:
    """One issue of a relationship by slug."""
    row = await models.Issue.get_or_none(relationship_id=relationship_pk, slug=slug)
    return Issue.from_row(row) if row else None
