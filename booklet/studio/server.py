"""Starting the studio: a port on 127.0.0.1 only, a fresh token, the address printed and opened."""

from __future__ import annotations

import secrets
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..errors import BookletError

HOST = "127.0.0.1"


def listening_socket(port: int) -> socket.socket:
    """A socket listening on 127.0.0.1:`port`, or on a free port if that one is 0 or taken."""
    for wanted in dict.fromkeys((port, 0)):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((HOST, wanted))
        except OSError:
            sock.close()
            continue
        sock.listen(64)
        return sock
    raise BookletError("no free port on 127.0.0.1")


def serve(folder: str | Path, port: int = 8765, open_browser: bool = True, say: Callable[[str], None] = print) -> None:
    """Serve the studio for `folder` until interrupted; print (via `say`) the address with its token."""
    import uvicorn

    from .app import create_app

    sock = listening_socket(port)
    real = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    app = create_app(folder, token, real)
    address = f"http://{HOST}:{real}/?token={token}"
    say(f"booklet studio for {Path(folder).resolve()} at {address}")
    say("keep this window open while you work; Ctrl+C stops the studio")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, [address]).start()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
