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
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys

import numpy as np

from ._schemes import DEFAULT_SCHEME, Scheme

EXIT_USAGE = 2
EXIT_FAILURE = 1
JSON_NULL_NOTE = "--json numbers that are not finite (e.g. E_dB of a zero error = -inf) are null"


class _Parser(argparse.ArgumentParser):
    """argparse with the project's error contract: one line on stderr, exit code 2.

    Also accepts negative numbers in scientific notation as values (``--lambda-pt -1e-3``).
    """

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _emit(args, payload: dict, text: str):
    if getattr(args, "json", False):
        print(dump_json(payload))
    else:
        print(text)


def json_safe(x):
    """``x`` with numpy values made plain and every non-finite float replaced by None (JSON null)."""
    if isinstance(x, dict):
        return {str(k): json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, np.ndarray):
        return json_safe(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if x is None or isinstance(x, str):
        return x
    return str(x)  # mpmath numbers, paths, ...


def dump_json(payload) -> str:
    """Strict JSON text of ``payload`` (never NaN/Infinity: they become null, see :func:`json_safe`)."""
    return json.dumps(json_safe(payload), indent=2, allow_nan=False)


def _nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: an integer >= 0") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: an integer >= 0")
    return v


_DEVICE = re.compile(r"^(cpu|auto|cuda(:\d+)?)$")


def device_arg(text: str) -> str:
    """argparse type of ``--device``: cpu, auto, cuda or cuda:N."""
    if not _DEVICE.match(text):
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: cpu, auto, cuda, cuda:N")
    return text


def _add_init(p, gamma=True):
    p.add_argument("--c-pt", type=float, required=True, help="absolute PT scale c_PT > 0")
    p.add_argument("--lambda-pt", type=float, default=0.0, help="relative PT scale, |lambda_PT| <= c_PT (default 0)")
    if gamma:
        p.add_argument("--gamma-ft", type=float, default=0.0, help="FT readout scale gamma_FT >= 0 (default 0)")


def _add_task(p):
    p.add_argument("--rho-pt", type=float, required=True, help="PT teacher density in [0, 1]")
    p.add_argument("--rho-shared", type=float, required=True, help="FT density inside the PT support, <= rho_pt")
    p.add_argument("--rho-new", type=float, required=True, help="FT density outside the PT support, <= 1 - rho_pt")
    p.add_argument("--amp-pt", type=float, default=None, help="PT entry magnitude (default 1/sqrt(rho_pt))")
    p.add_argument("--amp-ft", type=float, default=None, help="FT entry magnitude (default 1/sqrt(rho_ft))")


def _add_scheme(p):
    p.add_argument("--scheme", choices=[s.value for s in Scheme], default=DEFAULT_SCHEME.value,
                   help=f"FT re-initialisation scheme (default {DEFAULT_SCHEME.value})")


def _task(args):
    from .config import Task
    return Task(args.rho_pt, args.rho_shared, args.rho_new, amp_pt=args.amp_pt, amp_ft=args.amp_ft)


def _init(args):
    from .config import Init
    return Init(args.c_pt, args.lambda_pt, getattr(args, "gamma_ft", 0.0))


# --------------------------------------------------------------------------------- subcommands
def register_derive(sub):
    p = sub.add_parser("derive", help="print the symbolic results (text or LaTeX)",
                       description="Print the derived formulas of the symbolic layer.",
                       epilog="example: ptft derive --what ft-scales --latex")
    p.add_argument("--what", choices=["potential", "ft-scales", "regimes", "all"], default="all")
    p.add_argument("--latex", action="store_true", help="LaTeX instead of pretty text")
    p.set_defaults(func=_cmd_derive)


def _cmd_derive(args):
    import sympy as sp

    from .symbolic import ft_maps, potential, regimes
    items = []
    if args.what in ("potential", "all"):
        items += [("Q_k(b)", potential.potential()), ("Q_k'(b)", potential.potential_derivative()),
                  ("D_k(b, b0)", potential.bregman_divergence()), ("beta(s)", potential.beta_of_s_in_k_b0())]
    if args.what in ("ft-scales", "all"):
        for scheme in ("merged", "readout"):
            k, b0 = ft_maps.ft_scale_and_start(scheme)
            items += [(f"k [{scheme}]", k), (f"b0 [{scheme}]", b0)]
    if args.what in ("regimes", "all"):
        items += [("l-order p(z)", regimes.l_order()), ("PT dependence", regimes.pt_dependence())]
    for name, expr in items:
        print(f"{name} = " + (sp.latex(expr) if args.latex else sp.pretty(expr, use_unicode=True)))
        print()


