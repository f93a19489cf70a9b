"""Checks on write inputs: each returns the cleaned value or raises InvalidInputError.

They are pure (no database); rules that need stored rows live in the operations.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from models.errors import InvalidInputError, UserErrorCode
from models.partial_date import PartialDate, PartialDateFormatError

SLUG_MAX = 100
TITLE_MAX = 200
SUMMARY_MAX = 10_000
NOTE_MAX = 2_000
URL_MAX = 2_048
SOURCE_TITLE_MAX = 500
PUBLISHER_MAX = 300
# NUL and the other C0/C1 controls, except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Half of a UTF-16 pair, alone: no database can store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_FIELD_NAMES = {"occurred_on": "date", "held_on": "date", "source.url": "source URL"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The date is "in the future" only once it has begun nowhere on Earth (UTC+14).
_EARLIEST_ZONE_AHEAD = timedelta(hours=14)


@dataclass(frozen=True)
class Source:
    """Where a fact was reported."""

    url: str
    title: str | None = None
    publisher: str | None = None


def clean_text(value: str, field: str, maximum: int, *, required: bool = True) -> str:
    """Trimmed text of at most `maximum` characters; blank refused when required."""
    text = value.strip()
    if required and not text:
        raise InvalidInputError(
            field, f"The {label(field)} must not be blank.", UserErrorCode.REQUIRED
        )
    if len(text) > maximum:
        raise InvalidInputError(
            field,
            f"The {label(field)} is limited to {maximum:,} characters; "
            f"{len(text):,} given.",
            UserErrorCode.TOO_LONG,
        )
    if _CONTROL.search(text):
        raise InvalidInputError(
            field, f"The {label(field)} must not contain control characters."
        )
    if _LONE_SURROGATE.search(text):
        raise InvalidInputError(
            field,
            f"The {label(field)} is not valid text: it has an unpaired surrogate.",
        )
    return text


def label(field: str) -> str:
    """How a message names a field: "source.url" is "source url", "tags[2]" "tag 3"."""
    if field in _FIELD_NAMES:
        return _FIELD_NAMES[field]
    words = field.replace(".", " ").replace("_", " ")
    indexed = re.fullmatch(r"(.*?)s?\[(\d+)\]", words)
    if indexed:
        words = f"{indexed.group(1)} {int(indexed.group(2)) + 1}"
    return words


def clean_optional_text(value: str | None, field: str, maximum: int) -> str | None:
    """Trimmed text, or None when absent or blank."""
    if value is None:
        return None
    return clean_text(value, field, maximum, required=False) or None


def clean_slug(value: str, field: str = "slug") -> str:
    """Lowercase letters and digits in words joined by single hyphens."""
    slug = clean_text(value, field, SLUG_MAX)
    if not _SLUG.match(slug):
        raise InvalidInputError(
            field,
            f"'{slug[:SLUG_MAX]}' is not a slug: use lowercase letters, digits and "
            "single hyphens between words, e.g. 'direct-flights'.",
        )
    return slug


def latest_today() -> date:
    """The latest calendar date anywhere on Earth right now."""
    return (datetime.now(UTC) + _EARLIEST_ZONE_AHEAD).date()


def clean_past_date(text: str, field: str) -> PartialDate:
    """A partial date ("2025-10-26", "2025-10", "2025") that has already begun."""
    if not text.strip():
        raise InvalidInputError(
            field, f"The {label(field)} must not be blank.", UserErrorCode.REQUIRED
        )
    try:
        day = PartialDate.parse(text.strip())
    except PartialDateFormatError as error:
        raise InvalidInputError(field, str(error)) from None
    if day.first_day > latest_today():
        raise InvalidInputError(
            field, f"{day.text} is in the future.", UserErrorCode.IN_FUTURE
        )
    return day


def clean_source(source: Source | None, field: str = "source") -> Source | None:
    """A source whose URL is an absolute http(s) address."""
    if source is None:
        return None
    url = clean_text(source.url, f"{field}.url", URL_MAX)
    if not _is_web_address(url):
        raise InvalidInputError(
            f"{field}.url", "The source URL must be an absolute http or https address."
        )
    return Source(
        url=url,
        title=clean_optional_text(source.title, f"{field}.title", SOURCE_TITLE_MAX),
        publisher=clean_optional_text(
            source.publisher, f"{field}.publisher", PUBLISHER_MAX
        ),
    )


def _is_web_address(url: str) -> bool:
    if any(char.isspace() or not char.isprintable() for char in url):
        return False
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def source_columns(source: Source | None) -> dict[str, str | None]:
    """The source_url, source_title and source_publisher columns of a row."""
    return {
        "source_url": source.url if source else None,
        "source_title": source.title if source else None,
        "source_publisher": source.publisher if source else None,
    }


def country_codes(codes: list[str]) -> list[str]:
    """Country codes trimmed, upper-cased, sorted and each once."""
    return sorted({code.strip().upper() for code in codes})


def clean_countries(codes: list[str], allowed: list[str], field: str) -> list[str]:
    """Country codes of the relationship, upper-cased, each once."""
    cleaned = country_codes(codes)
    outsiders = [code for code in cleaned if code not in allowed]
    if outsiders:
        raise InvalidInputError(
            field,
            f"{_listed(outsiders)} {_is_not_a_country(len(outsiders))} of this "
            f"relationship; use {_listed(allowed, 'or')}.",
            UserErrorCode.NOT_IN_RELATIONSHIP,
        )
    return cleaned


def clean_list(values: list[str], field: str, maximum: int, item_max: int) -> list[str]:
    """Trimmed non-blank strings, at most `maximum` of them."""
    if len(values) > maximum:
        raise InvalidInputError(
            field,
            f"At most {maximum} values are allowed; {len(values)} given.",
            UserErrorCode.TOO_MANY,
        )
    return [
        clean_text(value, f"{field}[{index}]", item_max)
        for index, value in enumerate(values)
    ]


def _listed(words: list[str], conjunction: str = "and") -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _is_not_a_country(count: int) -> str:
    return "is not a country" if count == 1 else "are not countries"
