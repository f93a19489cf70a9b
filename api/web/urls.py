"""Where things live on the web face: the board's view of an issue and the feeds.

The board reads the same query parameters (web/src/board/view.ts); the default
relationship is left out of its URLs, as the board leaves it out.
"""

from urllib.parse import urlencode

DEFAULT_RELATIONSHIP = "india-china"


def feed_path(relationship: str, issue: str | None = None) -> str:
    """The path of a relationship's feed, or of one of its issues' feed."""
    if issue is None:
        return f"/feeds/{relationship}.atom"
    return f"/feeds/{relationship}/{issue}.atom"


def board_issue_url(board_url: str, relationship: str, issue: str) -> str:
    """The board at `board_url` (its root, with a slash) opened on an issue."""
    params = (
        {} if relationship == DEFAULT_RELATIONSHIP else {"relationship": relationship}
    )
    return f"{board_url}?{urlencode({**params, 'issue': issue})}"
