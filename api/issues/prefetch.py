"""Loading what a page of issues will be asked for before its fields resolve.

A list field completes its items synchronously when every item's fields return
values, and through one future per field and one task per item when they return
awaitables. The board asks each of 50 issues for its latest update and a page
of its history: this looks ahead at the selection, sends those batches while
the page is being returned, and so lets the nested fields answer from loaded
data without awaiting anything.
"""

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values

from api.context import Context
from api.core.enums import SortDirection
from api.core.loaders import StatusUpdatePageKey, status_update_pages
from api.core.relay import Connection, page_request
from api.issues.types import Issue, latest_update_key, updates_key
from models.errors import DomainError
from models.pagination import PaginationError


async def prefetched(
    info: strawberry.Info[Context], issues: Connection[Issue]
) -> Connection[Issue]:
    """A page of issues, with what its selected fields will ask for loaded."""
    await prefetch_issue_fields(info, [issue.row.pk for issue in issues.nodes])
    return issues


async def prefetch_issue_fields(info: strawberry.Info[Context], pks: list[int]) -> None:
    """Load the update pages the selected issue fields will ask for (any that
    cannot be told from the selection, or fail, are left to the fields)."""
    keys: set[StatusUpdatePageKey] = set()
    raw = info._raw_info
    for field in _issue_fields(raw):
        name = field.name.value
        if name == "latestUpdate":
            keys.update(latest_update_key(pk) for pk in pks)
        elif name == "updates" and (found := _page_key(raw, field)) is not None:
            keys.update(found(pk) for pk in pks)
    loader = info.context.loaders.status_update_page_by_issue
    wanted = [key for key in keys if loader.cache_map.get(key) is None]
    if not wanted:
        return
    try:
        pages = await status_update_pages(wanted)
    except Exception:
        return  # the fields load their pages again, and report a failure with it
    # Primed as loaded, the pages cost the fields no future to wait on.
    loader.prime_many(dict(zip(wanted, pages, strict=True)))


def _issue_fields(info: GraphQLResolveInfo[Any]) -> Iterator[FieldNode]:
    """The fields selected on the issues of a connection (`nodes`, `edges.node`).

    As in execution, each level spreads a named fragment once however often it
    is spread, so a document of fragments that fan out stays linear here.
    """
    connection = [node.selection_set for node in info.field_nodes]
    items = list(_fields(info, connection, set()))
    edges = [item.selection_set for item in items if item.name.value == "edges"]
    issues = [item.selection_set for item in items if item.name.value == "nodes"]
    issues += [
        node.selection_set
        for node in _fields(info, edges, set())
        if node.name.value == "node"
    ]
    yield from _fields(info, issues, set())


def _fields(
    info: GraphQLResolveInfo[Any],
    selection_sets: list[SelectionSetNode | None],
    seen: set[str],
) -> Iterator[FieldNode]:
    """The fields of some selection sets, fragments spread (each name once)."""
    for selections in selection_sets:
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from _fields(info, [selection.selection_set], seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = info.fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    yield from _fields(info, [fragment.selection_set], seen)


def _page_key(info: GraphQLResolveInfo[Any], field: FieldNode) -> Any:
    """How the `updates` field will key its page for an issue, or None when its
    arguments are refused (the field itself reports that)."""
    issue_type = info.schema.get_type("Issue")
    assert isinstance(issue_type, GraphQLObjectType)
    try:
        arguments = get_argument_values(
            issue_type.fields["updates"], field, _variables(info.variable_values)
        )
        request = page_request(
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
    except (GraphQLError, PaginationError, DomainError):
        return None
    order = arguments.get("order", SortDirection.ASC)
    retracted = bool(arguments.get("includeRetracted", False))
    return lambda pk: updates_key(pk, request, order, retracted)


def _variables(given: Any) -> VariableValues:
    """The operation's variables as argument coercion takes them."""
    if isinstance(given, VariableValues):
        return given
    return VariableValues(sources={}, coerced=dict(given or {}))
