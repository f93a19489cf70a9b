"""Per-request DataLoaders: every nested read is batched into one statement."""

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple, TypeVar, cast

from strawberry.dataloader import DataLoader
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet

import models
from models.derived_status import previous_statuses, statuses_on
from models.enums import IssueStatus
from models.nested_pages import pages_per_parent
from models.pagination import Page, PageRequest
from models.queries import (
    LIVE_UPDATES_OF_ISSUE,
    MEETINGS_OF_ISSUE,
    UPDATES_OF_ISSUE,
    history_ordering,
    meeting_ordering,
    position_ordering,
    positions_of_issue,
)
from models.status_spans import StatusSpan, spans_by_issue

ModelT = TypeVar("ModelT", bound=Model)
KeyT = TypeVar("KeyT", bound=Hashable)
ArgsT = TypeVar("ArgsT", bound=Hashable)
LoadedT = TypeVar("LoadedT")
ResultT = TypeVar("ResultT")


def when_loaded(
    loading: Awaitable[LoadedT], convert: Callable[[LoadedT], ResultT]
) -> ResultT:
    """`convert` of what a loader loads: at once when it is already loaded
    (prefetched, or asked for earlier in the request), else an awaitable of it.

    For a synchronous resolver: graphql-core awaits an awaitable result, and a
    field that answers at once lets its list complete without a task per item.
    """
    if isinstance(loading, asyncio.Future) and loading.done():
        return convert(loading.result())
    return cast(ResultT, _converted(loading, convert))


async def _converted(
    loading: Awaitable[LoadedT], convert: Callable[[LoadedT], ResultT]
) -> ResultT:
    return convert(await loading)


class StatusUpdatePageKey(NamedTuple):
    """One issue's page of updates, as asked for by one field."""

    issue_id: int
    request: PageRequest
    descending: bool = False
    include_retracted: bool = False


class MeetingPageKey(NamedTuple):
    """One issue's page of meetings."""

    issue_id: int
    request: PageRequest
    descending: bool = False


class PositionPageKey(NamedTuple):
    """One issue's page of positions, of one country or both."""

    issue_id: int
    request: PageRequest
    descending: bool = False
    include_retracted: bool = False
    country: str | None = None


class PositionCountKey(NamedTuple):
    """How many positions one issue has, as a position page counts them."""

    issue_id: int
    include_retracted: bool
    country: str | None


class SpanKey(NamedTuple):
    """One issue's status spans, judged today (`on`) or on a time-travel day."""

    issue_id: int
    on: date
    as_of: date | None


class IssueDay(NamedTuple):
    """One issue on one day (for the status in effect then)."""

    issue_id: int
    day: date


class StatusUpdateCountKey(NamedTuple):
    """How many updates one issue has, counting retracted ones or not."""

    issue_id: int
    include_retracted: bool


def _by_id(
    model: type[ModelT],
) -> Callable[[list[int]], Awaitable[list[ModelT | None]]]:
    async def load(ids: list[int]) -> list[ModelT | None]:
        rows = {row.pk: row for row in await model.filter(id__in=ids)}
        return [rows.get(pk) for pk in ids]

    return load


async def _grouped(
    keys: Sequence[Any],
    args_of: Callable[[Any], Hashable],
    parent_of: Callable[[Any], int],
    load_group: Callable[[Any, list[int]], Awaitable[dict[int, Any]]],
) -> list[Any]:
    """Batch keys that share arguments; one statement per distinct argument set."""
    groups: dict[Hashable, list[Any]] = defaultdict(list)
    for key in keys:
        groups[args_of(key)].append(key)
    results: dict[Any, Any] = {}
    for members in groups.values():
        found = await load_group(members[0], sorted({parent_of(k) for k in members}))
        for key in members:
            results[key] = found[parent_of(key)]
    return [results[key] for key in keys]


