"""The suite's servers, each a process of its own, always stopped on the way out."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.live import free_port

# The service as a benchmark runs it: no rate limit, no access log.
COMMON = {"BILATERAL_RATE_LIMIT": "0", "BILATERAL_LOG_LEVEL": "WARNING"}
RUNNING: list[int] = []  # the process ids of the servers now running
TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def bilateral_serve(url: str, environ: Mapping[str, str]) -> Iterator[str]:
    """`bilateral serve` on a free port; yields its GraphQL URL."""
    command = [str(Path(sys.executable).with_name("bilateral")), "serve"]
    with server(command, url, environ) as endpoint:
        yield endpoint


@contextmanager
def python_module(module: str, url: str, *arguments: str) -> Iterator[str]:
    """`python -m module --port P ...` (a bench app); yields its GraphQL URL."""
    with server([sys.executable, "-m", module, *arguments], url, {}) as endpoint:
        yield endpoint


@contextmanager
def server(command: list[str], url: str, environ: Mapping[str, str]) -> Iterator[str]:
    """Start a server on a free port, wait until it listens, stop it on exit.

    It runs in a session of its own, so a Ctrl-C reaches the suite only, which
    then stops every server itself (SIGTERM, then SIGKILL after 10 s).
    """
    port = free_port()
    env = {**os.environ, **COMMON, "DATABASE_URL": url, **environ}
    with tempfile.TemporaryFile() as log:  # the server's stderr, shown if it fails
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        RUNNING.append(process.pid)
        try:
            endpoint = f"http://127.0.0.1:{port}/graphql"
            _wait_until_answering(endpoint, process)
            yield endpoint
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read()[-4000:].decode(errors="replace"))
            raise
        finally:
            RUNNING.remove(process.pid)
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_answering(endpoint: str, process: subprocess.Popen[bytes]) -> None:
    """Until `{ __typename }` is answered: `serve` listens before it migrates."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            answer = httpx.post(endpoint, json={"query": "{ __typename }"}, timeout=2)
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{endpoint} did not answer within 120 s")


def settle(busy: Callable[[], bool] = lambda: False, limit: float = 30.0) -> None:
    """Wait until the servers are idle: wrk stops its clock, not the requests it
    left queued, which would otherwise slow the next measurement."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _cpu_seconds()
        time.sleep(0.25)
        if _cpu_seconds() - before < 0.02 and not busy():
            return


def _cpu_seconds() -> float:
    total = 0
    for pid in RUNNING:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICKS
