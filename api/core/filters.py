"""Checks shared by the list filters."""

from datetime import UTC, datetime

from api.core.errors import BadUserInputError

MAX_SEARCH_LENGTH = 200


def checked_search(search: str | None) -> str | None:
    """A `search` text, refused when longer than any title or summary query needs."""
    if search is not None and len(search) > MAX_SEARCH_LENGTH:
        raise BadUserInputError(
            f"`search` is limited to {MAX_SEARCH_LENGTH} characters.", argument="filter"
        )
    return search


def in_utc(moment: datetime | None) -> datetime | None:
    """A moment given without a time zone is read as UTC, the API's zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