async def status_update_pages(
    keys: list[StatusUpdatePageKey],
) -> list[Page[models.StatusUpdate]]:
    """The pages of updates asked for by these keys, in their order."""

    async def load(key: StatusUpdatePageKey, ids: list[int]) -> dict[int, Any]:
        source = UPDATES_OF_ISSUE if key.include_retracted else LIVE_UPDATES_OF_ISSUE
        ordering = history_ordering(descending=key.descending)
        return await pages_per_parent(source, ids, ordering, key.request)

    return await _grouped(
        keys,
        lambda k: (k.request, k.descending, k.include_retracted),
        lambda k: k.issue_id,
        load,
    )


async def _meeting_pages(keys: list[MeetingPageKey]) -> list[Page[models.Meeting]]:
    async def load(key: MeetingPageKey, ids: list[int]) -> dict[int, Any]:
        ordering = meeting_ordering(descending=key.descending)
        return await pages_per_parent(MEETINGS_OF_ISSUE, ids, ordering, key.request)

    return await _grouped(
        keys, lambda k: (k.request, k.descending), lambda k: k.issue_id, load
    )


async def _position_pages(keys: list[PositionPageKey]) -> list[Page[models.Position]]:
    async def load(key: PositionPageKey, ids: list[int]) -> dict[int, Any]:
        source = positions_of_issue(
            key.country, include_retracted=key.include_retracted
        )
        ordering = position_ordering(descending=key.descending)
        return await pages_per_parent(source, ids, ordering, key.request)

    return await _grouped(
        keys,
        lambda k: (k.request, k.descending, k.include_retracted, k.country),
        lambda k: k.issue_id,
        load,
    )


async def _position_counts(keys: list[PositionCountKey]) -> list[int]:
    async def load(key: PositionCountKey, ids: list[int]) -> dict[int, Any]:
        queryset = models.Position.filter(issue_id__in=ids)
        if not key.include_retracted:
            queryset = queryset.filter(retracted_at__isnull=True)
        if key.country is not None:
            queryset = queryset.filter(country=key.country)
        return await _per_issue(queryset, ids)

    return await _grouped(
        keys, lambda k: (k.include_retracted, k.country), lambda k: k.issue_id, load
    )


async def _spans(keys: list[SpanKey]) -> list[list[StatusSpan]]:
    async def load(key: SpanKey, ids: list[int]) -> dict[int, Any]:
        return await spans_by_issue(ids, key.on, as_of=key.as_of)

    return await _grouped(keys, lambda k: (k.on, k.as_of), lambda k: k.issue_id, load)


async def _statuses_on_days(keys: list[IssueDay]) -> list[IssueStatus | None]:
    async def load(key: IssueDay, ids: list[int]) -> dict[int, Any]:
        found = await statuses_on(key.day, issue_ids=ids)
        return {pk: found.get(pk) for pk in ids}

    return await _grouped(keys, lambda k: k.day, lambda k: k.issue_id, load)


async def _status_update_counts(keys: list[StatusUpdateCountKey]) -> list[int]:
    async def load(key: StatusUpdateCountKey, ids: list[int]) -> dict[int, Any]:
        queryset = models.StatusUpdate.filter(issue_id__in=ids)
        if not key.include_retracted:
            queryset = queryset.filter(retracted_at__isnull=True)
        return await _per_issue(queryset, ids)

    return await _grouped(
        keys, lambda k: k.include_retracted, lambda k: k.issue_id, load
    )


async def _per_issue(queryset: QuerySet[Any], ids: list[int]) -> dict[int, int]:
    """How many rows of the query each issue has (zero included), in one statement."""
    rows = (
        await queryset.group_by("issue_id")
        .annotate(n=Count("id"))
        .values("issue_id", "n")
    )
    counts = {row["issue_id"]: row["n"] for row in rows}
    return {pk: counts.get(pk, 0) for pk in ids}


