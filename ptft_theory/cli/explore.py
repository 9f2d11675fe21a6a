"""``ptft explore``: the regime explorer, a local web page (:mod:`ptft_theory.explore`)."""

from __future__ import annotations

from ..errors import BackendUnavailableError, ParameterError


def register_explore(sub):
    p = sub.add_parser("explore", help="the regime explorer: a local web page following sliders live",
                       description="Start the regime explorer, a local web page (Bokeh server, no network) where "
                                   "E(alpha), the regime map, the descriptors and the advisor follow the sliders.",
                       epilog="example: ptft explore --port 5006 --no-browser")
    p.add_argument("--port", type=_port, default=5006, help="TCP port (default 5006; 0: a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    p.set_defaults(func=_cmd_explore)


def _port(text: str) -> int:
    import argparse
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: an integer in [0, 65535]") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: an integer in [0, 65535]")
    return v


def _cmd_explore(args):
    try:
        import bokeh  # noqa: F401
    except ImportError:
        raise BackendUnavailableError("the explorer needs bokeh, which is not installed; valid: "
                                      "pip install 'ptft-theory[explore]'") from None
    from ..explore.app import make_server, run
    try:
        server = make_server(args.port, args.host)
    except OSError as e:  # the address cannot be bound: the user's --port or --host
        if e.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise ParameterError(f"--port {args.port} is in use on {args.host}; valid: a free port, "
                                 "or --port 0 for any free one") from None
        raise ParameterError(f"--host {args.host!r} cannot be bound ({e.strerror or e}); valid: an address of this "
                             "machine, such as 127.0.0.1") from None
    run(server, args.host, open_browser=not args.no_browser)
