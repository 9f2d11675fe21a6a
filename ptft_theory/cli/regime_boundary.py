"""``ptft boundary regime``: regime boundaries as curves in (log10 c_PT, lambda_PT / c_PT)."""

from __future__ import annotations

from .common import add_scheme, add_task, emit, examples, mpmath_str, task_from_args


def register(bsub, parser_class):
    p = bsub.add_parser("regime", help="regime boundaries in (log10 c_PT, lambda_PT/c_PT) at one gamma_FT",
                        description="Where the regime label changes: the l-order threshold (rich | lazy) or the "
                                    "PT-dependence threshold (PT-dependent | independent), traced on lines of "
                                    "the (log10 c_PT, lambda_PT / c_PT) plane at fixed --gamma-ft: the "
                                    "lambda_PT / c_PT of each --values log10 c_PT (--along lambda_over_c), or the "
                                    "log10 c_PT of each --values lambda_PT / c_PT (--along log10_c).  Each point "
                                    "gives the labels just below and above it.  --dps and --certify refine and "
                                    "prove the points (not for the 'samples' PT-dependence axis: float64 only).",
                        epilog=examples("ptft boundary regime --axis l_order --values -4 -2 0 2 --rho-pt 0.1 "
                                        "--rho-shared 0.05 --rho-new 0.05",
                                        "ptft boundary regime --axis pt_dependence --along log10_c --values -0.5 0.5 "
                                        "--definition potential --rho-pt 0.1 --rho-shared 0.05 --rho-new 0.05 "
                                        "--dps 30 --json"))
    p.add_argument("--axis", choices=["l_order", "pt_dependence"], required=True,
                   help="which threshold: l_order (rich | lazy) or pt_dependence")
    p.add_argument("--along", choices=["lambda_over_c", "log10_c"], default="lambda_over_c",
                   help="the solved coordinate (default lambda_over_c: --values are log10 c_PT)")
    p.add_argument("--values", type=float, nargs="+", required=True,
                   help="the lines: log10 c_PT values (--along lambda_over_c) or lambda_PT/c_PT values in (-1, 1]")
    p.add_argument("--gamma-ft", type=float, default=0.0, help="gamma_FT >= 0 (default 0)")
    p.add_argument("--definition", choices=["samples", "potential", "paper"], default="samples",
                   help="the label's definition (default samples: delta_S, two replica crossings per evaluation)")
    p.add_argument("--log10-c-range", type=float, nargs=2, default=[-4.0, 2.0], metavar=("LO", "HI"),
                   help="log10 c_PT searched (default -4 2)")
    p.add_argument("--ratio-range", type=float, nargs=2, default=[-1.0, 1.0], metavar=("LO", "HI"),
                   help="lambda_PT/c_PT searched, within [-1, 1] (default -1 1)")
    p.add_argument("--n-scan", type=int, default=16, help="scan points per line (default 16)")
    p.add_argument("--dps", type=int, default=None, help="refine each point to this many digits (mpmath kernels)")
    p.add_argument("--certify", action="store_true",
                   help="prove an interval around each point (ball arithmetic; relative width <= 10^-dps, dps 30)")
    add_task(p)
    add_scheme(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd)


def _cmd(args):
    from ..regime_boundaries import regime_boundary
    cur = regime_boundary(task_from_args(args), args.axis, args.values, gamma_ft=args.gamma_ft,
                          scheme=args.scheme, definition=args.definition, along=args.along,
                          log10_c_range=tuple(args.log10_c_range), ratio_range=tuple(args.ratio_range),
                          n_scan=args.n_scan, dps=args.dps, certify=args.certify)
    d = cur.as_dict()
    rows = []
    for ln in cur.lines:
        fixed = "log10_c" if cur.along == "lambda_over_c" else "lambda/c"
        if not ln.points:
            rows.append(f"{fixed}={ln.value:<8g} no boundary in the range")
        for p, pd in zip(ln.points, (q.as_dict() for q in ln.points)):
            cert = "  certified" if p.certified is not None else ""
            rows.append(f"log10_c={pd['log10_c']}  lambda/c={pd['lambda_over_c']}  (+- {mpmath_str(p.error)} in "
                        f"{p.solved})  {p.below} | {p.above}{cert}")
    head = f"{cur.axis} boundary ({cur.definition}, threshold {cur.threshold:g}, {cur.scheme}, gamma_FT={cur.gamma_ft:g}):"
    emit(args, d, "\n".join([head] + rows))
