"""Atom documents (RFC 4287) of a scope's news, written with the standard library.

Each entry is one status update or stated position as it stands now: recorded
(published), perhaps retracted since (updated). It links to the issue on the board
and to its source.
Entry ids are `urn:uuid` names derived from the update's global id, so they stay
the same whatever host serves the feed.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from xml.etree import ElementTree as ET

from api.core.relay import global_id
from api.web.urls import board_issue_url
from models.news import News, PositionNews, StatusNews
from models.status_update import StatusUpdate

ATOM = "http://www.w3.org/2005/Atom"
# Entry ids: uuid5 names in a namespace of this tracker's own.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:bilateral-tracker")
STATUS_WORDS = {
    "PROPOSED": "Proposed",
    "UNDER_DISCUSSION": "Under discussion",
    "AGREED_IN_PRINCIPLE": "Agreed in principle",
    "IN_PROGRESS": "In progress",
    "RESOLVED": "Resolved",
    "SUSPENDED": "Suspended",
    "STALLED": "Stalled",
}
COUNTRY_NAMES = {"IN": "India", "CN": "China"}


@dataclass(frozen=True)
class FeedHead:
    """What the feed says of itself."""

    title: str
    subtitle: str
    self_url: str
    board_url: str | None
    fallback_updated: datetime


def feed_updated(head: FeedHead, items: Sequence[News]) -> datetime:
    """The feed's `updated`: its newest entry's (or the scope's creation)."""
    return max((item.updated_at for item in items), default=head.fallback_updated)


def timestamp(moment: datetime) -> str:
    """An RFC 3339 date-time in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_id(kind: str, pk: int) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, global_id(kind, pk))}"


def _add(
    parent: ET.Element, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def document(head: FeedHead, items: Sequence[News], issue_url: "IssueUrl") -> bytes:
    """The whole feed, newest entry first, as UTF-8 bytes."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    _add(feed, "id", head.self_url)
    _add(feed, "title", head.title)
    _add(feed, "subtitle", head.subtitle)
    _add(feed, "updated", timestamp(feed_updated(head, items)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=head.self_url)
    if head.board_url is not None:
        _add(feed, "link", rel="alternate", type="text/html", href=head.board_url)
    author = _add(feed, "author")
    _add(author, "name", "bilateral tracker")
    _add(feed, "generator", "bilateral")
    for item in items:
        link = issue_url(item.issue.slug)
        if isinstance(item, StatusNews):
            feed.append(_update_entry(item, link))
        else:
            feed.append(_position_entry(item, link))
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


class IssueUrl:
    """Where an entry's issue can be read: the board, or (board off) nowhere."""

    def __init__(self, board_url: str | None, relationship: str) -> None:
        self.board_url = board_url
        self.relationship = relationship

    def __call__(self, slug: str) -> str | None:
        if self.board_url is None:
            return None
        return board_issue_url(self.board_url, self.relationship, slug)


def _update_entry(item: StatusNews, issue_url: str | None) -> ET.Element:
    update = item.update
    entry = ET.Element("entry")
    status = STATUS_WORDS[update.status.value]
    retracted = " (retracted)" if update.retracted_at else ""
    _add(entry, "id", entry_id("StatusUpdate", update.pk))
    _add(entry, "title", f"{item.issue.title}: {status}{retracted}")
    _add(entry, "updated", timestamp(item.updated_at))
    _add(entry, "published", timestamp(update.recorded_at))
    author = _add(entry, "author")
    _add(author, "name", update.recorded_by)
    _add(entry, "category", term="status-update", label="Status update")
    _add(entry, "category", term=update.status.value, label=status)
    _links(entry, issue_url, update.source_url, update.source_publisher)
    _add(entry, "summary", _summary(item), type="text")
    _add(entry, "content", _content(item), type="html")
    return entry


def _summary(item: StatusNews) -> str:
    update = item.update
    return f"{update.occurred.text}: {update.note}"


def _content(item: StatusNews) -> str:
    """The entry's body as escaped HTML: what changed, the note, the source."""
    update: StatusUpdate = item.update
    change = STATUS_WORDS[update.status.value]
    if item.previous_status is not None and item.previous_status != update.status:
        change = f"{STATUS_WORDS[item.previous_status.value]} → {change}"
    parts = [
        f"<p><strong>{escape(change)}</strong> · {escape(update.occurred.text)}</p>",
        f"<p>{escape(update.note)}</p>",
    ]
    if update.source_url:
        name = update.source_publisher or update.source_title or update.source_url
        parts.append(
            f'<p>Source: <a href="{escape(update.source_url)}">{escape(name)}</a></p>'
        )
    if not update.verified:
        parts.append("<p><em>Not yet checked against its source.</em></p>")
    if update.retracted_at:
        reason = escape(update.retraction_reason or "no reason given")
        parts.append(f"<p><strong>Retracted</strong>: {reason}</p>")
    return "".join(parts)


def _links(
    entry: ET.Element, issue_url: str | None, source: str | None, publisher: str | None
) -> None:
    """The entry's issue on the board (alternate) and its source (related)."""
    if issue_url is not None:
        _add(entry, "link", rel="alternate", type="text/html", href=issue_url)
    if source:
        _add(entry, "link", rel="related", href=source, title=publisher or source)


def _position_entry(item: PositionNews, issue_url: str | None) -> ET.Element:
    position = item.position
    country = COUNTRY_NAMES.get(position.country, position.country)
    entry = ET.Element("entry")
    retracted = " (retracted)" if position.retracted_at else ""
    _add(entry, "id", entry_id("Position", position.pk))
    _add(entry, "title", f"{item.issue.title}: {country}'s position{retracted}")
    _add(entry, "updated", timestamp(item.updated_at))
    _add(entry, "published", timestamp(position.recorded_at))
    author = _add(entry, "author")
    _add(author, "name", position.recorded_by)
    _add(entry, "category", term="position", label="Stated position")
    _add(entry, "category", term=position.country, label=country)
    _links(entry, issue_url, position.source_url, position.source_publisher)
    summary = f"{position.stated.text}: {position.speaker}: {position.statement}"
    _add(entry, "summary", summary, type="text")
    _add(entry, "content", _position_content(item, country), type="html")
    return entry


def _position_content(item: PositionNews, country: str) -> str:
    """What was said, by whom and when, the words themselves, and the source."""
    position = item.position
    name = position.source_publisher or position.source_title or position.source_url
    parts = [
        f"<p><strong>{escape(position.speaker)}</strong> ({escape(country)}), "
        f"{escape(position.stated.text)}</p>",
        f"<p>{escape(position.statement)}</p>",
    ]
    if position.quote:
        parts.append(f"<blockquote>{escape(position.quote)}</blockquote>")
    parts.append(
        f'<p>Source: <a href="{escape(position.source_url)}">{escape(name)}</a></p>'
    )
    if not position.verified:
        parts.append("<p><em>Not yet checked against its source.</em></p>")
    if position.retracted_at:
        reason = escape(position.retraction_reason or "no reason given")
        parts.append(f"<p><strong>Retracted</strong>: {reason}</p>")
    return "".join(parts)
