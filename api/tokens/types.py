"""The viewer and API tokens as the schema shows them."""

from datetime import datetime
from enum import Enum

import strawberry

import models
from api.core.enums import TokenRole
from api.guards.auth import Viewer


@strawberry.enum(description="Who the client is, as far as the API can tell.")
class ViewerRole(Enum):
    """A token's role, or ANONYMOUS: how the schema shows `Viewer.role`."""

    ANONYMOUS = strawberry.enum_value(
        "ANONYMOUS", description="No token was sent: public reads only."
    )
    READER = strawberry.enum_value("READER", description="A reader token.")
    EDITOR = strawberry.enum_value(
        "EDITOR", description="An editor token: reads and mutations."
    )
    ADMIN = strawberry.enum_value(
        "ADMIN", description="An admin token: also manages tokens."
    )


@strawberry.type(name="Viewer", description="Who the client is.")
class ViewerProfile:
    """The request's viewer (api.guards.auth.Viewer) as the schema shows it."""

    name: str | None = strawberry.field(
        description="The token's name (recorded as `recordedBy` on writes); null "
        "when anonymous."
    )
    role: ViewerRole = strawberry.field(description="What the client may do.")

    @classmethod
    def of(cls, viewer: Viewer) -> "ViewerProfile":
        """Show who is asking; no token is ANONYMOUS."""
        if viewer.role is None:
            return cls(name=viewer.name, role=ViewerRole.ANONYMOUS)
        return cls(name=viewer.name, role=ViewerRole[viewer.role.name])


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
