"""``ptft advise``: the initialisation advisor on the command line (:func:`ptft_theory.advisor.best_init`).

    ptft advise --rho-pt 0.1 --rho-shared 0.02 --rho-new 0 --alpha 0.15 [--alpha 0.1 0.3]
                [--fix gamma_ft=0] [--bound log10_c_pt=-3,1] [--json] [--plot FILE]

Errors follow :mod:`ptft_theory.cli`: one line on stderr, exit 2 for bad input.
"""

from __future__ import annotations

import math

from ..config import DEFAULT_SCHEME, Scheme
from .common import dump_json

PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def register_advise(sub):
    from ..advisor import COORDINATES, DEFAULT_BOUNDS, FIXABLE
    p = sub.add_parser("advise", help="the best initialisation (c_PT, lambda_PT, gamma_FT) for a task, per regime",
                       description="Minimise the replica FT error over (log10 c_PT, lambda_PT / c_PT, gamma_FT) in "
                                   "a box (default " + ", ".join(f"{k} in [{a:g}, {b:g}]" for k, (a, b) in
                                                                    DEFAULT_BOUNDS.items())
                                   + "): a coarse grid, then a bounded polish; reports the optimum, its regime, the "
                                     "best init of each regime and E at the reference init c=1, lambda=0, gamma=1.",
                       epilog="example: ptft advise --rho-pt 0.1 --rho-shared 0.02 --rho-new 0 --alpha 0.15 --json")
    p.add_argument("--rho-pt", type=float, required=True, help="PT teacher density in (0, 1]")
    p.add_argument("--rho-shared", type=float, required=True, help="FT density inside the PT support, <= rho_pt")
    p.add_argument("--rho-new", type=float, required=True, help="FT density outside the PT support, <= 1 - rho_pt")
    p.add_argument("--amp-pt", type=float, default=None, help="PT entry magnitude (default 1/sqrt(rho_pt))")
    p.add_argument("--amp-ft", type=float, default=None, help="FT entry magnitude (default 1/sqrt(rho_ft))")
    p.add_argument("--scheme", choices=[s.value for s in Scheme], default=DEFAULT_SCHEME.value,
                   help=f"FT re-initialisation scheme (default {DEFAULT_SCHEME.value})")
    p.add_argument("--alpha", type=float, nargs="+", required=True, metavar="A", action="append",
                   help="FT sample ratio N_FT / D > 0, or two numbers LO HI: the mean E over that interval "
                        "(given once)")
    p.add_argument("--sigma", type=float, default=0.0, help="state-evolution noise level (default 0)")
    p.add_argument("--alpha-pt", type=float, default=None,
                   help="finite PT data N_PT / D (two-stage replica; default: perfect PT, the paper's setting)")
    p.add_argument("--sigma-pt", type=float, default=0.0, help="PT state-evolution noise (with --alpha-pt; default 0)")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help=f"pin a lever (repeatable); NAME one of {', '.join(FIXABLE)}")
    p.add_argument("--bound", action="append", default=[], metavar="NAME=LO,HI",
                   help=f"search box of a coordinate (repeatable); NAME one of {', '.join(COORDINATES)}")
    p.add_argument("--plot", default=None, metavar="FILE",
                   help="write E over (log10 c_PT, lambda_PT / c_PT) at the optimal gamma_FT (.png, .pdf or .svg)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_advise)


def _pairs(flag, items, n_values):
    from ..errors import ParameterError
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            vals = [float(v) for v in value.split(",")] if sep else []
        except ValueError:
            vals = []
        if not sep or len(vals) != n_values or not all(math.isfinite(v) for v in vals):
            want = "NAME=VALUE" if n_values == 1 else "NAME=LO,HI"
            raise ParameterError(f"{flag} {item!r} is invalid; valid: {want} with finite numbers")
        name = name.strip()
        if name in out:  # the last one silently winning would hide a typo in a long command line
            raise ParameterError(f"{flag} {name}= is given twice ({out[name]!r} and {item!r}); valid: each NAME once")
        out[name] = vals[0] if n_values == 1 else tuple(vals)
    return out


def _cmd_advise(args):
    from pathlib import Path

    from ..advisor import best_init
    from ..config import Task
    from ..errors import ParameterError
    if len(args.alpha) > 1:
        raise ParameterError("--alpha is given more than once; valid: once, with one number or two (an interval LO HI)")
    args.alpha = args.alpha[0]
    if len(args.alpha) > 2:
        raise ParameterError(f"--alpha {' '.join(map(repr, args.alpha))} is invalid; valid: one number, or two "
                             "(an interval LO HI)")
    plot = None
    if args.plot is not None:
        plot = Path(args.plot)
        if plot.suffix.lower() not in PLOT_SUFFIXES:
            raise ParameterError(f"--plot={args.plot!r} is invalid; valid: a file name ending in "
                                 f"{', '.join(PLOT_SUFFIXES)}")
        if not plot.parent.is_dir():
            raise ParameterError(f"--plot={args.plot!r}: folder {str(plot.parent)!r} does not exist; valid: a file "
                                 "in an existing, writable folder")
    task = Task(args.rho_pt, args.rho_shared, args.rho_new, amp_pt=args.amp_pt, amp_ft=args.amp_ft)
    alpha = args.alpha[0] if len(args.alpha) == 1 else tuple(args.alpha)
    adv = best_init(task, alpha, args.scheme, args.sigma, alpha_pt=args.alpha_pt, sigma_pt=args.sigma_pt,
                    fix=_pairs("--fix", args.fix, 1) or None, bounds=_pairs("--bound", args.bound, 2) or None)
    payload = adv.as_dict()
    if plot is not None:
        from ..advisor.plot import plot_advice
        payload["plot"] = str(plot_advice(adv, plot))
    if args.json:
        print(dump_json(payload))
        return
    print(format_advice(adv) + (f"\nplot: {payload['plot']}" if plot is not None else ""))


def format_advice(adv) -> str:
    """Human-readable summary of an :class:`~ptft_theory.advisor.Advice`."""
    i, r = adv.init, adv.regime
    lines = [f"best init: c_pt={i.c_pt:.4g}, lambda_pt={i.lambda_pt:.4g} (lambda/c={i.lambda_pt / i.c_pt:.3f}), "
             f"gamma_ft={i.gamma_ft:.4g}",
             f"  E = {adv.E:.4g}, regime {r.regime.value} ({r.regime.description}; l-order {r.l_order:.3f}, "
             f"PT dependence {r.pt_dependence:.3f})"]
    ref = adv.reference
    if adv.E_default is not None:
        gain = adv.gain_dB
        note = ("" if gain is None else f" ({gain:.2f} dB worse)" if gain >= 0 else
                f" ({-gain:.2f} dB better: the reference lies outside the box searched)")
        lines.append(f"reference c_pt={ref.c_pt:g}, lambda_pt={ref.lambda_pt:g}, gamma_ft={ref.gamma_ft:g}: "
                     f"E = {adv.E_default:.4g}{note}")
    lines.append("best init per regime:")
    for lab, b in adv.best_by_regime.items():
        lines.append(f"  {lab:>3}: E = {b.E:.4g}  at c_pt={b.init.c_pt:.4g}, lambda_pt={b.init.lambda_pt:.4g}, "
                     f"gamma_ft={b.init.gamma_ft:.4g}")
    lines.append(f"{adv.evaluations} evaluations, converged={adv.converged}: {adv.message}")
    return "\n".join(lines)
