"""The ceiling: a bare Starlette route answering `POST /graphql` with prebuilt
bytes (the board's answer, read once from a file). What serving an answer costs
when nothing at all is computed: the most a response cache could reach.

Run: .venv/bin/python -m bench.ceiling_app --port 8002 --answer board.json
(served by uvicorn with the options `bilateral serve` uses).
"""

import argparse
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.serving import serve


def build_app(answer: bytes) -> Starlette:
    """An app whose one route returns `answer` as JSON, whatever was posted."""

    async def graphql(request: Request) -> Response:
        await request.body()
        return Response(answer, media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--answer", type=Path, required=True)
    args = parser.parse_args()
    answer = args.answer.read_bytes()
    serve(lambda url: build_app(answer), args.port)


if __name__ == "__main__":
    main()
