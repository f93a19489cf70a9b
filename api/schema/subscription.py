"""The root subscription type: live status updates and positions."""

import strawberry

from api.guards.permissions import READ
from api.positions.subscriptions import positions
from api.status_updates.subscriptions import status_updates


@strawberry.type(
    description="Live changes, pushed over the graphql-transport-ws protocol on "
    "/graphql."
)
class Subscription:
    status_updates = strawberry.subscription(
        resolver=status_updates,
        permission_classes=READ,
        description="Every status update as soon as it is recorded, and every "
        "retraction (the update again, with `retractedAt` set), in the order they "
        "were committed. With `after`, first replays what happened since that update "
        "was recorded, then goes live with no gap and no repeat.",
    )
    positions = strawberry.subscription(
        resolver=positions,
        permission_classes=READ,
        description="Every position as soon as it is recorded, and every retraction "
        "(the position again, with `retractedAt` set), in the order they were "
        "committed. With `after`, first replays what happened since that position "
        "was recorded, then goes live with no gap and no repeat.",
    )
