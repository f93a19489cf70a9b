"""An answered operation leaves nothing for the cycle collector.

What an operation builds must be freed as soon as it is answered: garbage held in
reference cycles waits for a collection that pauses every request in the process.
"""

import gc
from collections import Counter

import httpx
import pytest

from tests.api.graphql import gql_data

SMALL_READ = """{ relationship(slug: "india-china") {
  issue(slug: "direct-flights") { title status latestUpdate { note } } } }"""
BOARD = """{ issues(first: 20, orderBy: {field: UPDATED_AT, direction: DESC}) {
  nodes { slug latestUpdate { note } updates(first: 3) {
    nodes { status note occurredOn { text } } } } } }"""
OURS = ("api", "models", "strawberry", "graphql")


def _ours(objects: list[object]) -> Counter[str]:
    return Counter(
        f"{type(o).__module__}.{type(o).__qualname__}"
        for o in objects
        if type(o).__module__.split(".")[0] in OURS
    )


@pytest.mark.parametrize("document", [SMALL_READ, BOARD], ids=["small", "board"])
async def test_an_answered_query_leaves_no_reference_cycles(
    client: httpx.AsyncClient, document: str
) -> None:
    # given a warmed-up app (its caches are filled once, on purpose)
    await gql_data(client, document)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        # when it answers the same query again
        await gql_data(client, document)
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        gc.enable()

    # then nothing it built waits for the cycle collector
    assert _ours(left) == Counter()
