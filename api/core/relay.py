"""Relay building blocks: the Node interface, global ids and keyset connections."""

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import Annotated, Any, Generic, Protocol, TypeVar

import strawberry
from tortoise.models import Model

from api.core.enums import SortDirection
from api.core.errors import BadUserInputError
from models.pagination import MAX_ROW_ID, Ordering, Page, PageRequest

NodeT = TypeVar("NodeT")


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    row: strawberry.Private[Model]

    @strawberry.field(
        description="The opaque global id; pass it to `node(id:)` to fetch the object."
    )
    def id(self) -> strawberry.ID:
        # Made when asked for: a page of nodes whose ids go unread costs none.
        return global_id(type(self).__strawberry_definition__.name, self.row.pk)  # type: ignore[attr-defined]


def global_id(type_name: str, pk: int) -> strawberry.ID:
    """The opaque id of one row of one type."""
    raw = f"{type_name}:{pk}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def parse_global_id(value: str) -> tuple[str, int]:
    """The (type name, primary key) inside a global id, or BAD_USER_INPUT."""
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, pk = base64.urlsafe_b64decode(padded.encode()).decode().split(":")
        number = int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadUserInputError(f"'{value[:64]}' is not a valid id.") from None
    if not 1 <= number <= MAX_ROW_ID or not type_name.isidentifier():
        raise BadUserInputError(f"'{value[:64]}' is not a valid id.")
    return type_name, number


def parse_id_of(type_name: str, value: str, argument: str) -> int:
    """The primary key inside a global id that must name a `type_name`."""
    found_type, pk = parse_global_id(value)
    if found_type != type_name:
        raise BadUserInputError(
            f"`{argument}` must be the id of {article(type_name)} {type_name}; "
            f"'{value[:64]}' is not.",
            argument=argument,
        )
    return pk


def article(noun: str) -> str:
    """The indefinite article before a noun: "an Issue", "a token"."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    """Validated page arguments; a PaginationError becomes BAD_USER_INPUT in
    api.core.errors, as every domain refusal of a read does."""
    return PageRequest.of(first=first, after=after, last=last, before=before)


@strawberry.type(
    description="Where a page sits in its list, for walking forward and back."
)
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether items follow this page (fetch with `after: endCursor`)."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items precede it (fetch with `before: startCursor`)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the first item on this page, or null when empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last item on this page, or null when empty."
    )


@strawberry.type(description="An item of a list together with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="The opaque cursor of this item.")
    node: NodeT = strawberry.field(description="The item itself.")


@strawberry.type(
    description="A page of a list, with keyset cursors; see `pageInfo` to walk it."
)
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(
        resolver=lambda self: self.built_edges(),  # cursors only when selected
        description="The items of this page, each with its cursor.",
    )
    nodes: list[NodeT] = strawberry.field(
        description="The items of this page, without cursors."
    )
    page_info: PageInfo = strawberry.field(
        resolver=lambda self: self.built_page_info(),
        description="How to reach the neighbouring pages.",
    )
    page: strawberry.Private[Page[Any]]
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    def built_edges(self) -> list[Edge[NodeT]]:
        """Each item with its cursor, encoded now: most reads select `nodes`."""
        return [
            Edge(cursor=cursor, node=node)
            for cursor, node in zip(self.page.cursors, self.nodes, strict=True)
        ]

    def built_page_info(self) -> PageInfo:
        """Where this page sits, with its first and last cursors."""
        cursors = self.page.cursors
        return PageInfo(
            has_next_page=self.page.has_next_page,
            has_previous_page=self.page.has_previous_page,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )

    @strawberry.field(
        description="How many items the whole list holds across all pages "
        "(counted only when asked for)."
    )
    async def total_count(self) -> int:
        return await self.counter()


RowT = TypeVar("RowT", bound=Model)


def connection_of(
    page: Page[RowT],
    convert: Callable[[RowT], NodeT],
    counter: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """Build a connection from a page of rows."""
    return Connection(
        page=page, nodes=[convert(row) for row in page.rows], counter=counter
    )


First = Annotated[
    int | None,
    strawberry.argument(
        description="Return the first n items (0 to 100; 20 when neither first "
        "nor last is given)."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Return items after this cursor."),
]
Last = Annotated[
    int | None,
    strawberry.argument(description="Return the last n items (0 to 100)."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="Return items before this cursor."),
]

NewestFirst = Annotated[
    SortDirection,
    strawberry.argument(description="DESC: newest first (default); ASC: oldest."),
]
NewestFirstOr = Annotated[
    SortDirection | None,
    strawberry.argument(
        description="DESC: newest first (default); ASC: oldest. Pass this or "
        "`orderBy`, not both.",
        deprecation_reason="Use `orderBy`, which also chooses what to order by.",
    ),
]
OldestFirst = Annotated[
    SortDirection,
    strawberry.argument(description="ASC: oldest first (default); DESC: newest first."),
]


FieldT = TypeVar("FieldT", bound=Enum)
FieldT_co = TypeVar("FieldT_co", bound=Enum, covariant=True)


class ListOrder(Protocol[FieldT_co]):
    """An `orderBy` input: what to order by and which way."""

    @property
    def field(self) -> FieldT_co: ...

    @property
    def direction(self) -> SortDirection: ...


def chosen_ordering(
    order: SortDirection | None,
    order_by: ListOrder[FieldT] | None,
    orderings: Mapping[FieldT, Callable[..., Ordering]],
    default: FieldT,
) -> Ordering:
    """A list's ordering from its `orderBy`, or from its older `order` argument
    (by `default`, newest first when neither is given); BAD_USER_INPUT when
    both are. `orderings` makes the ordering of each field, given `descending`."""
    if order_by is None:
        return orderings[default](descending=order is not SortDirection.ASC)
    if order is not None:
        raise BadUserInputError(
            "Pass either `order` or `orderBy`, not both.", argument="orderBy"
        )
    descending = order_by.direction is SortDirection.DESC
    return orderings[order_by.field](descending=descending)
