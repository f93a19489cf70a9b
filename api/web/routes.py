"""The web face's routes, as the app mounts them."""

from starlette.routing import BaseRoute, Mount, Route

from api.settings import Settings
from api.web.assets import Assets
from api.web.feeds import Feeds
from api.web.pages import board_page


def web_routes(settings: Settings) -> list[BaseRoute]:
    """The board (unless BILATERAL_BOARD=false), the pages' assets and the feeds."""
    feeds = Feeds(settings)
    routes: list[BaseRoute] = [
        Route("/feeds/{relationship}.atom", feeds.relationship_feed, methods=["GET"]),
        Route("/feeds/{relationship}/{issue}.atom", feeds.issue_feed, methods=["GET"]),
    ]
    if settings.board or settings.graphiql:
        routes.append(Mount("/assets", Assets(), name="assets"))
    if settings.board:
        routes.append(Route("/", board_page(settings), methods=["GET"]))
    return routes
