"""Who may call what: top-level UNAUTHENTICATED and FORBIDDEN errors.

Each permission is decided by the request context alone, so a mutation operation
is checked as a whole before its first field runs: an operation that names one
field the viewer may not call writes nothing at all.
"""

from collections.abc import Iterator
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry import Info
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.types.graphql import OperationType

from api.core.errors import ErrorCode
from api.core.relay import article
from api.guards.auth import Viewer
from models.enums import TokenRole

HOW_TO_AUTHENTICATE = "Send `Authorization: Bearer <secret>`."
DEFINITION = "strawberry-definition"


class ReadPolicy(Protocol):
    """What a permission reads of the app's services (api.context.Services)."""

    @property
    def public_read(self) -> bool: ...


class PermissionContext(Protocol):
    """What a permission reads of the request context (api.context.Context)."""

    viewer: Viewer

    @property
    def services(self) -> ReadPolicy: ...


class AuthorizationError(GraphQLError):
    """A top-level error saying who may do this."""

    def __init__(self, code: str, message: str, **kwargs: Any) -> None:
        super().__init__(message, extensions={"code": code}, **kwargs)


class ContextPermission(BasePermission):
    """A permission decided by the request context alone."""

    @classmethod
    def check(cls, context: PermissionContext) -> None:
        """Raise AuthorizationError unless the viewer may go on."""
        raise NotImplementedError

    def has_permission(
        self, source: Any, info: Info[PermissionContext], **kwargs: Any
    ) -> bool:
        self.check(info.context)
        return True


class CanRead(ContextPermission):
    """Reads are public unless BILATERAL_PUBLIC_READ=false; then any token reads."""

    @classmethod
    def check(cls, context: PermissionContext) -> None:
        if context.services.public_read or not context.viewer.is_anonymous:
            return
        raise AuthorizationError(
            ErrorCode.UNAUTHENTICATED,
            f"Reading needs a token here. {HOW_TO_AUTHENTICATE}",
        )


class CanWrite(ContextPermission):
    """Mutations need an editor or an admin token."""

    @classmethod
    def check(cls, context: PermissionContext) -> None:
        _require(context, {TokenRole.EDITOR, TokenRole.ADMIN}, "editor or admin")


class IsAdmin(ContextPermission):
    """Managing tokens needs an admin token."""

    @classmethod
    def check(cls, context: PermissionContext) -> None:
        _require(context, {TokenRole.ADMIN}, "admin")


READ: list[type[BasePermission]] = [CanRead]
WRITE: list[type[BasePermission]] = [CanWrite]
ADMIN: list[type[BasePermission]] = [IsAdmin]


class AuthorizeMutations(SchemaExtension):
    """Refuse a whole mutation operation when any of its fields is not allowed."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.MUTATION:
            try:
                self._check_every_field()
            except AuthorizationError as error:
                context.result = ExecutionResult(data=None, errors=[error])
        yield

    def _check_every_field(self) -> None:
        context = self.execution_context
        assert context.graphql_document is not None
        mutation_type = context.schema._schema.mutation_type
        assert mutation_type is not None
        for node in _root_fields(context.graphql_document, context.operation_name):
            field = mutation_type.fields.get(node.name.value)
            definition = field.extensions.get(DEFINITION) if field else None
            for permission in getattr(definition, "permission_classes", []):
                if issubclass(permission, ContextPermission):
                    _check_at(permission, context.context, node)


def _check_at(
    permission: type[ContextPermission], context: PermissionContext, node: FieldNode
) -> None:
    try:
        permission.check(context)
    except AuthorizationError as error:
        key = (node.alias or node.name).value
        raise AuthorizationError(
            str((error.extensions or {})["code"]),
            error.message,
            nodes=[node],
            path=[key],
        ) from None


def _root_fields(document: DocumentNode, name: str | None) -> Iterator[FieldNode]:
    operations = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    chosen = next(
        (o for o in operations if name is None or (o.name and o.name.value == name)),
        None,
    )
    if chosen is not None:
        yield from _fields_of(chosen.selection_set, document)


def _fields_of(
    selections: SelectionSetNode, document: DocumentNode
) -> Iterator[FieldNode]:
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields_of(selection.selection_set, document)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields_of(fragment.selection_set, document)


def _require(context: PermissionContext, roles: set[TokenRole], least: str) -> None:
    viewer = context.viewer
    if viewer.role is None:
        raise AuthorizationError(
            ErrorCode.UNAUTHENTICATED,
            f"This needs {article(least)} {least} token. {HOW_TO_AUTHENTICATE}",
        )
    if viewer.role not in roles:
        raise AuthorizationError(
            ErrorCode.FORBIDDEN,
            f"The token '{viewer.name}' has the role {viewer.role.value}; "
            f"this needs {article(least)} {least} token.",
        )
