"""`bilateral schema --possible-types`: what Apollo Client's possibleTypes takes."""

import json
from pathlib import Path

import pytest
from graphql import GraphQLInterfaceType, GraphQLUnionType, build_schema

from api.cli.main import main

SCHEMA_FILE = Path(__file__).parent.parent / "schema.graphql"


def test_possible_types_cover_every_abstract_type_of_the_committed_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schema", "--possible-types"]) == 0

    printed = json.loads(capsys.readouterr().out)
    committed = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    expected = {
        name: sorted(t.name for t in committed.get_possible_types(named))
        for name, named in committed.type_map.items()
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
        and not name.startswith("__")
    }
    assert printed == expected
    assert list(printed) == sorted(printed)


def test_user_errors_and_the_position_results_are_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["schema", "--possible-types"])

    printed = json.loads(capsys.readouterr().out)
    assert printed["UserError"] == [
        "NotFoundError",
        "ValidationError",
        "VersionConflictError",
    ]
    assert printed["PositionRecordResult"] == [
        "NotFoundError",
        "PositionRecordSuccess",
        "ValidationError",
        "VersionConflictError",
    ]
    assert "Position" in printed["Node"]


@pytest.mark.parametrize(
    ("name", "example"), [("Date", "'2025-01-27'"), ("DateTime", "+00:00")]
)
def test_the_date_scalars_state_their_wire_format(name: str, example: str) -> None:
    committed = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))

    scalar = committed.get_type(name)

    assert scalar is not None
    assert getattr(scalar, "specified_by_url", None) == (
        "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
    )
    assert example in (scalar.description or "")
