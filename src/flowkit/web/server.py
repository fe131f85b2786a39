"""Running the workspace under uvicorn: one process, or several workers (PostgreSQL), each
building the application from the settings `flowkit serve` passed in the environment."""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from flowkit.web.workspace import Settings

ENV = "FLOWKIT_SERVE_SETTINGS"


def settings_of(given: dict[str, Any]) -> Settings:
    return Settings(
        db=given.get("db"),
        processes=Path(given["processes"]),
        fixed_now=given.get("fixed_now"),
        secure_cookies=bool(given.get("secure_cookies")),
        proxy_header=given.get("proxy_header"),
        proxy_addresses=tuple(given.get("proxy_addresses") or ()),
        base_url=given.get("base_url") or "",
        handbook=Path(given["handbook"]) if given.get("handbook") else None,
    )


def from_environment() -> FastAPI:
    """The application of one worker (uvicorn's factory)."""
    from flowkit.web.app import create_app
    from flowkit.web.schedule import Scheduler

    app = create_app(settings_of(json.loads(os.environ[ENV])))
    workspace = app.state.workspace
    workspace.tracker.store.refresh_statistics()  # before the first page, not a minute in
    Scheduler(workspace).start()  # only the worker holding the lease runs the passes
    if hasattr(signal, "SIGHUP"):  # `kill -HUP`: read the process files again now
        signal.signal(signal.SIGHUP, lambda *_: workspace.refresh(force=True))
    return app


def run(given: dict[str, Any], host: str, port: int, workers: int) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    os.environ[ENV] = json.dumps(given)
    uvicorn.run(
        "flowkit.web.server:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # flowkit.web logs each request, without query strings
        proxy_headers=False,
        log_level="info",
    )
