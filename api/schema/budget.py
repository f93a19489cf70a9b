"""The `rateLimit` field: what the operation cost and what is left of the budget."""

from datetime import UTC, datetime

import strawberry

from api.context import Context


@strawberry.type(
    description="What this operation was charged and what is left of the client's "
    "budget of points a minute (GitHub's shape). An operation costs one point per "
    "100 nodes it may return, at least 1; a mutation 10 more; see the README."
)
class RateLimit:
    cost: int = strawberry.field(
        description="The points this operation was charged, before it ran."
    )
    node_count: int = strawberry.field(
        description="The most nodes it may return, as priced: connection page sizes "
        "multiplied down and summed, plus the schema objects introspection selects."
    )
    limit: int | None = strawberry.field(
        description="The budget in points a minute; null when the service runs "
        "without a rate limit."
    )
    used: int | None = strawberry.field(
        description="The points spent in the current window, this operation "
        "included; null without a rate limit."
    )
    remaining: int | None = strawberry.field(
        description="The points left in the current window; null without a rate limit."
    )
    reset_at: datetime | None = strawberry.field(
        description="When the current window ends and the budget is whole again; "
        "null without a rate limit."
    )


def rate_limit(info: strawberry.Info[Context]) -> RateLimit | None:
    charge, price = info.context.charge, info.context.price
    if charge is None or price is None:
        return None
    limited = charge.limit > 0
    return RateLimit(
        cost=charge.cost,
        node_count=price.nodes + price.introspection_nodes,
        limit=charge.limit if limited else None,
        used=charge.used if limited else None,
        remaining=charge.remaining if limited else None,
        reset_at=datetime.fromtimestamp(charge.reset_at, UTC) if limited else None,
    )
