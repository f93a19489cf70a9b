"""The committed SDL is the contract: it matches the code and documents everything."""

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from api.schema.build import schema, schema_sdl

SCHEMA_FILE = Path(__file__).parent.parent / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `bilateral schema > schema.graphql`"
    )


def _undocumented() -> list[str]:
    missing: list[str] = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLEnumType):
            missing += [
                f"{name}.{v}" for v, d in kind.values.items() if not d.description
            ]
        if isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, definition in field.args.items()
                    if not definition.description
                ]
        if isinstance(kind, GraphQLInputObjectType):
            missing += [
                f"{name}.{f}" for f, d in kind.fields.items() if not d.description
            ]
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert _undocumented() == []
