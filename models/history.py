"""The rule that turns a history into a current status.

The current status is that of the latest non-retracted update ordered by
(occurred_on, id): a partial date takes effect at its first day, and ties fall to
the order in which updates were recorded.
"""

from collections.abc import Sequence

from models.enums import IssueStatus
from models.status_update import StatusUpdate


def derive_status(
    updates_in_recorded_order: Sequence[StatusUpdate],
) -> IssueStatus | None:
    """The status in effect after these updates, or None when none counts."""
    live = [
        (update.occurred_on, position, update.status)
        for position, update in enumerate(updates_in_recorded_order)
        if update.retracted_at is None
    ]
    if not live:
        return None
    return max(live)[2]


async def current_status(issue_id: int) -> IssueStatus | None:
    """The same rule as derive_status, read from the table in one statement."""
    latest = (
        await StatusUpdate.filter(issue_id=issue_id, retracted_at__isnull=True)
        .order_by("-occurred_on", "-id")
        .only("id", "status")
        .first()
    )
    return latest.status if latest else None
