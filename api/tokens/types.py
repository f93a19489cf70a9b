"""The viewer and API tokens as the schema shows them."""

from datetime import datetime

import strawberry

import models
from api.core.enums import TokenRole
from api.guards.auth import ViewerRole


@strawberry.type(description="Who the client is.")
class Viewer:
    name: str | None = strawberry.field(
        description="The token's name (recorded as `recordedBy` on writes); null "
        "when anonymous."
    )
    role: ViewerRole = strawberry.field(description="What the client may do.")


@strawberry.type(
    description="An API token. Its secret is shown only once, at creation."
)
class ApiToken:
    name: str = strawberry.field(description="Its unique name, never reused.")
    role: TokenRole = strawberry.field(description="What it may do.")
    created_at: datetime = strawberry.field(description="When it was created.")
    created_by: str = strawberry.field(
        description="Who created it: an admin token's name, or 'cli'."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked, or null while it works."
    )

    @classmethod
    def from_row(cls, row: models.ApiToken) -> "ApiToken":
        """Expose a stored token, never its digest."""
        return cls(
            name=row.name,
            role=row.role,
            created_at=row.created_at,
            created_by=row.created_by,
            revoked_at=row.revoked_at,
        )
