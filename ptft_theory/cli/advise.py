"""``ptft advise``: the initialisation advisor on the command line (:func:`ptft_theory.advisor.best_init`).

    ptft advise --rho-pt 0.1 --rho-shared 0.02 --rho-new 0 --alpha 0.15 [--alpha 0.1 0.3]
                [--fix gamma_ft=0] [--bound log10_c_pt=-3,1] [--resolution 1e-6] [--corner-margin 1e-3]
                [--json] [--plot FILE]

The first line of the answer is pasteable: ``ptft regime ... $(flags)`` / ``ptft curve ...``.

Errors follow :mod:`ptft_theory.cli`: one line on stderr, exit 2 for bad input.
"""

from __future__ import annotations

import math

from ..config import DEFAULT_SCHEME, Scheme
from .common import check_writable_file, dump_json, examples

PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def register_advise(sub):
    from ..advisor import COORDINATES, DEFAULT_BOUNDS, FIXABLE
    from ..advisor.resolve import CORNER_MARGIN, RESOLUTION
    p = sub.add_parser("advise", help="the best initialisation (c_PT, lambda_PT, gamma_FT) for a task, per regime",
                       description="Minimise the replica FT error over (log10 c_PT, lambda_PT / c_PT, gamma_FT) in "
                                   "a box (default " + ", ".join(f"{k} in [{a:g}, {b:g}]" for k, (a, b) in
                                                                    DEFAULT_BOUNDS.items())
                                   + "): a coarse grid, then a bounded polish; reports the optimum, its regime, the "
                                     "best init of each regime and E at the reference init c=1, lambda=0, gamma=1.",
                       epilog=examples("ptft advise --rho-pt 0.1 --rho-shared 0.02 --rho-new 0.02 --alpha 0.2 "
                                       "--fix gamma_ft=0.1",
                                       "ptft advise --rho-pt 0.1 --rho-shared 0.02 --rho-new 0.02 --alpha 0.2 "
                                       "--fix gamma_ft=0.1 --plot advice.png --json"))
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
    p.add_argument("--resolution", type=float, default=RESOLUTION,
                   help=f"relative E at or below which the task counts as recovered exactly; the answer is then the "
                        f"least extreme init below it (largest smallest FT scale; default {RESOLUTION:g})")
    p.add_argument("--corner-margin", type=float, default=CORNER_MARGIN,
                   help="when E falls toward the frozen corner lambda_pt = -c_pt, gamma_ft = 0 above the resolution, "
                        f"the answer keeps 1 + lambda_pt/c_pt >= this (default {CORNER_MARGIN:g})")
    p.add_argument("--plot", default=None, metavar="FILE",
                   help="write E over (log10 c_PT, lambda_PT / c_PT) at the optimal gamma_FT (.png, .pdf or .svg)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (shown on stderr only when it is a terminal)")
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
        check_writable_file("--plot", plot)
    task = Task(args.rho_pt, args.rho_shared, args.rho_new, amp_pt=args.amp_pt, amp_ft=args.amp_ft)
    alpha = args.alpha[0] if len(args.alpha) == 1 else tuple(args.alpha)
    adv = best_init(task, alpha, args.scheme, args.sigma, alpha_pt=args.alpha_pt, sigma_pt=args.sigma_pt,
                    fix=_pairs("--fix", args.fix, 1) or None, bounds=_pairs("--bound", args.bound, 2) or None,
                    progress=False if args.no_progress else None,
                    resolution=args.resolution, corner_margin=args.corner_margin)
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
    lines = [f"best init: c_pt={i.c_pt:.4g}, lambda_pt={i.lambda_pt:.4g} (1 + lambda/c = {1 + i.lambda_pt / i.c_pt:.3g}), "
             f"gamma_ft={i.gamma_ft:.4g}; smallest FT scale k_min = {adv.k_min:.3g}",
             f"  paste: {adv.flags}",
             f"  E = {adv.E:.4g}" + (f" <= resolution {adv.resolution:g}: recovered exactly (lowest E found "
                                     f"{adv.E_lowest:.3g}; inits below the floor are equal, this is the least extreme)"
                                     if adv.recovered else "")
             + (f" (lowest E found approaching the frozen corner: {adv.corner_limit:.4g}; this init keeps "
                f"1 + lambda/c + gamma^2/(2c) >= {adv.corner_margin:g} from it)" if adv.corner_limit is not None else ""),
             f"  regime {r.regime.value} ({r.regime.description}; l-order {r.l_order:.3f}, PT dependence in "
             f"samples delta_S {r.pt_dependence_samples:.3f}: a new-feature task needs "
             f"{r.samples.sample_ratio:.3g}x the data of a shared one to reach E = {r.samples.level:g})"]
    ref = adv.reference
    if adv.E_default is not None:
        gain = adv.gain_dB
        note = ("" if gain is None else f" ({gain:.2f} dB worse)" if gain >= 0 else
                f" ({-gain:.2f} dB better: the reference lies outside the box searched)")
        lines.append(f"reference c_pt={ref.c_pt:g}, lambda_pt={ref.lambda_pt:g}, gamma_ft={ref.gamma_ft:g}: "
                     f"E = {adv.E_default:.4g}{note}")
    lines.append("best init per regime (regions: the calibrated delta_S label; [potential]: told by the potential "
                 "ratio, past the label budget):")
    for lab, b in adv.best_by_regime.items():
        lines.append(f"  {lab:>3}: E = {b.E:.4g}  at c_pt={b.init.c_pt:.4g}, lambda_pt={b.init.lambda_pt:.4g} "
                     f"(1 + lambda/c = {1 + b.init.lambda_pt / b.init.c_pt:.3g}), gamma_ft={b.init.gamma_ft:.4g}"
                     + ("" if b.definition == "samples" else "  [potential]"))
    lines.append(f"{adv.evaluations} evaluations, converged={adv.converged}: {adv.message}")
    return "\n".join(lines)
