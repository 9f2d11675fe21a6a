"""``ptft derive|scales|regime|simulate|curve|boundary``: the theory commands."""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT_SCHEME, Scheme
from .common import (Parser, add_init, add_scheme, add_task, device_arg, emit, examples, init_from_args,
                     mpmath_str, nonneg_int, task_from_args)

# --------------------------------------------------------------------------------- subcommands
def register_derive(sub):
    p = sub.add_parser("derive", help="print the symbolic results (plain text, unicode or LaTeX)",
                       description="Print the derived formulas of the symbolic layer (sympy), one per line: plain "
                                   "text that Python and sympy read back (default), --latex, or --pretty (2-D "
                                   "unicode, never wrapped: widen the terminal or pipe to less -S).",
                       epilog=examples("ptft derive --what regimes", "ptft derive --what potential --latex"))
    p.add_argument("--what", choices=["potential", "ft-scales", "regimes", "all"], default="all",
                   help="which formulas: the hyperbolic-entropy potential Q_k, its derivative, the Bregman "
                        "divergence and beta(s) (potential); the FT scale k and start b0 of both schemes "
                        "(ft-scales); the l-order and PT dependence of the regimes (regimes); or all (default)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--latex", action="store_true", help="LaTeX instead of plain text")
    fmt.add_argument("--pretty", action="store_true", help="2-D unicode art (one formula per block, no wrapping)")
    p.set_defaults(func=_cmd_derive)


def _cmd_derive(args):
    import sympy as sp

    from ..symbolic import ft_maps, potential, regimes
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
        if args.pretty:  # never wrapped: sympy's wrapping at 80 columns cut formulas into unreadable slices
            print(f"{name} =\n" + sp.pretty(expr, use_unicode=True, wrap_line=False) + "\n")
        else:
            print(f"{name} = " + (sp.latex(expr) if args.latex else sp.sstr(expr)))


def register_scales(sub):
    p = sub.add_parser("scales", help="FT scale k and start b0 per coordinate",
                       description="Compute the FT implicit-bias scale k and start b0 for given beta_PT values.",
                       epilog=examples("ptft scales --beta-pt 0 0.5 3.16 --c-pt 1e-3 --lambda-pt -9e-4",
                                       "ptft scales --beta-pt 0 3.16 --c-pt 1e-3 --lambda-pt -9e-4 --gamma-ft 0.1 "
                                       "--scheme readout --json"))
    p.add_argument("--beta-pt", type=float, nargs="+", required=True,
                   help="PT end points beta_PT, one per coordinate (0: a coordinate PT did not use)")
    add_init(p)
    add_scheme(p)
    p.add_argument("--dps", type=int, default=None, help="evaluate with mpmath at this many digits")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_scales)


def _cmd_scales(args):
    from ..scales import ft_scales
    k, b0 = ft_scales(args.beta_pt, args.c_pt, args.lambda_pt, args.gamma_ft, args.scheme, dps=args.dps)
    conv = (lambda a: [str(x) for x in a]) if args.dps else (lambda a: [float(x) for x in a])
    payload = {"scheme": args.scheme, "beta_pt": args.beta_pt, "k": conv(k), "b0": conv(b0)}
    text = "\n".join(f"beta_pt={bp:<12g} k={kk}  b0={bb}" for bp, kk, bb in zip(args.beta_pt, conv(k), conv(b0)))
    emit(args, payload, text)


