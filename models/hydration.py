"""Raw rows made into model instances as the ORM makes them, without its
keyword call: the conversions are looked up once per model and statement, then
each row is read by column name (a driver's row or a dictionary alike)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Generic, TypeVar

from tortoise.fields import DateField, DatetimeField
from tortoise.models import Model
from tortoise.timezone import get_default_timezone, get_use_tz

ModelT = TypeVar("ModelT", bound=Model)
# A column, the attribute it fills, and how its value is converted (None: as is).
Column = tuple[str, str, Callable[[Any], Any] | None]


@dataclass(frozen=True, slots=True)
class Hydration(Generic[ModelT]):
    """How rows of one model's table become instances of it."""

    model: type[ModelT]
    columns: tuple[Column, ...]
    custom_generated_pk: bool

    @classmethod
    def of(cls, model: type[ModelT]) -> "Hydration[ModelT]":
        """The ORM's own conversions for this model on the current database."""
        meta = model._meta
        columns: list[Column] = [
            (key, name, None) for key, name, _ in meta.db_native_fields
        ]
        columns += [
            (key, name, f.field_type) for key, name, f in meta.db_default_fields
        ]
        columns += [
            (key, name, converter_of(f)) for key, name, f in meta.db_complex_fields
        ]
        generated = meta.db_pk_column not in meta.generated_db_fields
        return cls(model, tuple(columns), generated)

    def __call__(self, row: Mapping[str, Any]) -> ModelT:
        """One instance, as `Model._init_from_db` would make it from this row."""
        instance = self.model.__new__(self.model)
        values = instance.__dict__
        values["_partial"] = False
        values["_saved_in_db"] = True
        values["_custom_generated_pk"] = self.custom_generated_pk
        values["_await_when_save"] = {}
        try:
            for key, name, convert in self.columns:
                value = row[key]
                values[name] = (
                    value if convert is None or value is None else convert(value)
                )
        except KeyError:
            return self.model._init_from_db(**dict(row))  # a partial row
        return instance


def hydrate(model: type[ModelT], row: Mapping[str, Any]) -> ModelT:
    """One raw row made into a model instance, converted as the ORM would."""
    return Hydration.of(model)(row)


def converter_of(field: Any) -> Callable[[Any], Any]:
    """The field's conversion; for an enum, its members looked up by value first;
    for an aware timestamp, moved to the configured zone at once; for a date or
    a timestamp stored as ISO text (SQLite), read by the standard library's
    parser first."""
    if isinstance(field, DatetimeField) and get_use_tz():
        return _to_zone(field.to_python_value, get_default_timezone())
    if isinstance(field, DateField) and not isinstance(field, DatetimeField):
        return _to_date(field.to_python_value)
    enum_type = getattr(field, "enum_type", None)
    members = getattr(enum_type, "_value2member_map_", None)
    if not isinstance(members, dict):
        return field.to_python_value  # type: ignore[no-any-return]
    convert = field.to_python_value

    def member(value: Any) -> Any:
        found = members.get(value, _NOT_A_VALUE)
        return convert(value) if found is _NOT_A_VALUE else found

    return member


_NOT_A_VALUE = object()


def _to_zone(convert: Callable[[Any], Any], zone: tzinfo) -> Callable[[Any], Any]:
    """A timestamp column's conversion: a driver's aware datetime, or ISO text
    with an offset, is moved to `zone` as the field would move it, without its
    checks; anything else (naive, other text, a number) goes through the field's
    own conversion."""

    def to_zone(value: Any) -> Any:
        if type(value) is datetime and value.tzinfo is UTC:
            return value.astimezone(zone)
        if type(value) is str:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return convert(value)
            if parsed.tzinfo is not None:
                return parsed.astimezone(zone)
        return convert(value)

    return to_zone


def _to_date(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A date column's conversion: ISO text (YYYY-MM-DD) read at once, anything
    else by the field's own conversion."""

    def to_date(value: Any) -> Any:
        if type(value) is str and len(value) == ISO_DATE_LENGTH:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        return convert(value)

    return to_date


ISO_DATE_LENGTH = 10
