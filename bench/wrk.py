"""Driving a server with wrk: the Lua scripts that make its POST bodies, and
reading its report (requests/s, p50, p99, failures)."""

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
# Counts requests whose answer lacks the expected text, per thread, summed in done().
CHECKED_RESPONSES = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, EXPECTED, 1, true) then
    failed = failed + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("failed") end
  io.write(string.format("bench-failed: %d\\n", total))
end
"""


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: throughput, latency percentiles and what went wrong."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _headers(token: str | None) -> str:
    lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    return "\n".join(lines) + "\n"


def static_script(query: str, token: str | None = None) -> str:
    """Every request posts the same document."""
    body = json.dumps({"query": query})
    return _headers(token) + f"wrk.body = {_lua_string(body)}\n"


def random_date_script(query: str, variable: str) -> str:
    """Each request posts `query` with `variable` set to a random day, 2015 to 2025."""
    head = json.dumps({"query": query, "variables": {variable: "DATE"}})
    before, after = head.split('"DATE"')
    return (
        _headers(None)
        + f"""
local first = os.time{{year = 2015, month = 1, day = 1, hour = 12}}
function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1e6)) end
function request()
  local day = os.date("!%Y-%m-%d", first + math.random(0, 4017) * 86400)
  local body = {_lua_string(before)} .. '"' .. day .. '"' .. {_lua_string(after)}
  return wrk.format(nil, nil, nil, body)
end
"""
    )


def write_script(query: str, issue_ids: list[str], token: str, nonce: str) -> str:
    """Each request posts an update on a random issue, dated in 2000-2014 (a
    back-fill), with an idempotency key of its own; answers without
    IssueUpdateStatusSuccess are counted as failed."""
    ids = ", ".join(json.dumps(pk) for pk in issue_ids)
    statuses = '"PROPOSED", "UNDER_DISCUSSION", "IN_PROGRESS", "STALLED"'
    return (
        _headers(token)
        + f"""
local ids = {{{ids}}}
local statuses = {{{statuses}}}
local query = {_lua_string(json.dumps(query))}
local counter = 0
failed = 0
EXPECTED = "IssueUpdateStatusSuccess"
function init(args) math.randomseed(os.time() + id * 7919) end
function request()
  counter = counter + 1
  local input = string.format(
    '{{"issueId": "%s", "status": "%s", "occurredOn": "%04d-%02d-%02d", '
    .. '"note": "A benchmark write.", "idempotencyKey": "{nonce}-%d-%d"}}',
    ids[math.random(#ids)], statuses[math.random(#statuses)],
    math.random(2000, 2014), math.random(1, 12), math.random(1, 28), id, counter)
  local body = '{{"query": ' .. query .. ', "variables": {{"input": ' .. input .. '}}}}'
  return wrk.format(nil, nil, nil, body)
end
"""
        + CHECKED_RESPONSES
    )


def run_wrk(
    url: str, script: str, *, seconds: float, connections: int = 16, threads: int = 2
) -> WrkResult:
    """Run wrk against `url` for `seconds`; its parsed report."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}"]
        command += [f"-d{seconds:g}s", "--timeout", "10s", "-s", file.name, url]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        Path(file.name).unlink()
    return parse_report(done.stdout)


def parse_report(report: str) -> WrkResult:
    """Read requests/s, the 50th and 99th latency percentiles and the errors."""
    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", report)
    )
    errors += sum(
        int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", report)
    )
    errors += sum(int(n) for n in re.findall(r"bench-failed: (\d+)", report))
    return WrkResult(
        requests_per_second=float(_find(r"Requests/sec:\s+([\d.]+)", report)),
        p50_ms=_milliseconds(_find(r"\s50%\s+([\d.]+\w+)", report)),
        p99_ms=_milliseconds(_find(r"\s99%\s+([\d.]+\w+)", report)),
        requests=int(_find(r"(\d+) requests in", report)),
        errors=errors,
    )


def _find(pattern: str, text: str) -> Any:
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"wrk's report has no {pattern!r}:\n{text}")
    return match.group(1)


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]