def register_regime(sub):
    p = sub.add_parser("regime", help="classify an initialisation into the four FT regimes",
                       description="l-order, PT dependence and regime label of an initialisation for a task.",
                       epilog=examples("ptft regime --c-pt 1e-3 --lambda-pt -9e-4 --rho-pt 0.1 --rho-shared 0.05 "
                                       "--rho-new 0.05",
                                       "ptft regime --c-pt 1e-3 --lambda-pt -1e-3 --gamma-ft 0.1 --rho-pt 0.1 "
                                       "--rho-shared 0.05 --rho-new 0.05 --json"))
    add_init(p)
    add_task(p)
    add_scheme(p)
    p.add_argument("--definition", choices=["samples", "potential", "paper"], default=None,
                   help="PT-dependence axis of the label: samples (default, delta_S: the relative difference of "
                        "the data a new- and a shared-feature task need to reach E*), potential (a ratio of FT "
                        "potentials, no replica solve) or paper (the authors' l-order and feature dependence); "
                        "default: samples, or potential where the replica cannot solve the init (said in the output)")
    p.add_argument("--e-star", type=float, default=0.1, help="error level of delta_S's crossings (default 0.1)")
    from ..regime import DEFAULT_THRESHOLDS
    p.add_argument("--l-order-threshold", type=float, default=None,
                   help="l-order below which FT counts as rich (regimes I, IV), above as lazy (II, III); "
                        f"default {DEFAULT_THRESHOLDS.l_order:g}")
    p.add_argument("--pt-dependence-threshold", type=float, default=None,
                   help="PT dependence (definition potential) above which FT counts as PT-dependent (II, IV); "
                        f"default {DEFAULT_THRESHOLDS.pt_dependence:g}")
    p.add_argument("--pt-dependence-samples-threshold", type=float, default=None,
                   help="delta_S (definition samples) above which FT counts as PT-dependent (II, IV); "
                        f"default {DEFAULT_THRESHOLDS.pt_dependence_samples:.4g} (a new-feature task needs twice the data)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_regime)


def _cmd_regime(args):
    import dataclasses

    from ..regime import DEFAULT_THRESHOLDS, regime
    given = {"l_order": args.l_order_threshold, "pt_dependence": args.pt_dependence_threshold,
             "pt_dependence_samples": args.pt_dependence_samples_threshold}
    th = dataclasses.replace(DEFAULT_THRESHOLDS, **{k: v for k, v in given.items() if v is not None})
    r = regime(task_from_args(args), init_from_args(args), args.scheme, th, definition=args.definition,
               e_star=args.e_star)
    text = (f"regime {r.regime.value} ({r.regime.description}; {r.definition} definition): l-order {r.l_order:.4f}, "
            f"PT dependence {r.pt_dependence:.4f}")
    if r.samples is not None:
        text += (f", in samples delta_S {r.pt_dependence_samples:.4f} (alpha* {r.samples.alpha_shared:.4g} shared, "
                 f"{r.samples.alpha_new:.4g} new, E* = {r.samples.level:g})")
    if r.paper is not None:
        text += f", paper l-order {r.paper.l_order:.4f}, feature dependence {r.paper.feature_dependence:.4f}"
    emit(args, r.as_dict(), text + f", k_pt {r.k_pt:.4g}, k_new {r.k_new:.4g}" + (f"\n{r.note}" if r.note else ""))


def register_simulate(sub):
    p = sub.add_parser("simulate", help="train the diagonal network (PT then FT) and compare with the theory",
                       description="Draw teachers and data, run gradient flow (or the paper's GD), and compare "
                                   "its FT end point with the implicit-bias solution.",
                       epilog=examples("ptft simulate --dim 12 --n-pt 8 --n-ft 6 --c-pt 1 --rho-pt 0.25 "
                                       "--rho-shared 0.17 --rho-new 0.17",
                                       note="needs torch: pip install 'ptft-theory[sim]'"))
    p.add_argument("--dim", type=int, required=True, help="dimension D")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--n-pt", type=int, help="PT samples")
    g.add_argument("--alpha-pt", type=float, default=None,
                   help="PT samples as a ratio N_PT / D (finite PT data; adds the two-stage replica prediction)")
    p.add_argument("--n-ft", type=int, required=True, help="FT samples")
    add_init(p)
    add_task(p)
    add_scheme(p)
    p.add_argument("--mode", choices=["accurate", "gd"], default="accurate",
                   help="accurate: gradient flow integrated by an adaptive implicit ODE solver (Radau) to its end "
                        "point, the theory's object (default); gd: the paper's plain gradient descent (fixed "
                        "step, an approximation of the flow)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed of the teachers and data (an integer >= 0)")
    p.add_argument("--device", type=device_arg, default="cpu", help="cpu, cuda, cuda:N or auto (default cpu)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_simulate)


def _cmd_simulate(args):
    from ..scales import ft_scales
    from ..simulate import simulate_gradient_flow
    from ..solver import implicit_bias_solution
    from ..simulate import make_teachers, relative_error, sample_data
    from .. import _validate as V
    V.positive_int("dim", args.dim)
    if args.alpha_pt is not None:
        alpha_pt = V.positive("alpha_pt", args.alpha_pt)
        args.n_pt = int(round(alpha_pt * args.dim))
        if args.n_pt < 1:
            raise V.ParameterError(f"--alpha-pt={args.alpha_pt!r} gives no PT sample at --dim={args.dim}; valid range: "
                                   "alpha_pt * dim >= 0.5")
    for name in ("n_pt", "n_ft"):
        V.positive_int(name, getattr(args, name))
    # the data, the simulator's working copy and the solver's: three (n_pt + n_ft, dim) float64 arrays
    V.fits_memory("dim", args.dim, 3 * 8 * (args.n_pt + args.n_ft) * args.dim,
                  f"a simulation with n_pt={args.n_pt}, n_ft={args.n_ft}")
    init, task = init_from_args(args), task_from_args(args)
    seeds = np.random.SeedSequence(args.seed).spawn(3)
    T = make_teachers(task, args.dim, seeds[0])
    Xp, yp = sample_data(args.n_pt, T.beta_pt, seed=seeds[1])
    Xf, yf = sample_data(args.n_ft, T.beta_ft, seed=seeds[2])
    r = simulate_gradient_flow(Xp, yp, Xf, yf, init, args.scheme, mode=args.mode, device=args.device,
                               progress=None)  # a bar on stderr when it is a terminal
    k, b0 = ft_scales(r.beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, args.scheme)
    theory = implicit_bias_solution(Xf, yf, k, b0)
    dev = float(np.linalg.norm(r.beta_ft - theory) / np.linalg.norm(theory))
    payload = {"gf_vs_theory_relative_deviation": dev, "error_gf": float(relative_error(r.beta_ft, T.beta_ft)),
               "error_theory": float(relative_error(theory, T.beta_ft)), "steps_pt": r.pt.steps,
               "steps_ft": r.ft.steps, "beta_ft": r.beta_ft, "beta_theory": theory}
    text = (f"GF vs implicit-bias solution: relative deviation {dev:.3g}; FT error "
            f"{payload['error_gf']:.4g} (GF), {payload['error_theory']:.4g} (theory)")
    if args.alpha_pt is not None:  # finite PT data: the two-stage replica's prediction for this D-free problem
        from ..replica import generalization_error
        rep = generalization_error(task, init, args.n_ft / args.dim, args.scheme, alpha_pt=args.n_pt / args.dim)
        payload.update(alpha_pt=args.n_pt / args.dim, error_pt_gf=float(relative_error(r.beta_pt, T.beta_pt)),
                       replica_E=float(rep.E[0]), replica_E_pt=rep.E_pt)
        text += (f"; PT error {payload['error_pt_gf']:.4g} (GF); two-stage replica (D -> inf): FT {rep.E[0]:.4g}, "
                 f"PT {rep.E_pt:.4g}")
    emit(args, payload, text)


def register_curve(sub):
    p = sub.add_parser("curve", help="replica FT error vs alpha_FT",
                       description="Replica prediction of the relative FT generalization error over alpha = N_FT / D.",
                       epilog=examples("ptft curve --c-pt 0.01 --rho-pt 0.1 --rho-shared 0.05 --rho-new 0.05 "
                                       "--alpha 0.2 0.3 0.5",
                                       "ptft curve --c-pt 0.01 --lambda-pt -0.005 --gamma-ft 0.1 --rho-pt 0.1 "
                                       "--rho-shared 0.05 --rho-new 0.05 --alpha 0.3 --dps 30 --json"))
    add_init(p)
    add_task(p)
    add_scheme(p)
    p.add_argument("--alpha", type=float, nargs="+", required=True, help="sample ratios N_FT / D > 0")
    p.add_argument("--sigma", type=float, default=0.0, help="state-evolution noise level (default 0)")
    p.add_argument("--dps", type=int, default=None,
                   help="evaluate with mpmath at this many digits (JSON numbers become strings; adds E_error)")
    p.add_argument("--certify", action="store_true",
                   help="prove E with ball arithmetic: an interval of relative width <= 10^-dps (dps default 30)")
    p.add_argument("--alpha-pt", type=float, default=None,
                   help="finite PT data: PT on alpha_pt * D samples (two-stage replica; default: perfect PT)")
    p.add_argument("--sigma-pt", type=float, default=0.0, help="PT state-evolution noise (with --alpha-pt; default 0)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_curve)


def _cmd_curve(args):
    """One call of the API (it picks the path: two-stage, certified, mpmath or float64); the reply is the
    result's ``as_dict()`` with the scheme."""
    from ..replica import generalization_error
    r = generalization_error(task_from_args(args), init_from_args(args), args.alpha, args.scheme, args.sigma,
                             dps=args.dps, certify=args.certify, alpha_pt=args.alpha_pt, sigma_pt=args.sigma_pt)
    if isinstance(r, (list, tuple)):  # certified points: E as a proved interval, with the (tau, zeta) box
        emit(args, {"scheme": args.scheme, "certified": True, "points": [p.as_dict() for p in r]},
             "\n".join(f"alpha={p.alpha:<8g} E in {p.E}  (certified; relative width "
                       f"{p.E.as_dict()['relative_width']})" for p in r))
        return
    payload = {"scheme": args.scheme, **r.as_dict()}
    if hasattr(r, "E_pt"):  # finite PT data (ptft_theory.replica.two_stage)
        text = f"PT (alpha_pt={r.alpha_pt:g}): E_pt={r.E_pt:.6g}\n" + "\n".join(
            f"alpha={a:<8g} E={e:.8g}  ({db:.3f} dB)" for a, e, db in zip(r.alpha, r.E, r.E_dB))
    elif args.dps is not None:
        import mpmath
        text = "\n".join(f"alpha={a:<8g} E={e}  (+- {mpmath.nstr(err, 2)})"
                         for a, e, err in zip(r.alpha, payload["E"], r.error))
    else:
        text = "\n".join(f"alpha={a:<8g} E={e:.10g}  ({db:.3f} dB)" for a, e, db in zip(r.alpha, r.E, r.E_dB))
    if not getattr(r, "success", True):  # the digits above claim more than the result states (e.g. a tiny E)
        text += f"\nwarning: {r.message}"
    emit(args, payload, text)


def register_boundary(sub):
    p = sub.add_parser("boundary", help="phase boundaries in alpha (equal error, level crossing) and regime boundaries in (c_PT, lambda_PT)",
                       description="The alpha where E crosses a level, or where two initialisations or schemes give "
                                   "equal E; optionally traced over a parameter (--over/--values) and refined to "
                                   "--dps digits with the mpmath replica path.",
                       epilog=examples("ptft boundary level --level 0.5 --c-pt 0.01 --rho-pt 0.1 --rho-shared 0.05 "
                                       "--rho-new 0.05 --bracket 0.1 0.6",
                                       "ptft boundary regime --axis l_order --values -4 -2 0 2 --rho-pt 0.1 "
                                       "--rho-shared 0.05 --rho-new 0.05",
                                       "ptft boundary equal --c-pt-a 0.01 --c-pt-b 1 --rho-pt 0.1 --rho-shared 0.05 "
                                       "--rho-new 0.05 --bracket 0.1 0.9 --json",
                                       note="`ptft boundary level --help`, `ptft boundary equal --help` and "
                                            "`ptft boundary regime --help` list each kind's options."))
    bsub = p.add_subparsers(dest="kind", required=True, parser_class=Parser)
    lv = bsub.add_parser("level", help="alpha where E crosses --level",
                         description="The alpha = N_FT / D where the replica error E crosses --level (E falls with "
                                     "alpha), found in --bracket.",
                         epilog=examples("ptft boundary level --level 0.5 --c-pt 0.01 --rho-pt 0.1 --rho-shared 0.05 "
                                         "--rho-new 0.05 --bracket 0.1 0.6 --dps 30 --json"))
    lv.add_argument("--level", type=float, required=True, help="target relative error E > 0")
    add_init(lv)
    add_scheme(lv)
    eq = bsub.add_parser("equal", help="alpha where two inits (--c-pt-a/--c-pt-b ...) or schemes give equal E",
                         description="The alpha where two sides A and B give equal replica error: two schemes "
                                     "(--scheme-a/--scheme-b) at one init, or two inits (--c-pt-a/--c-pt-b, "
                                     "--lambda-pt-a/-b, --gamma-ft-a/-b; each defaults to the shared --c-pt, "
                                     "--lambda-pt, --gamma-ft).",
                         epilog=examples("ptft boundary equal --c-pt 0.01 --lambda-pt -0.005 --gamma-ft 0.1 "
                                         "--scheme-a readout --scheme-b merged --rho-pt 0.1 --rho-shared 0.05 "
                                         "--rho-new 0.05 --bracket 0.1 0.3",
                                         "ptft boundary equal --c-pt-a 0.01 --c-pt-b 1 --rho-pt 0.1 --rho-shared 0.05 "
                                         "--rho-new 0.05 --bracket 0.1 0.9 --json"))
    eq.add_argument("--c-pt", type=float, default=None, help="c_PT of both sides (unless --c-pt-a/-b)")
    eq.add_argument("--lambda-pt", type=float, default=0.0, help="lambda_PT of both sides (default 0)")
    eq.add_argument("--gamma-ft", type=float, default=0.0, help="gamma_FT of both sides (default 0)")
    for side in ("a", "b"):
        eq.add_argument(f"--c-pt-{side}", type=float, default=None, help=f"c_PT of side {side.upper()} (default --c-pt)")
        eq.add_argument(f"--lambda-pt-{side}", type=float, default=None,
                        help=f"lambda_PT of side {side.upper()} (default --lambda-pt)")
        eq.add_argument(f"--gamma-ft-{side}", type=float, default=None,
                        help=f"gamma_FT of side {side.upper()} (default --gamma-ft)")
        eq.add_argument(f"--scheme-{side}", choices=[s.value for s in Scheme], default=None,
                        help=f"scheme of this side (default {DEFAULT_SCHEME.value})")
    for q in (lv, eq):
        add_task(q)
        q.add_argument("--bracket", type=float, nargs=2, default=[0.05, 0.95], metavar=("LO", "HI"),
                       help="alpha interval holding one sign change (default 0.05 0.95)")
        q.add_argument("--sigma", type=float, default=0.0, help="state-evolution noise level (default 0)")
        q.add_argument("--dps", type=int, default=None, help="refine to this many digits with mpmath")
        q.add_argument("--certify", action="store_true",
                       help="prove an alpha interval (relative width <= 10^-dps, dps default 30) with ball arithmetic")
        q.add_argument("--over", default=None,
                       help="trace a curve over this parameter (e.g. lambda_pt, rho_new; a.c_pt or b.c_pt for one "
                            "side of equal)")
        q.add_argument("--values", type=float, nargs="+", default=None, help="values of --over")
        q.add_argument("--json", action="store_true")
        q.set_defaults(func=_cmd_boundary)
    from .regime_boundary import register as register_regime_boundary
    register_regime_boundary(bsub, Parser)


def _cmd_boundary(args):
    from ..replica.boundaries import equal_error_alpha, level_crossing_alpha  # the module's names (tests patch them)
    from ..replica.boundary_curve import boundary_curve
    from ..config import Init
    from ..errors import ParameterError
    task = task_from_args(args)
    if args.kind == "level":
        init_a, init_b, scheme_a, scheme_b = init_from_args(args), None, args.scheme, None
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
            iv = level_crossing_alpha(task, init_a, args.level, scheme_a, bracket=tuple(args.bracket),
                                      sigma=args.sigma, dps=args.dps, certify=True)
        else:
            iv = equal_error_alpha(task, init_a, init_b, scheme_a=scheme_a, scheme_b=scheme_b,
                                   bracket=tuple(args.bracket), sigma=args.sigma, dps=args.dps, certify=True)
        d = iv.as_dict()
        emit(args, dict(kind=args.kind, **d), f"alpha in {iv}  (certified; relative width {d['relative_width']})")
        return
    if args.over is not None:
        cur = boundary_curve(task, init_a, args.kind, args.over, args.values, init_b=init_b, scheme=scheme_a,
                             scheme_b=scheme_b, level=getattr(args, "level", None), bracket=tuple(args.bracket),
                             sigma=args.sigma, dps=args.dps)
        payload = cur.as_dict()
        text = "\n".join(f"{args.over}={v:<12g} alpha={p.alpha_str}  (+- {mpmath_str(p.error)})"
                         for v, p in zip(cur.values.tolist(), cur.points))
        emit(args, payload, text)
        return
    if args.kind == "level":
        r = level_crossing_alpha(task, init_a, args.level, scheme_a, bracket=tuple(args.bracket), sigma=args.sigma,
                                 dps=args.dps)
    else:
        r = equal_error_alpha(task, init_a, init_b, scheme_a=scheme_a, scheme_b=scheme_b, bracket=tuple(args.bracket),
                              sigma=args.sigma, dps=args.dps)
    emit(args, r.as_dict(), f"alpha={r.alpha_str}  (+- {mpmath_str(r.error)}; E at the root: "
                             + ", ".join(r.as_dict()["E"]) + ")")
