"""The benchmark's fastmcp 4 server: the same tools as the others (`add` plus N fillers), served with http_app()
on uvicorn with its fastest settings (uvloop, httptools, one worker, no access log).

Usage: python server.py '{"stateless": false, "json": true, "fillers": 0, "port": 0}'
Prints one line `{"port": <port>}` on stdout once it listens.
"""
import asyncio
import json
import socket
import sys

import uvicorn
from fastmcp import FastMCP

FILLER_DESCRIPTION = "A filler tool that the benchmark never calls"


def build(fillers: int) -> FastMCP:
    mcp = FastMCP("bench", version="1.0.0")

    @mcp.tool(description="Adds two numbers")
    def add(a: float, b: float) -> str:
        total = a + b
        return str(int(total)) if total == int(total) else str(total)

    for index in range(fillers):
        def filler(q: str, limit: float | None = None) -> str:
            return q

        mcp.tool(filler, name=f"filler_{index}", description=FILLER_DESCRIPTION)
    return mcp


def main() -> None:
    config = json.loads(sys.argv[1])
    app = build(config["fillers"]).http_app(
        path="/mcp", json_response=config["json"], stateless_http=config["stateless"]
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", config.get("port", 0)))
    sock.listen(4096)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            loop="uvloop",
            http="httptools",
            workers=1,
            access_log=False,
            log_level="warning",
            lifespan="on",
            backlog=4096,
        )
    )

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                await task
                return
            await asyncio.sleep(0.05)
        print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
        await task

    uvloop_run(serve)


def uvloop_run(main_coroutine) -> None:
    import uvloop

    uvloop.run(main_coroutine())


if __name__ == "__main__":
    main()
