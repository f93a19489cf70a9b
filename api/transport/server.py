"""How uvicorn serves the app: the one place its options are set from Settings.

`bilateral serve` (one worker or several) and the tests that drive a real server all
build their server here, so what is tested is what runs:

- a connection whose request headers are not complete within
  `header_timeout_seconds` of its first byte (or of being opened) is closed, so a
  slow client (slowloris) cannot hold a connection by trickling headers;
- an idle keep-alive connection is closed after uvicorn's `timeout_keep_alive`;
- a process holds at most `max_connections` connections, HTTP and WebSocket
  together; a request beyond that gets 503 and a WebSocket handshake beyond it too;
- uvicorn's own `X-Forwarded-For` handling is off: the app decides whom to trust
  (`api.app`, from `BILATERAL_TRUSTED_PROXIES`), however it is served.
"""

import asyncio
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState
from uvicorn.supervisors import Multiprocess

from api.observability.multiprocess import forget_process
from api.settings import Settings

KEEP_ALIVE_SECONDS = 5
SERVICE_UNAVAILABLE_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 19\r\nconnection: close\r\n\r\nService Unavailable"
)


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration, plus the header timeout our protocol reads."""

    def __init__(
        self, app: Any, *, header_timeout_seconds: float, **options: Any
    ) -> None:
        super().__init__(app, **options)
        self.header_timeout_seconds = header_timeout_seconds


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, closing connections whose headers are too slow.

    The timer starts when the connection opens and when a new request's first byte
    arrives, and stops when its headers are complete; it is not restarted by each
    byte, so trickling headers does not keep a connection.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout = getattr(config, "header_timeout_seconds", 10.0)
        self.header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_header_timer()

    def on_headers_complete(self) -> None:
        self._stop_header_timer()
        super().on_headers_complete()

    def handle_websocket_upgrade(self) -> None:
        # uvicorn checks its connection limit for HTTP requests only.
        limit = self.limit_concurrency
        if limit is not None and len(self.connections) >= limit:
            self.logger.warning("Exceeded the connection limit; WebSocket refused.")
            self.transport.write(SERVICE_UNAVAILABLE_RESPONSE)
            self.transport.close()
            return
        super().handle_websocket_upgrade()

    def _start_header_timer(self) -> None:
        if self.header_timer is None:
            self.header_timer = self.loop.call_later(
                self.header_timeout, self._headers_too_slow
            )

    def _stop_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self) -> None:
        self.header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


class Server(uvicorn.Server):
    """uvicorn's server, saying where GraphiQL is once it listens."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            announce(self.config.host, self.port)

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, when asked for 0)."""
        return int(self.servers[0].sockets[0].getsockname()[1])


def announce(host: str, port: int) -> None:
    """Print where the API is served (the root path is a 404)."""
    shown = f"[{host}]" if ":" in host else host
    print(f"bilateral: serving GraphQL and GraphiQL at http://{shown}:{port}/graphql")
    sys.stdout.flush()


def server_config(
    settings: Settings, app: Any, host: str, port: int, workers: int = 1
) -> ServerConfig:
    """The uvicorn configuration for `app` (an app, or an import string of a factory).

    uvicorn answers 503 once the connections *including the new one* reach its
    `limit_concurrency`, hence one more than the connections we admit.
    """
    return ServerConfig(
        app,
        factory=isinstance(app, str),
        host=host,
        port=port,
        workers=workers,
        http=HeaderTimeoutProtocol,
        header_timeout_seconds=settings.header_timeout_seconds,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        limit_concurrency=settings.max_connections + 1,
        proxy_headers=False,
        log_level=settings.log_level.lower(),
        # Our handler formats every line (api.observability.logs), and each GraphQL
        # request gets a line of its own, richer than uvicorn's access line.
        log_config=None,
        access_log=False,
    )


class Workers(Multiprocess):
    """uvicorn's worker supervisor, forgetting the live metrics of a dead worker
    (its connections and pool) when it replaces it."""

    def keep_subprocess_alive(self) -> None:
        before = {process.pid for process in self.processes}
        super().keep_subprocess_alive()
        after = {process.pid for process in self.processes}
        for pid in before - after:
            if pid is not None:
                forget_process(pid)


class ListenError(OSError):
    """The address cannot be listened on (in use, not ours, not an address)."""


def listen(config: uvicorn.Config) -> socket.socket:
    """A listening socket for the configured host and port, or a ListenError."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
        sock.listen(config.backlog)
    except (OSError, OverflowError) as error:
        sock.close()
        reason = getattr(error, "strerror", None) or str(error)
        raise ListenError(
            f"cannot listen on {config.host}:{config.port}: {reason}"
        ) from None
    sock.set_inheritable(True)
    return sock


def run(config: ServerConfig, sock: socket.socket | None = None) -> None:
    """Serve until stopped: in this process, or in `config.workers` processes."""
    sock = sock or listen(config)
    if config.workers > 1:
        announce(config.host, sock.getsockname()[1])
        Workers(config, sockets=[sock]).run()
        return
    Server(config).run(sockets=[sock])
