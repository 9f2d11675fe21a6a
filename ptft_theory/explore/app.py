"""Serve the explorer: a Bokeh server on localhost, BokehJS served by the server itself from the installed
``bokeh`` package (resources mode ``"server"``: the page loads nothing from any other host)."""

from __future__ import annotations

import socket
import webbrowser

#: Bokeh's own default port.
DEFAULT_PORT = 5006


def free_port(host: str = "127.0.0.1") -> int:
    """A port the operating system says is free on ``host`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def make_server(port: int = DEFAULT_PORT, host: str = "127.0.0.1"):
    """A started-but-not-running Bokeh server of the explorer at ``http://host:port/`` (port 0: a free one)."""
    from bokeh.application import Application
    from bokeh.application.handlers.function import FunctionHandler
    from bokeh.server.server import Server
    from bokeh.settings import settings

    from .views import make_document

    settings.resources.set_value("server")  # BokehJS from this server (never a CDN), whatever BOKEH_RESOURCES says
    port = free_port(host) if port == 0 else port
    origins = sorted({f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"})
    server = Server({"/": Application(FunctionHandler(make_document))}, port=port, address=host,
                    allow_websocket_origin=origins, num_procs=1)
    server.start()
    return server


def serve(port: int = DEFAULT_PORT, host: str = "127.0.0.1", open_browser: bool = True) -> None:
    """Run the explorer until interrupted; prints its address first."""
    run(make_server(port, host), host, open_browser)


def run(server, host: str = "127.0.0.1", open_browser: bool = True) -> None:
    """Run a server of :func:`make_server` until interrupted; prints its address first."""
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.port}/"
    print(f"ptft explore: serving the regime explorer at {url} (Ctrl-C stops)", flush=True)
    if open_browser:
        server.io_loop.add_callback(webbrowser.open, url)
    try:
        server.io_loop.start()
    finally:
        server.stop()
