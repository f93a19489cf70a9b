"""An operation is priced once per document, operation and variables."""

from typing import Any

import pytest

import api.guards.cost as cost
import api.guards.parsing as parsing
from api.guards.limits import Limits
from api.guards.parsing import Admitted, Documents
from api.schema.build import schema

BOARD = """
query Board($first: Int!) {
  issues(first: $first) { nodes { slug updates(first: 3) { nodes { note } } } }
}
"""


@pytest.fixture
def priced(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The variables of every operation actually priced."""
    seen: list[dict[str, Any]] = []
    real = cost.price_of

    def counting(*args: Any) -> Any:
        seen.append(args[3])
        return real(*args)

    monkeypatch.setattr(parsing, "price_of", counting)
    return seen


def admit(documents: Documents, variables: dict[str, Any]) -> Admitted:
    admitted = documents.admit(BOARD, None, variables)
    assert isinstance(admitted, Admitted), admitted
    return admitted


def test_the_same_variables_are_priced_once(priced: list[dict[str, Any]]) -> None:
    documents = Documents(schema._schema, Limits(), introspection=True)

    prices = [admit(documents, {"first": 10}).price for _ in range(5)]

    assert priced == [{"first": 10}]
    assert len(set(prices)) == 1


def test_other_variables_are_priced_again_and_priced_right(
    priced: list[dict[str, Any]],
) -> None:
    documents = Documents(schema._schema, Limits(), introspection=True)

    small = admit(documents, {"first": 2}).price
    large = admit(documents, {"first": 50}).price
    again = admit(documents, {"first": 2}).price

    assert priced == [{"first": 2}, {"first": 50}]
    assert small == again
    assert (small.nodes, large.nodes) == (2 + 2 * 3, 50 + 50 * 3)
