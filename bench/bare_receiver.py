"""The baseline's receiver: a bare ASGI endpoint that streams each PUT body to a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import uvicorn


def make_app(root: Path) -> Any:
    """PUT /blob/<name>: write the body to root/<name>; 204."""
    root.mkdir(parents=True, exist_ok=True)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] != "PUT":
            # the readiness probe
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        name = Path(scope["path"]).name
        with (root / name).open("wb") as fh:
            more = True
            while more:
                message = await receive()
                fh.write(message.get("body", b""))
                more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


if __name__ == "__main__":
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    uvicorn.run(make_app(directory), host="127.0.0.1", port=port, log_level="warning")
