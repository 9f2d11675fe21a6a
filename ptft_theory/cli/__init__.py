"""The ``ptft`` command line.

Each subcommand lives in a ``register_*`` function that adds its parser; numeric subcommands take
``--json``.  Flag names follow the Python names (``--c-pt`` for ``c_pt``).

The error contract (no traceback, ever, unless ``PTFT_DEBUG=1``):

* exit 0: success;
* exit 2: a user error -- a bad argument, a parameter outside its valid range, a missing,
  unreadable or malformed file, an unwritable folder: one line on stderr naming the parameter or file
  (argparse errors, :class:`~ptft_theory.errors.PTFTError` subclasses that are ``ValueError``/``TypeError``);
* exit 1: a computation of ours that did not succeed (``ConvergenceError``, ``ReplicaError``,
  ``SimulationError``), an operating-system error while running (disk full, ...), or an unexpected
  exception.  The latter is a bug: the line says so and names the exception and where it was
  raised; ``PTFT_DEBUG=1`` shows the full traceback.

``--json`` output is strict JSON (``allow_nan=False``): a number that is not finite is written as
``null`` (for example ``E_dB`` of a zero error, which is -infinity).

The commands, one module per group: :mod:`.theory` (derive, scales, regime, simulate, curve,
boundary), :mod:`.advise`, :mod:`.figures`, :mod:`.scripts` (validate, bench), :mod:`.resnet`, :mod:`.transformer`, :mod:`.nonlinear`;
shared pieces in :mod:`.common`.  The experiment modules never import the CLI.
"""

from __future__ import annotations

import argparse
import os
import sys

from .common import EXIT_FAILURE, EXIT_USAGE, JSON_HELP, JSON_NULL_NOTE, Parser, dump_json, json_safe  # noqa: F401  (public)
from .advise import register_advise
from .theory import (register_boundary, register_curve, register_derive, register_regime, register_scales,
                     register_simulate)


def register_figures(sub):
    from .figures import register_figures as _register
    _register(sub)


def register_validate(sub):
    from .scripts import register_validate as _register
    _register(sub)


def register_bench(sub):
    from .scripts import register_bench as _register
    _register(sub)


def register_resnet(sub):
    from .resnet import register_resnet as _register  # torch is imported only when a resnet command runs
    _register(sub)


def register_transformer(sub):
    from .transformer import register_transformer as _register  # torch only when a transformer command runs
    _register(sub)


def register_explore(sub):
    from .explore import register_explore as _register  # bokeh is imported only when the explorer starts
    _register(sub)


def register_nonlinear(sub):
    from .nonlinear import register_nonlinear as _register
    _register(sub)


REGISTRARS = [register_derive, register_scales, register_regime, register_simulate, register_curve, register_boundary,
              register_advise, register_figures, register_validate, register_bench, register_resnet,
              register_transformer, register_nonlinear, register_explore]


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__
    parser = Parser(prog="ptft", description="Theory of how pretraining shapes the inductive bias of fine-tuning "
                                              "(arXiv 2602.20062). Run `ptft COMMAND --help` for a command's "
                                              "options and a worked example.",
                     epilog="example: ptft regime --c-pt 1e-3 --lambda-pt -9e-4 --rho-pt 0.1 --rho-shared 0.05 "
                            "--rho-new 0.05\n\n"
                            "exit codes: 0 success; 2 a user error (one line on stderr naming the parameter or "
                            "file, or the extra to install); 1 a computation that did not succeed, or a bug (one "
                            "line; PTFT_DEBUG=1 shows the traceback). " + JSON_NULL_NOTE + ".")
    parser.add_argument("--version", action="version", version=f"ptft {__version__} (ptft-theory)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")
    for register in REGISTRARS:
        register(sub)
    for p in _all_parsers(parser):  # state the JSON contract once per command that offers --json
        for a in p._actions:
            if "--json" in a.option_strings:
                a.help = a.help or JSON_HELP
                if JSON_NULL_NOTE not in (p.epilog or ""):
                    p.epilog = ((p.epilog + "\n\n") if p.epilog else "") + "note: " + JSON_NULL_NOTE + "."
    return parser


def _all_parsers(parser):
    """Every parser below ``parser`` (subcommands and their subcommands)."""
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            for p in dict.fromkeys(a.choices.values()):
                yield p
                yield from _all_parsers(p)


def _where(exc: BaseException) -> str:
    import traceback
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    f = frames[-1]
    return f" (at {os.path.basename(f.filename)}:{f.lineno})"


def main(argv=None) -> int:
    """Run ``ptft``; returns the exit code (see the module docstring for the error contract)."""
    from .interrupt import catch_interrupts
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # bare `ptft`: the help, not an error line
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    prefix = f"ptft {args.command}"
    with catch_interrupts() as interrupts:
        try:
            rc = _run(args, prefix)
        except KeyboardInterrupt:  # a second Ctrl-C while the first was being reported
            rc = 130
        if interrupts and rc != 130:  # a KeyboardInterrupt swallowed somewhere (a finaliser): still an interrupt
            print(f"{prefix}: interrupted", file=sys.stderr)
            rc = 130
    return rc


def _run(args, prefix: str) -> int:
    from ..errors import PTFTError
    from ..extras import extra_for, missing_extra
    debug = os.environ.get("PTFT_DEBUG") == "1"
    try:
        args.func(args)
    except KeyboardInterrupt:
        print(f"{prefix}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`ptft ... | head`): not an error worth a message
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except PTFTError as e:
        if debug:
            raise
        msg = " ".join(str(e).split())  # one line, whatever the message holds
        if isinstance(e, (ValueError, TypeError)):  # ParameterError, InfeasibleError, ...: the user's input
            print(f"{prefix}: error: {msg}", file=sys.stderr)
            return EXIT_USAGE
        print(f"{prefix}: {type(e).__name__}: {msg}", file=sys.stderr)  # a solve that did not converge
        return EXIT_FAILURE
    except ImportError as e:  # an optional dependency is missing: name the extra (exit 2), not a bug
        if debug:
            raise
        extra = extra_for(getattr(e, "name", None))
        if extra is None:
            return _bug(prefix, e)
        if args.command in ("resnet", "transformer") and extra == "sim":
            extra = "networks"  # the network checks need torchvision too: name the extra that brings both
        print(f"{prefix}: error: {missing_extra(e.name, 'this command', extra)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:  # the operating system refused (disk full, a file vanished): not a bug of ours
        if debug:
            raise
        where = f" {e.filename}:" if getattr(e, "filename", None) else ""
        print(f"{prefix}: error:{where} {e.strerror or e}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as e:  # noqa: BLE001  -- a bug: visible as such, but one line (PTFT_DEBUG=1: traceback)
        if debug:
            raise
        return _bug(prefix, e)
    return 0


def _bug(prefix: str, e: BaseException) -> int:
    msg = " ".join(str(e).split())
    print(f"{prefix}: internal error (a bug, please report it with the command line): "
          f"{type(e).__name__}: {msg}{_where(e)}; rerun with PTFT_DEBUG=1 for the traceback", file=sys.stderr)
    return EXIT_FAILURE