def register_scales(sub):
    p = sub.add_parser("scales", help="FT scale k and start b0 per coordinate",
                       description="Compute the FT implicit-bias scale k and start b0 for given beta_PT values.",
                       epilog="example: ptft scales --beta-pt 0 3.16 --c-pt 1e-3 --lambda-pt -1e-3 --json")
    p.add_argument("--beta-pt", type=float, nargs="+", required=True, help="PT end points beta_PT")
    _add_init(p)
    _add_scheme(p)
    p.add_argument("--dps", type=int, default=None, help="evaluate with mpmath at this many digits")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_scales)


def _cmd_scales(args):
    from .scales import ft_scales
    k, b0 = ft_scales(args.beta_pt, args.c_pt, args.lambda_pt, args.gamma_ft, args.scheme, dps=args.dps)
    conv = (lambda a: [str(x) for x in a]) if args.dps else (lambda a: [float(x) for x in a])
    payload = {"scheme": args.scheme, "beta_pt": args.beta_pt, "k": conv(k), "b0": conv(b0)}
    text = "\n".join(f"beta_pt={bp:<12g} k={kk}  b0={bb}" for bp, kk, bb in zip(args.beta_pt, conv(k), conv(b0)))
    _emit(args, payload, text)


def register_regime(sub):
    p = sub.add_parser("regime", help="classify an initialisation into the four FT regimes",
                       description="l-order, PT dependence and regime label of an initialisation for a task.",
                       epilog="example: ptft regime --c-pt 1e-3 --lambda-pt -1e-3 --rho-pt 0.1 "
                              "--rho-shared 0.05 --rho-new 0.05 --json")
    _add_init(p)
    _add_task(p)
    _add_scheme(p)
    p.add_argument("--l-order-threshold", type=float, default=None)
    p.add_argument("--pt-dependence-threshold", type=float, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_regime)


def _cmd_regime(args):
    from .regime import DEFAULT_THRESHOLDS, Thresholds, regime
    th = Thresholds(args.l_order_threshold if args.l_order_threshold is not None else DEFAULT_THRESHOLDS.l_order,
                    args.pt_dependence_threshold if args.pt_dependence_threshold is not None
                    else DEFAULT_THRESHOLDS.pt_dependence)
    r = regime(_init(args), _task(args), args.scheme, th)
    payload = {"l_order": r.l_order, "pt_dependence": r.pt_dependence, "k_pt": r.k_pt, "k_new": r.k_new,
               "regime": r.regime.value, "description": r.regime.description}
    _emit(args, payload, f"regime {r.regime.value} ({r.regime.description}): l-order {r.l_order:.4f}, "
                         f"PT dependence {r.pt_dependence:.4f}, k_pt {r.k_pt:.4g}, k_new {r.k_new:.4g}")


