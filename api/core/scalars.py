"""The wire formats of the date scalars, stated in the schema for typed clients."""

import dataclasses
import datetime as dt

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

# Strawberry's own parsing and serialising, with a description and a
# @specifiedBy URL that say exactly what travels on the wire.
DATE = dataclasses.replace(
    DateDefinition,
    description="A calendar day as an ISO 8601 / RFC 3339 `full-date` string, "
    "'YYYY-MM-DD' (e.g. '2025-01-27'); no time and no zone. Map it to a string "
    "(or a date-only type) in generated clients.",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
)
DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description="An instant as an RFC 3339 `date-time` string with its UTC offset, "
    "e.g. '2026-01-15T09:30:00.123456+00:00'. Map it to a string (or a date-time "
    "type) in generated clients.",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    dt.date: DATE,
    dt.datetime: DATE_TIME,
}
