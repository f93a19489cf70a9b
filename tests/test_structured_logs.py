"""`BILATERAL_LOG_FORMAT=json`: one JSON object a line, and never a secret.

A real `bilateral serve` logs to stderr while it answers a query, a mutation
with a token, a refused token and a document that does not validate.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.live import free_port, wait_until_ready

SECRET_LITERAL = "needle-in-the-document"
SECRET_VARIABLE = "needle-in-the-variables"
FORGED = "bil_forged0000000000000000000000000000000000"


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _drive(url: str, secret: str) -> list[int]:
    bearer = {"Authorization": f"Bearer {secret}"}
    answers = [
        httpx.post(
            f"{url}/graphql",
            json={
                "query": "query Search($text: String!) { issues(filter: {search: "
                '$text}) { nodes { slug } } other: issues(filter: {search: "'
                f'{SECRET_LITERAL}"}}) {{ totalCount }} }}',
                "variables": {"text": SECRET_VARIABLE},
            },
        ),
        httpx.post(
            f"{url}/graphql",
            json={"query": "query Me { viewer { name } }"},
            headers=bearer,
        ),
        httpx.post(
            f"{url}/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {FORGED}"},
        ),
        httpx.post(f"{url}/graphql", json={"query": "query Bad { nope }"}),
    ]
    return [answer.status_code for answer in answers]


def _serve_and_log(tmp_path: Path) -> tuple[str, str, list[int]]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'logs.sqlite3'}",
        "BILATERAL_LOG_FORMAT": "json",
    }
    _cli(env, "migrate")
    secret = _cli(env, "token", "create", "--name", "logger", "--role", "reader")
    secret = secret.splitlines()[-1]
    port = free_port()
    log = tmp_path / "server.log"
    with (
        log.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        ) as process,
    ):
        try:
            wait_until_ready(f"http://127.0.0.1:{port}", process)
            statuses = _drive(f"http://127.0.0.1:{port}", secret)
        finally:
            process.terminate()
            process.wait(timeout=10)
    return log.read_text(), secret, statuses


def _request(lines: list[dict[str, Any]], status: int, name: str | None) -> Any:
    found = [
        line
        for line in lines
        if line.get("message") == "graphql request"
        and line.get("status") == status
        and line.get("operation_name") == name
    ]
    assert len(found) == 1, found
    return found[0]


def test_json_lines_hold_the_request_and_no_secret(tmp_path: Path) -> None:
    text, secret, statuses = _serve_and_log(tmp_path)

    lines = [json.loads(line) for line in text.splitlines()]
    assert statuses == [200, 200, 401, 200]  # httpx accepts */*: application/json
    assert all({"time", "level", "message", "logger"} <= set(line) for line in lines)
    search = _request(lines, 200, "Search")
    assert search["operation_type"] == "query"
    assert search["outcome"] == "ok"
    assert search["level"] == "info"
    assert isinstance(search["duration_ms"], float)
    assert len(search["request_id"]) == 32
    assert "viewer" not in search  # anonymous
    assert _request(lines, 200, "Me")["viewer"] == "logger"
    assert _request(lines, 401, None)["code"] == "UNAUTHENTICATED"
    assert _request(lines, 200, None)["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    for withheld in (secret, FORGED, SECRET_LITERAL, SECRET_VARIABLE):
        assert withheld not in text
