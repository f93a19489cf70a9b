"""Serving a benchmark's own app as `bilateral serve` serves the API: the same
uvicorn options (`api.transport.server.server_config`), read from the same
environment variables."""

from collections.abc import Callable
from typing import Any

from api.settings import Settings
from api.transport.server import run, server_config

HOST = "127.0.0.1"


def serve(app_for: Callable[[str], Any], port: int) -> None:
    """Build the app for the configured database, then serve it until stopped."""
    settings = Settings.from_environment()
    app = app_for(settings.database_url)
    run(server_config(settings, app, HOST, port))
