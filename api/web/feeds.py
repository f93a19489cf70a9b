"""`/feeds/{relationship}.atom` and `/feeds/{relationship}/{issue}.atom`.

Newest first, at most FEED_LENGTH entries. Each answer carries a strong entity
tag (a digest of its exact bytes) and `Last-Modified` (its newest entry): the
conditional-GET middleware answers a reader's `If-None-Match` or
`If-Modified-Since` with 304. Where reads need a token, so do the feeds.
"""

import hashlib
from datetime import UTC
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.guards.auth import CHALLENGE, viewer_of_credentials
from api.settings import Settings
from api.web.atom import FeedHead, IssueUrl, document, feed_updated
from models.issue import Issue
from models.news import News, NewsScope, newest_news
from models.relationship import Relationship

FEED_LENGTH = 50
MEDIA_TYPE = "application/atom+xml; charset=utf-8"


class Feeds:
    """The feeds' endpoints, configured once per app."""

    def __init__(self, settings: Settings) -> None:
        self.public_read = settings.public_read
        self.board = settings.board

    async def relationship_feed(self, request: Request) -> Response:
        refusal = await self._refusal(request)
        if refusal is not None:
            return refusal
        relationship = await Relationship.get_or_none(
            slug=request.path_params["relationship"]
        )
        if relationship is None:
            return PlainTextResponse("No relationship has this slug.", 404)
        scope = NewsScope(relationship.pk)
        head = self._head(
            request, f"{relationship.name}: status updates and positions", relationship
        )
        return await self._answer(request, head, scope, relationship.slug)

    async def issue_feed(self, request: Request) -> Response:
        refusal = await self._refusal(request)
        if refusal is not None:
            return refusal
        issue = await Issue.get_or_none(
            relationship__slug=request.path_params["relationship"],
            slug=request.path_params["issue"],
        ).prefetch_related("relationship")
        if issue is None:
            return PlainTextResponse(
                "No issue of this relationship has this slug.", 404
            )
        head = self._head(
            request, f"{issue.title}: status updates and positions", issue.relationship
        )
        scope = NewsScope(issue.relationship_id, issue.pk)
        return await self._answer(request, head, scope, issue.relationship.slug)

    def _head(
        self, request: Request, title: str, relationship: Relationship
    ) -> FeedHead:
        base = str(request.base_url)
        return FeedHead(
            title=title,
            subtitle=f"Dated, sourced news of the {relationship.name} tracker.",
            self_url=str(request.url.replace(query="")),
            board_url=base if self.board else None,
            fallback_updated=relationship.created_at,
        )

    async def _answer(
        self, request: Request, head: FeedHead, scope: NewsScope, relationship: str
    ) -> Response:
        items: list[News] = await newest_news(scope, FEED_LENGTH)
        modified = feed_updated(head, items).astimezone(UTC).replace(microsecond=0)
        headers = {
            "Last-Modified": format_datetime(modified, usegmt=True),
            "Cache-Control": "public, max-age=0, must-revalidate"
            if self.public_read
            else "private, max-age=0, must-revalidate",
            "Vary": "Authorization",
        }
        body = document(head, items, IssueUrl(head.board_url, relationship))
        headers["ETag"] = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
        return Response(body, media_type=MEDIA_TYPE, headers=headers)

    async def _refusal(self, request: Request) -> Response | None:
        """401 where reads need a token and none (or a bad one) came."""
        header = request.headers.get("authorization")
        if header is None and self.public_read:
            return None
        if header is not None and await viewer_of_credentials(header) is not None:
            return None
        challenge = (
            CHALLENGE if header is None else f'{CHALLENGE}, error="invalid_token"'
        )
        return PlainTextResponse(
            "Reading this feed needs a token: send `Authorization: Bearer <token>`.",
            401,
            {"WWW-Authenticate": challenge},
        )