async def _meeting_counts(issue_ids: list[int]) -> list[int]:
    links = models.MeetingIssue.filter(issue_id__in=issue_ids)
    counts = await _per_issue(links, issue_ids)
    return [counts[pk] for pk in issue_ids]


async def _issues_of_meetings(meeting_ids: list[int]) -> list[list[models.Issue]]:
    links = await models.MeetingIssue.filter(meeting_id__in=meeting_ids).values(
        "meeting_id", "issue_id"
    )
    issues = {
        i.pk: i
        for i in await models.Issue.filter(id__in={r["issue_id"] for r in links})
    }
    by_meeting: dict[int, list[models.Issue]] = defaultdict(list)
    for link in links:
        by_meeting[link["meeting_id"]].append(issues[link["issue_id"]])
    return [sorted(by_meeting[pk], key=lambda i: i.slug) for pk in meeting_ids]


async def _previous_statuses(update_ids: list[int]) -> list[IssueStatus | None]:
    found = await previous_statuses(update_ids)
    return [found.get(pk) for pk in update_ids]


class Loaders:
    """The loaders of one request, named `<what they return>_by_<key>`; never
    shared between requests. Each is made when first asked for: most operations
    use one or two of them."""

    @cached_property
    def relationship_by_id(self) -> DataLoader[int, models.Relationship | None]:
        return DataLoader(_by_id(models.Relationship))

    @cached_property
    def issue_by_id(self) -> DataLoader[int, models.Issue | None]:
        return DataLoader(_by_id(models.Issue))

    @cached_property
    def status_update_by_id(self) -> DataLoader[int, models.StatusUpdate | None]:
        return DataLoader(_by_id(models.StatusUpdate))

    @cached_property
    def meeting_by_id(self) -> DataLoader[int, models.Meeting | None]:
        return DataLoader(_by_id(models.Meeting))

    @cached_property
    def position_by_id(self) -> DataLoader[int, models.Position | None]:
        return DataLoader(_by_id(models.Position))

    @cached_property
    def position_page_by_issue(
        self,
    ) -> DataLoader[PositionPageKey, Page[models.Position]]:
        return DataLoader(_position_pages)

    @cached_property
    def position_count_by_issue(self) -> DataLoader[PositionCountKey, int]:
        return DataLoader(_position_counts)

    @cached_property
    def spans_by_issue(self) -> DataLoader[SpanKey, list[StatusSpan]]:
        return DataLoader(_spans)

    @cached_property
    def status_update_page_by_issue(
        self,
    ) -> DataLoader[StatusUpdatePageKey, Page[models.StatusUpdate]]:
        return DataLoader(status_update_pages)

    @cached_property
    def meeting_page_by_issue(self) -> DataLoader[MeetingPageKey, Page[models.Meeting]]:
        return DataLoader(_meeting_pages)

    @cached_property
    def status_by_issue_day(self) -> DataLoader[IssueDay, IssueStatus | None]:
        return DataLoader(_statuses_on_days)

    @cached_property
    def status_update_count_by_issue(self) -> DataLoader[StatusUpdateCountKey, int]:
        return DataLoader(_status_update_counts)

    @cached_property
    def meeting_count_by_issue(self) -> DataLoader[int, int]:
        return DataLoader(_meeting_counts)

    @cached_property
    def issues_by_meeting(self) -> DataLoader[int, list[models.Issue]]:
        return DataLoader(_issues_of_meetings)

    @cached_property
    def previous_status_by_update(self) -> DataLoader[int, IssueStatus | None]:
        return DataLoader(_previous_statuses)

    def release(self) -> None:
        """Drop what the loaders hold once the operation is answered.

        The request's context sits in reference cycles that only the garbage
        collector frees; without this, every row an operation loaded would wait
        for a full collection (a pause that grows with them) rather than go at once.
        """
        for loader in vars(self).values():  # the loaders made, and only them
            loader.clear_all()
            loader.batch = None  # the last batch holds its keys and answers too
