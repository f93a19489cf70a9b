"""Events: the messages operations publish after their transaction commits.

"History" is the table; an event only says which rows changed, so a subscriber
that missed one can read what it needs from the tables.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from models.enums import EventKind

logger = logging.getLogger("bilateral.events")


@dataclass(frozen=True)
class Event:
    """A change that has been committed; `position` is its update-feed position."""

    kind: EventKind
    issue_id: int | None = None
    update_id: int | None = None
    meeting_id: int | None = None
    position_id: int | None = None
    version: int | None = None
    position: int | None = None
    token_name: str | None = None
    # The feed entry at `position` was announced on the feed's channel by the
    # database as the write committed (models.feed.announced_on_commit).
    announced: bool = False


class Publish(Protocol):
    """Sends an event on; the app passes its event bus, seeds and scripts a no-op."""

    async def __call__(self, event: Event) -> None: ...


async def discard(event: Event) -> None:
    """A publisher that sends nothing."""


async def publish_committed(publish: Publish, event: Event) -> None:
    """Publish after commit: a failure is logged, never undoes the write."""
    try:
        await publish(event)
    except Exception:
        logger.exception("Publishing %s failed; the change is stored", event)