def register_simulate(sub):
    p = sub.add_parser("simulate", help="train the diagonal network (PT then FT) and compare with the theory",
                       description="Draw teachers and data, run gradient flow (or the paper's GD), and compare "
                                   "its FT end point with the implicit-bias solution.",
                       epilog="example: ptft simulate --dim 12 --n-pt 8 --n-ft 6 --c-pt 1e-2 --rho-pt 0.25 "
                              "--rho-shared 0.17 --rho-new 0.17 --json")
    p.add_argument("--dim", type=int, required=True, help="dimension D")
    p.add_argument("--n-pt", type=int, required=True, help="PT samples")
    p.add_argument("--n-ft", type=int, required=True, help="FT samples")
    _add_init(p)
    _add_task(p)
    _add_scheme(p)
    p.add_argument("--mode", choices=["accurate", "gd"], default="accurate")
    p.add_argument("--seed", type=_nonneg_int, default=0, help="seed of the teachers and data (an integer >= 0)")
    p.add_argument("--device", type=device_arg, default="cpu", help="cpu, cuda, cuda:N or auto (default cpu)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_simulate)


def _cmd_simulate(args):
    from .scales import ft_scales
    from .simulate import simulate_gradient_flow
    from .solver import implicit_bias_solution
    from .tasks import make_teachers, relative_error, sample_data
    from . import _validate as V
    for name in ("dim", "n_pt", "n_ft"):
        V.positive_int(name, getattr(args, name))
    init, task = _init(args), _task(args)
    seeds = np.random.SeedSequence(args.seed).spawn(3)
    T = make_teachers(args.dim, task, seeds[0])
    Xp, yp = sample_data(args.n_pt, T.beta_pt, seed=seeds[1])
    Xf, yf = sample_data(args.n_ft, T.beta_ft, seed=seeds[2])
    r = simulate_gradient_flow(Xp, yp, Xf, yf, init.c_pt, init.lambda_pt, init.gamma_ft, args.scheme,
                               mode=args.mode, device=args.device)
    k, b0 = ft_scales(r.beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, args.scheme)
    theory = implicit_bias_solution(Xf, yf, k, b0)
    dev = float(np.linalg.norm(r.beta_ft - theory) / np.linalg.norm(theory))
    payload = {"gf_vs_theory_relative_deviation": dev, "error_gf": float(relative_error(r.beta_ft, T.beta_ft)),
               "error_theory": float(relative_error(theory, T.beta_ft)), "steps_pt": r.pt.steps,
               "steps_ft": r.ft.steps, "beta_ft": r.beta_ft, "beta_theory": theory}
    _emit(args, payload, f"GF vs implicit-bias solution: relative deviation {dev:.3g}; FT error "
                         f"{payload['error_gf']:.4g} (GF), {payload['error_theory']:.4g} (theory)")


def register_figures(sub):
    from .figures import register_figures as _register
    _register(sub)


def register_validate(sub):
    from .runners import register_validate as _register
    _register(sub)


def register_bench(sub):
    from .runners import register_bench as _register
    _register(sub)


def register_resnet(sub):
    from .resnet.cli import register_resnet as _register  # torch is imported only when a resnet command runs
    _register(sub)


def register_transformer(sub):
    from .transformer.cli import register_transformer as _register  # torch only when a transformer command runs
    _register(sub)


def register_curve(sub):
    p = sub.add_parser("curve", help="replica FT error vs alpha_FT",
                       description="Replica prediction of the relative FT generalization error over alpha = N_FT / D.",
                       epilog="example: ptft curve --c-pt 0.01 --lambda-pt 0 --gamma-ft 0 --rho-pt 0.1 --rho-shared 0.05 "
                              "--rho-new 0.05 --alpha 0.3 0.5 --json")
    _add_init(p)
    _add_task(p)
    _add_scheme(p)
    p.add_argument("--alpha", type=float, nargs="+", required=True, help="sample ratios N_FT / D > 0")
    p.add_argument("--sigma", type=float, default=0.0, help="state-evolution noise level (default 0)")
    p.add_argument("--dps", type=int, default=None,
                   help="evaluate with mpmath at this many digits (JSON numbers become strings; adds E_error)")
    p.add_argument("--certify", action="store_true",
                   help="prove E with ball arithmetic: an interval of relative width <= 10^-dps (dps default 30)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_curve)


def _cmd_curve(args):
    from .replica import generalization_error
    if args.certify:  # ptft_theory.certify: E as a proved interval, with the (tau, zeta) box
        pts = generalization_error(args.alpha, _task(args), _init(args), args.scheme, args.sigma, dps=args.dps,
                                   certify=True)
        payload = {"scheme": args.scheme, "certified": True, "points": [p.as_dict() for p in pts]}
        _emit(args, payload, "\n".join(f"alpha={p.alpha:<8g} E in {p.E}  (certified; relative width "
                                       f"{p.E.as_dict()['relative_width']})" for p in pts))
        return
    r = generalization_error(args.alpha, _task(args), _init(args), args.scheme, args.sigma, dps=args.dps)
    if args.dps is not None:
        import mpmath
        s = lambda a: [mpmath.nstr(x, args.dps) for x in a]  # noqa: E731
        payload = {"scheme": args.scheme, "dps": args.dps, "alpha": r.alpha, "E": s(r.E),
                   "E_error": [mpmath.nstr(x, 3) for x in r.error], "E_dB": r.E_dB, "tau": s(r.tau), "zeta": s(r.zeta)}
        text = "\n".join(f"alpha={a:<8g} E={e}  (+- {mpmath.nstr(err, 2)})" for a, e, err in zip(r.alpha, s(r.E), r.error))
        _emit(args, payload, text)
        return
    payload = {"scheme": args.scheme, "alpha": r.alpha, "E": r.E, "E_dB": r.E_dB, "tau": r.tau, "zeta": r.zeta}
    text = "\n".join(f"alpha={a:<8g} E={e:.10g}  ({db:.3f} dB)" for a, e, db in zip(r.alpha, r.E, r.E_dB))
    _emit(args, payload, text)


def register_boundary(sub):
    p = sub.add_parser("boundary", help="phase boundaries in alpha: equal error of two inits/schemes, or a level crossing",
                       description="The alpha where E crosses a level, or where two initialisations or schemes give "
                                   "equal E; optionally traced over a parameter (--over/--values) and refined to "
                                   "--dps digits with the mpmath replica path.",
                       epilog="example: ptft boundary level --level 0.5 --c-pt 0.01 --rho-pt 0.1 --rho-shared 0.05 "
                              "--rho-new 0.05 --bracket 0.1 0.6 --dps 30 --json",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    bsub = p.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    lv = bsub.add_parser("level", help="alpha where E crosses --level",
                         epilog="example: ptft boundary level --level 0.5 --c-pt 0.01 --rho-pt 0.1 --rho-shared 0.05 "
                                "--rho-new 0.05 --bracket 0.1 0.6 --dps 30 --json")
    lv.add_argument("--level", type=float, required=True, help="target relative error E > 0")
    _add_init(lv)
    _add_scheme(lv)
    eq = bsub.add_parser("equal", help="alpha where two inits (--c-pt-a/--c-pt-b ...) or schemes give equal E",
                         epilog="example: ptft boundary equal --c-pt 0.01 --lambda-pt -0.005 --gamma-ft 0.1 "
                                "--scheme-a readout --scheme-b merged --rho-pt 0.1 --rho-shared 0.05 --rho-new 0.05 "
                                "--bracket 0.1 0.3 --json")
    eq.add_argument("--c-pt", type=float, default=None, help="c_PT of both sides (unless --c-pt-a/-b)")
    eq.add_argument("--lambda-pt", type=float, default=0.0, help="lambda_PT of both sides (default 0)")
    eq.add_argument("--gamma-ft", type=float, default=0.0, help="gamma_FT of both sides (default 0)")
    for side in ("a", "b"):
        eq.add_argument(f"--c-pt-{side}", type=float, default=None)
        eq.add_argument(f"--lambda-pt-{side}", type=float, default=None)
        eq.add_argument(f"--gamma-ft-{side}", type=float, default=None)
        eq.add_argument(f"--scheme-{side}", choices=[s.value for s in Scheme], default=None,
                        help=f"scheme of this side (default {DEFAULT_SCHEME.value})")
    for q in (lv, eq):
        _add_task(q)
        q.add_argument("--bracket", type=float, nargs=2, default=[0.05, 0.95], metavar=("LO", "HI"),
                       help="alpha interval holding one sign change (default 0.05 0.95)")
        q.add_argument("--sigma", type=float, default=0.0, help="state-evolution noise level (default 0)")
        q.add_argument("--dps", type=int, default=None, help="refine to this many digits with mpmath")
        q.add_argument("--certify", action="store_true",
                       help="prove an alpha interval (relative width <= 10^-dps, dps default 30) with ball arithmetic")
        q.add_argument("--over", default=None, help="trace a curve over this parameter (e.g. lambda_pt, a.c_pt)")
        q.add_argument("--values", type=float, nargs="+", default=None, help="values of --over")
        q.add_argument("--json", action="store_true")
        q.set_defaults(func=_cmd_boundary)


def _cmd_boundary(args):
    from .boundaries import boundary_curve, equal_error_alpha, level_crossing_alpha
    from .config import Init
    from .errors import ParameterError
    task = _task(args)
    if args.kind == "level":
        init_a, init_b, scheme_a, scheme_b = _init(args), None, args.scheme, None
    else:
        def side(s):
            c = getattr(args, f"c_pt_{s}") if getattr(args, f"c_pt_{s}") is not None else args.c_pt
            if c is None:
                raise ParameterError(f"c_pt of side {s} is missing; give --c-pt or --c-pt-{s} (> 0)")
            lam = getattr(args, f"lambda_pt_{s}")
            g = getattr(args, f"gamma_ft_{s}")
            return Init(c, args.lambda_pt if lam is None else lam, args.gamma_ft if g is None else g)
        init_a, init_b = side("a"), side("b")
        scheme_a, scheme_b = args.scheme_a or DEFAULT_SCHEME.value, args.scheme_b or DEFAULT_SCHEME.value
    if (args.over is None) != (args.values is None):
        raise ParameterError("--over and --values go together; valid: both or neither")
    if args.over is not None and args.certify:
        raise ParameterError("--certify certifies one boundary point; valid: --certify without --over/--values")
    if args.certify:
        if args.kind == "level":
            iv = level_crossing_alpha(args.level, task, init_a, scheme_a, bracket=tuple(args.bracket),
                                      sigma=args.sigma, dps=args.dps, certify=True)
        else:
            iv = equal_error_alpha(task, init_a, init_b, scheme_a=scheme_a, scheme_b=scheme_b,
                                   bracket=tuple(args.bracket), sigma=args.sigma, dps=args.dps, certify=True)
        d = iv.as_dict()
        _emit(args, dict(kind=args.kind, **d), f"alpha in {iv}  (certified; relative width {d['relative_width']})")
        return
    if args.over is not None:
        cur = boundary_curve(args.kind, args.over, args.values, task=task, init=init_a, init_b=init_b, scheme=scheme_a,
                             scheme_b=scheme_b, level=getattr(args, "level", None), bracket=tuple(args.bracket),
                             sigma=args.sigma, dps=args.dps)
        points = [dict(p.as_dict(), **{args.over: v}) for p, v in zip(cur.points, cur.values.tolist())]
        payload = {"kind": args.kind, "param": args.over, "points": points}
        text = "\n".join(f"{args.over}={v:<12g} alpha={p.alpha_str}  (+- {mpmath_str(p.error)})"
                         for v, p in zip(cur.values.tolist(), cur.points))
        _emit(args, payload, text)
        return
    if args.kind == "level":
        r = level_crossing_alpha(args.level, task, init_a, scheme_a, bracket=tuple(args.bracket), sigma=args.sigma,
                                 dps=args.dps)
    else:
        r = equal_error_alpha(task, init_a, init_b, scheme_a=scheme_a, scheme_b=scheme_b, bracket=tuple(args.bracket),
                              sigma=args.sigma, dps=args.dps)
    _emit(args, r.as_dict(), f"alpha={r.alpha_str}  (+- {mpmath_str(r.error)}; E at the root: "
                             + ", ".join(r.as_dict()["E"]) + ")")


def register_advise(sub):
    from .cli_advise import register_advise as _register
    _register(sub)


def mpmath_str(x):
    import mpmath
    return mpmath.nstr(mpmath.mpf(x), 3)


REGISTRARS = [register_derive, register_scales, register_regime, register_simulate, register_curve, register_boundary,
              register_advise, register_figures, register_validate, register_bench, register_resnet,
              register_transformer]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ptft", description="Theory of how pretraining shapes the inductive bias of fine-tuning "
                                              "(arXiv 2602.20062).",
                     epilog="example: ptft regime --c-pt 1e-3 --rho-pt 0.1 --rho-shared 0.05 --rho-new 0.05\n\n"
                            "exit codes: 0 success; 2 a user error (one line on stderr naming the parameter or "
                            "file); 1 a computation that did not succeed, or a bug (one line; PTFT_DEBUG=1 shows "
                            "the traceback). " + JSON_NULL_NOTE + ".",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for register in REGISTRARS:
        register(sub)
    for p in sub.choices.values():  # state the JSON contract wherever --json is offered
        for a in p._actions:
            if "--json" in a.option_strings and "null" not in (a.help or ""):
                a.help = ((a.help + "; ") if a.help else "machine-readable output (strict JSON); ") + JSON_NULL_NOTE
    return parser


def _where(exc: BaseException) -> str:
    import traceback
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    f = frames[-1]
    return f" (at {os.path.basename(f.filename)}:{f.lineno})"


def main(argv=None) -> int:
    """Run ``ptft``; returns the exit code (see the module docstring for the error contract)."""
    from .errors import PTFTError
    parser = build_parser()
    args = parser.parse_args(argv)
    prefix = f"ptft {args.command}"
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
    except OSError as e:  # the operating system refused (disk full, a file vanished): not a bug of ours
        if debug:
            raise
        where = f" {e.filename}:" if getattr(e, "filename", None) else ""
        print(f"{prefix}: error:{where} {e.strerror or e}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as e:  # noqa: BLE001  -- a bug: visible as such, but one line (PTFT_DEBUG=1: traceback)
        if debug:
            raise
        msg = " ".join(str(e).split())
        print(f"{prefix}: internal error (a bug, please report it with the command line): "
              f"{type(e).__name__}: {msg}{_where(e)}; rerun with PTFT_DEBUG=1 for the traceback", file=sys.stderr)
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
