"""Who may call what: top-level UNAUTHENTICATED and FORBIDDEN errors."""

from typing import Any

from graphql import GraphQLError
from strawberry import Info
from strawberry.permission import BasePermission

from api.auth import FORBIDDEN, UNAUTHENTICATED, ViewerRole
from api.context import Context

HOW_TO_AUTHENTICATE = "Send `Authorization: Bearer <secret>`."


class AuthorizationError(GraphQLError):
    """A top-level error saying who may do this."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})


class CanRead(BasePermission):
    """Reads are public unless BILATERAL_PUBLIC_READ=false; then any token reads."""

    def has_permission(self, source: Any, info: Info[Context], **kwargs: Any) -> bool:
        context = info.context
        if context.public_read or context.viewer.role is not ViewerRole.ANONYMOUS:
            return True
        raise AuthorizationError(
            UNAUTHENTICATED, f"Reading needs a token here. {HOW_TO_AUTHENTICATE}"
        )


class CanWrite(BasePermission):
    """Mutations need an editor or an admin token."""

    def has_permission(self, source: Any, info: Info[Context], **kwargs: Any) -> bool:
        return _require(
            info.context, {ViewerRole.EDITOR, ViewerRole.ADMIN}, "editor or admin"
        )


class IsAdmin(BasePermission):
    """Managing tokens needs an admin token."""

    def has_permission(self, source: Any, info: Info[Context], **kwargs: Any) -> bool:
        return _require(info.context, {ViewerRole.ADMIN}, "admin")


def _require(context: Context, roles: set[ViewerRole], least: str) -> bool:
    viewer = context.viewer
    if viewer.role is ViewerRole.ANONYMOUS:
        raise AuthorizationError(
            UNAUTHENTICATED,
            f"This needs {_article(least)} {least} token. {HOW_TO_AUTHENTICATE}",
        )
    if viewer.role not in roles:
        raise AuthorizationError(
            FORBIDDEN,
            f"The token '{viewer.name}' has the role {viewer.role.value}; "
            f"this needs {_article(least)} {least} token.",
        )
    return True


READ: list[type[BasePermission]] = [CanRead]
WRITE: list[type[BasePermission]] = [CanWrite]
ADMIN: list[type[BasePermission]] = [IsAdmin]


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"
