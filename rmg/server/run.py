"""Run the app under uvicorn: build the pools before binding, drain in-flight requests on SIGTERM."""

from __future__ import annotations

import importlib.util
import sys

from .config import ServerConfig
from .service import RewardService

__all__ = ["run"]

DRAIN_SECONDS = 60  # in-flight requests get this long to finish on shutdown


def run(config: ServerConfig, *, log_level: str = "info") -> None:
    import uvicorn

    from .app import create_app

    # The event loop and the pool's threads hand results to each other thousands of times a
    # second; with the default 5 ms switch interval each hand-off can wait that long for the GIL.
    sys.setswitchinterval(0.001)
    service = RewardService(config)
    app = create_app(config, service)
    app.state.freeze_gc = True  # this process is the server: see create_app's lifespan
    uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level=log_level,
            access_log=False,  # per-request lines cost more than scoring a rule reward
            # uvloop and httptools when installed (uvicorn[standard]): about twice the requests/s.
            loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
            http="httptools" if importlib.util.find_spec("httptools") else "h11",
            timeout_graceful_shutdown=DRAIN_SECONDS,
            backlog=4096,
        )
    ).run()
