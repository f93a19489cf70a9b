"""Atom documents (RFC 4287) of a scope's news, written with the standard library.

Each entry is one status update as it stands now: recorded (published), perhaps
retracted since (updated). It links to the issue on the board and to its source.
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
from models.news import StatusNews
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


@dataclass(frozen=True)
class FeedHead:
    """What the feed says of itself."""

    title: str
    subtitle: str
    self_url: str
    board_url: str | None
    fallback_updated: datetime


def feed_updated(head: FeedHead, items: Sequence[StatusNews]) -> datetime:
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


def document(
    head: FeedHead, items: Sequence[StatusNews], issue_url: "IssueUrl"
) -> bytes:
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
        feed.append(_entry(item, issue_url(item.issue.slug)))
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


def _entry(item: StatusNews, issue_url: str | None) -> ET.Element:
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
    if issue_url is not None:
        _add(entry, "link", rel="alternate", type="text/html", href=issue_url)
    if update.source_url:
        _add(
            entry,
            "link",
            rel="related",
            href=update.source_url,
            title=update.source_publisher or update.source_title or update.source_url,
        )
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
