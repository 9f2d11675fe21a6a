"""The paper's theory figures (arXiv 2602.20062, Figs. 2, 3 and 5), from recorded TOML configs.

``ptft figures [--quick] [--out DIR] [--configs DIR] [--workers N] [--backend local|ray]`` reads
``fig{2,3,5}.toml`` (shipped with the package as ``ptft_theory/configs/``, a link to the checkout's
``validation/configs/``), evaluates every point through :func:`ptft_theory.sweep.run_sweep` (cached
by config hash under ``OUT/cache/``, so a rerun or an interrupted run only computes what is
missing), writes the data as CSV to ``OUT/results/`` and the figures as PNG and PDF to
``OUT/figures/``.  ``OUT`` defaults to ``./validation`` relative to the current directory (in a
checkout's root, the checkout's ``validation/``); nothing is ever written inside the package.

Every point's config holds :func:`code_hash`, a hash of all the package's source files, the C
library built at run time and the dependency versions, so no cached point (nor a cached failure)
outlives the code that computed it.

Point kinds (each a module-level function of a JSON config, so it runs in worker processes and on Ray):

* ``regime_slice``: regime descriptors over a (c_PT, lambda_PT / c_PT) grid at one (scheme, gamma_FT);
* ``sim_error``: one FT problem at dimension D (teachers and data seeded from the config, beta_PT =
  the PT teacher, ``(k, b0) = ft_scales``, end point = ``implicit_bias_solution``) -> relative error;
* ``replica_curve``: the replica error of one (init, task, scheme) on an alpha grid.

The ``[quick]`` table of each config is merged over the rest for ``--quick``.
"""

from __future__ import annotations

import functools
import sys
import dataclasses
import os
from pathlib import Path

import numpy as np

from . import _validate as V
from .config import Init, Task
from .errors import ParameterError
from ._io import read_toml_config, savefig_atomic, write_csv_atomic
from .sweep import code_fingerprint, derive_seed, run_sweep

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent  # the checkout, for an editable install (site-packages for a wheel: never written)
#: The recorded figure configs, shipped with the package (a link to the checkout's validation/configs).
CONFIG_DIR = PACKAGE_DIR / "configs"
#: Default output folder: relative to the current directory, never inside the installed package.
DEFAULT_OUT = Path("validation")
FIGURES = ("fig2", "fig3", "fig5", "fig5_readout", "advantage_map")
REGIME_COLORS = {"I": "#1b9e77", "II": "#d95f02", "III": "#7570b3", "IV": "#e7298a"}
REGIME_NAMES = {"I": "I rich, less PT-dep.", "II": "II lazy, PT-dep.", "III": "III lazy, PT-indep.",
                "IV": "IV rich, PT-dep."}


# ------------------------------------------------------------------------------------- configs
def load_config(name: str, quick: bool = False, config_dir=None) -> dict:
    """Load ``<config_dir>/<name>.toml``; with ``quick`` its ``[quick]`` table is merged over it."""
    if name not in FIGURES:
        raise ParameterError(f"figure={name!r} is invalid; valid: {', '.join(FIGURES)}")
    return read_toml_config(Path(config_dir or CONFIG_DIR) / f"{name}.toml", quick)


#: Point kinds that may run the compiled replica moments (their key also hashes the built library).
_USES_C = ("replica_curve",)


@functools.lru_cache(maxsize=None)
def code_hash(kind: str) -> str:
    """Short SHA-256 of all code a point of ``kind`` can run: part of every point's config.

    Computed, not listed by hand (:func:`ptft_theory.sweep.code_fingerprint`): every ``*.py``,
    ``*.c`` and ``*.h`` file of the installed package, the Python/numpy/scipy/mpmath/sympy/torch
    versions, and for replica points the bytes of the C library compiled at run time (or "none" when
    the numpy path runs).  Any edit recomputes every point, a failed point included.
    """
    if kind not in _KINDS:
        raise ParameterError(f"kind={kind!r} is invalid; valid: {', '.join(_KINDS)}")
    extra = ()
    if kind in _USES_C:
        from ._cmoments import library_fingerprint
        extra = (library_fingerprint(),)
    return code_fingerprint(PACKAGE_DIR, extra)


def _alpha_grid(rep: dict) -> list[float]:
    return [float(a) for a in np.linspace(rep["alpha_min"], rep["alpha_max"], int(rep["n_alpha"]))]


# ---------------------------------------------------------------------------------- point kinds
def regime_slice(cfg: dict) -> dict:
    """Regime descriptors over a cell-centred (log10 c_PT, lambda_PT / c_PT) grid at one gamma_FT."""
    from .regime import regime
    task = Task(**cfg["task"])
    lo, hi = cfg["c_pt_log10"]
    n_c, n_r = int(cfg["n_c"]), int(cfg["n_ratio"])
    edges_c = np.linspace(lo, hi, n_c + 1)
    log_c = 0.5 * (edges_c[1:] + edges_c[:-1])
    edges_r = np.linspace(-1.0, 1.0, n_r + 1)
    ratio = 0.5 * (edges_r[1:] + edges_r[:-1])
    rows = []
    for lc in log_c:
        c = float(10.0**lc)
        for r in ratio:
            try:
                res = regime(Init(c, float(r) * c, cfg["gamma_ft"]), task, cfg["scheme"])
                rows.append([c, float(r), res.l_order, res.pt_dependence, res.k_pt, res.k_new, res.regime.value])
            except ValueError:  # every coordinate frozen: no regime defined
                rows.append([c, float(r), None, None, None, None, "undefined"])
    return {"rows": rows}


def sim_error(cfg: dict) -> dict:
    """Relative FT error of one seeded problem (implicit-bias end point, beta_PT = PT teacher)."""
    from .scales import ft_scales
    from .solver import implicit_bias_solution
    from .tasks import make_teachers, relative_error, sample_data
    task, init = Task(**cfg["task"]), Init(**cfg["init"])
    T = make_teachers(cfg["D"], task, cfg["seed_teacher"])
    X, y = sample_data(cfg["N"], T.beta_ft, cfg.get("sigma", 0.0), seed=cfg["seed_data"])
    k, b0 = ft_scales(T.beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, cfg["scheme"])
    beta = implicit_bias_solution(X, y, k, b0)
    return {"E": float(relative_error(beta, T.beta_ft))}


def gd_error(cfg: dict) -> dict:
    """The paper's protocol on a batch of seeded problems: GD for PT (on ``N_pt`` samples) then FT.

    Returns the FT relative error of GD's end point, and of the implicit-bias solution at the PT
    teacher (what the replica theory assumes) on the same data, per seed, with GD's convergence flags.
    """
    import torch

    from .scales import ft_scales
    from .simulate import simulate_gradient_flow
    from .solver import implicit_bias_solution
    from .tasks import make_teachers, relative_error, sample_data
    torch.set_num_threads(1)
    task, init = Task(**cfg["task"]), Init(**cfg["init"])
    Xp, yp, Xf, yf, Ts = [], [], [], [], []
    for st, sp, sf in zip(cfg["seeds_teacher"], cfg["seeds_pt"], cfg["seeds_data"]):
        T = make_teachers(cfg["D"], task, st)
        a, b = sample_data(cfg["N_pt"], T.beta_pt, seed=sp)
        c, d = sample_data(cfg["N"], T.beta_ft, seed=sf)
        Xp.append(a), yp.append(b), Xf.append(c), yf.append(d), Ts.append(T)
    r = simulate_gradient_flow(np.array(Xp), np.array(yp), np.array(Xf), np.array(yf), init.c_pt, init.lambda_pt,
                               init.gamma_ft, cfg["scheme"], mode="gd", dtype=torch.float64,
                               max_steps=int(cfg["max_steps"]), raise_on_failure=False)
    E_gd, E_ib = [], []
    for i, T in enumerate(Ts):
        E_gd.append(float(relative_error(r.beta_ft[i], T.beta_ft)))
        k, b0 = ft_scales(T.beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, cfg["scheme"])
        E_ib.append(float(relative_error(implicit_bias_solution(Xf[i], yf[i], k, b0), T.beta_ft)))
    return {"E_gd": E_gd, "E_implicit_bias": E_ib, "pt_converged": [bool(x) for x in r.pt.converged],
            "ft_converged": [bool(x) for x in r.ft.converged], "steps_pt": int(r.pt.steps), "steps_ft": int(r.ft.steps)}


def replica_curve(cfg: dict) -> dict:
    """Replica relative error of one (init, task, scheme) on ``cfg["alphas"]``."""
    if not replica_available():
        from .errors import ReplicaError
        raise ReplicaError("ptft_theory.replica is not part of this checkout")
    from .replica import generalization_error
    try:
        res = generalization_error(np.asarray(cfg["alphas"], dtype=float), Task(**cfg["task"]), Init(**cfg["init"]),
                                   scheme=cfg["scheme"], sigma=cfg.get("sigma", 0.0))
    except (ValueError, RuntimeError, ArithmeticError) as e:
        # recorded (the figure omits this line and says so); the source hash in the config makes a
        # fixed replica solver recompute it
        return {"E": None, "error": f"{type(e).__name__}: {e}"}
    return {"E": [float(x) for x in np.asarray(getattr(res, "E", res), dtype=float).ravel()]}


def _point(cfg: dict) -> dict:
    """Dispatch on ``cfg["kind"]`` (the function a sweep runs)."""
    return _KINDS[cfg["kind"]](cfg)


_KINDS = {"regime_slice": regime_slice, "sim_error": sim_error, "replica_curve": replica_curve, "gd_error": gd_error}


def replica_available() -> bool:
    """True when this package's own ``replica.py`` provides ``generalization_error``.

    Checks the file next to this module first: an editable install of another checkout can
    otherwise satisfy ``import ptft_theory.replica`` with that checkout's file.
    """
    if not (Path(__file__).resolve().parent / "replica.py").exists():
        return False
    try:
        from . import replica
    except ImportError:
        return False
    return hasattr(replica, "generalization_error")


# ----------------------------------------------------------------------------------- helpers
@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How to run the sweeps.

    Attributes:
        out: folder receiving ``figures/`` and ``results/``.
        cache_dir: the sweep cache (default ``<out>/cache``).
        workers: local processes.
        backend: ``"local"`` or ``"ray"``.
        progress: progress lines on stderr.
        quick: use the ``[quick]`` sizes of the configs.
    """

    out: Path = DEFAULT_OUT
    cache_dir: Path | None = None
    workers: int = 1
    backend: str = "local"
    progress: bool = True
    quick: bool = False

    def sweep(self, configs, desc, stats=None):
        cache = Path(self.cache_dir) if self.cache_dir is not None else Path(self.out) / "cache"
        return run_sweep(_point, configs, cache, workers=self.workers, backend=self.backend,
                         progress=self.progress, desc=desc, stats=stats)


def _write_csv(path: Path, header, rows):
    write_csv_atomic(path, header, rows)


def _save(fig, out: Path, stem: str) -> list[Path]:
    """PNG and PDF of ``fig``, each written atomically (a killed or concurrent run leaves no torn file)."""
    d = Path(out) / "figures"
    paths = []
    for ext in ("png", "pdf"):
        p = d / f"{stem}.{ext}"
        savefig_atomic(fig, p, dpi=130, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None)
        paths.append(p)
    return paths


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _sim_configs(D, task: dict, init: dict, scheme: str, alphas, seeds: int, base_seed: int) -> list[dict]:
    """One ``sim_error`` config per (alpha, seed).  Teachers depend on (D, task, rep) only and data on
    (D, task, N, rep), so every init sees the same draws (common random numbers)."""
    out = []
    for a in alphas:
        N = max(1, int(round(a * D)))
        for rep in range(seeds):
            draw = {"base_seed": base_seed, "D": D, "task": task, "rep": rep}
            out.append({"kind": "sim_error", "code": code_hash("sim_error"), "D": D, "N": N, "alpha": a, "task": task, "init": init,
                        "scheme": scheme, "rep": rep, "seed_teacher": derive_seed(draw),
                        "seed_data": derive_seed({**draw, "N": N})})
    return out


def _mean_se(values):
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
    return float(v.mean()), se


# ---------------------------------------------------------------------------------------- Fig. 2
def figure2(opts: RunOptions, config_dir=None) -> list[Path]:
    """Regime map over (c_PT, lambda_PT, gamma_FT) at rho_FT = 0.1, per scheme."""
    from .regime import DEFAULT_THRESHOLDS as TH
    cfg = load_config("fig2", opts.quick, config_dir)
    g = cfg["grid"]
    points = [{"kind": "regime_slice", "code": code_hash("regime_slice"), "scheme": s, "gamma_ft": float(gam), "task": cfg["task"],
               "c_pt_log10": g["c_pt_log10"], "n_c": g["n_c"], "n_ratio": g["n_ratio"]}
              for s in cfg["schemes"] for gam in g["gamma_ft"]]
    results = opts.sweep(points, "fig2 regime map")
    header = ["scheme", "gamma_ft", "c_pt", "lambda_over_c", "lambda_pt", "l_order", "pt_dependence", "k_pt",
              "k_new", "regime"]
    rows = [[p["scheme"], p["gamma_ft"], r[0], r[1], r[0] * r[1], *r[2:]] for p, res in zip(points, results)
            for r in res["rows"]]
    _write_csv(Path(opts.out) / "results" / "fig2_regime_map.csv", header, rows)

    plt = _plt()
    from matplotlib.colors import ListedColormap
    labels = ["I", "II", "III", "IV"]
    cmap = ListedColormap([REGIME_COLORS[k] for k in labels]).with_extremes(bad="#bbbbbb")
    schemes, gammas = cfg["schemes"], g["gamma_ft"]
    fig, axes = plt.subplots(len(schemes), 1 + len(gammas), figsize=(4.2 * (1 + len(gammas)), 3.8 * len(schemes)),
                             squeeze=False)
    it = iter(zip(points, results))
    for i, scheme in enumerate(schemes):
        ax0 = axes[i, 0]
        for j, gam in enumerate(gammas):
            p, res = next(it)
            arr = res["rows"]
            n_c, n_r = int(p["n_c"]), int(p["n_ratio"])
            lab = np.array([labels.index(r[6]) if r[6] in labels else np.nan for r in arr], float).reshape(n_c, n_r)
            lo_ = np.array([np.nan if r[2] is None else r[2] for r in arr], float).reshape(n_c, n_r)
            de_ = np.array([np.nan if r[3] is None else r[3] for r in arr], float).reshape(n_c, n_r)
            log_c = np.log10([arr[a * n_r][0] for a in range(n_c)])
            ratio = np.array([arr[b][1] for b in range(n_r)])
            ax = axes[i, 1 + j]
            ax.pcolormesh(log_c, ratio, np.ma.masked_invalid(lab).T, cmap=cmap, vmin=-0.5, vmax=3.5, shading="nearest")
            if np.nanmin(lo_) < TH.l_order < np.nanmax(lo_):
                ax.contour(log_c, ratio, lo_.T, [TH.l_order], colors="k", linestyles="--", linewidths=1)
            if np.nanmin(de_) < TH.pt_dependence < np.nanmax(de_):
                ax.contour(log_c, ratio, de_.T, [TH.pt_dependence], colors="k", linestyles=":", linewidths=1.2)
            for k_, name in enumerate(labels):
                m = lab == k_
                if m.sum() > 0.02 * m.size:
                    ci, ri = np.argwhere(m)[len(np.argwhere(m)) // 2]
                    ax.text(log_c[ci], ratio[ri], name, ha="center", va="center", fontsize=12, weight="bold",
                            color="white")
            ax.set_xlabel(r"$\log_{10} c_{PT}$")
            ax.set_ylabel(r"$\lambda_{PT} / c_{PT}$")
            ax.set_title(f"{scheme}: regime label, $\\gamma_{{FT}}$ = {gam:g}", fontsize=10)
            ok = ~np.isnan(lab.ravel())
            ax0.scatter(lo_.ravel()[ok], de_.ravel()[ok], s=6, alpha=0.5,
                        c=[REGIME_COLORS[labels[int(x)]] for x in lab.ravel()[ok]],
                        marker=["o", "s", "^", "D"][j % 4])
        ax0.axvline(TH.l_order, color="k", ls="--", lw=1)
        ax0.axhline(TH.pt_dependence, color="k", ls=":", lw=1.2)
        ax0.set_xlim(0.95, 2.02)
        ax0.set_ylim(-1.02, 1.02)
        for name, (x, y) in {"I": (1.05, -0.9), "II": (1.93, 0.9), "III": (1.93, -0.9), "IV": (1.05, 0.9)}.items():
            ax0.text(x, y, name, fontsize=13, weight="bold", color=REGIME_COLORS[name], ha="center", va="center")
        ax0.set_xlabel("l-order p at a PT feature (1 rich, 2 lazy)")
        ax0.set_ylabel(r"PT dependence $\delta$")
        ax0.set_title(f"{scheme}: descriptor plane (all grid points)", fontsize=10)
    handles = [plt.Line2D([], [], ls="", marker="s", ms=9, color=REGIME_COLORS[k], label=REGIME_NAMES[k]) for k in labels]
    handles += [plt.Line2D([], [], ls="--", color="k", label=f"l-order threshold {TH.l_order:g}"),
                plt.Line2D([], [], ls=":", color="k", label=f"PT-dependence threshold {TH.pt_dependence:g}")]
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=9, frameon=False, bbox_to_anchor=(0.5, -0.03))
    fig.suptitle(cfg["title"] + f" (rho_shared = {cfg['task']['rho_shared']:g}, rho_new = {cfg['task']['rho_new']:g})")
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    paths = _save(fig, opts.out, "fig2_regime_map")
    plt.close(fig)
    return paths + [Path(opts.out) / "results" / "fig2_regime_map.csv"]


# -------------------------------------------------------------------------------- Figs. 3 and 5
def _curve_grid(cfg, opts, curves, stem, desc):
    """Replica and simulation sweeps for ``curves`` = list of dicts (panel, label, init, task, scheme)."""
    sim, rep = cfg["sim"], cfg["replica"]
    alphas_r = _alpha_grid(rep)
    have_replica = replica_available()
    sim_pts, owners = [], []
    for ci, c in enumerate(curves):
        pts = _sim_configs(int(sim["D"]), c["task"], c["init"], c["scheme"], sim["alphas"], int(sim["seeds"]),
                           int(sim["base_seed"]))
        sim_pts += pts
        owners += [ci] * len(pts)
    panels = rep.get("panels")  # optional: replica lines only in these panels (quick runs)
    with_rep = [have_replica and (panels is None or c["panel"] in panels) for c in curves]
    rep_pts = [{"kind": "replica_curve", "code": code_hash("replica_curve"), "alphas": alphas_r, "task": c["task"],
                "init": c["init"], "scheme": c["scheme"]} for c, w in zip(curves, with_rep) if w]
    done = iter(opts.sweep(rep_pts, f"{desc} replica") if rep_pts else [])
    rep_res = [next(done) if w else None for w in with_rep]
    sim_res = opts.sweep(sim_pts, f"{desc} simulations (D={sim['D']})")

    ident = ["panel", "label", "scheme", "c_pt", "lambda_pt", "gamma_ft", "rho_pt", "rho_shared", "rho_new"]

    def idrow(c):
        return [c["panel"], c["label"], c["scheme"], c["init"]["c_pt"], c["init"]["lambda_pt"], c["init"]["gamma_ft"],
                c["task"]["rho_pt"], c["task"]["rho_shared"], c["task"]["rho_new"]]

    rep_rows = []
    for c, r in zip(curves, rep_res):
        c["replica_alpha"], c["replica_E"] = alphas_r, (r["E"] if r else None)
        if r and r["E"] is None:
            print(f"{desc}: replica failed for {c['label']!r} ({c['scheme']}, init {c['init']}, task {c['task']}): "
                  f"{r['error']}; line omitted", file=sys.stderr)
        elif r:
            rep_rows += [idrow(c) + [a, e] for a, e in zip(alphas_r, r["E"])]
    if have_replica:
        _write_csv(Path(opts.out) / "results" / f"{stem}_replica.csv", ident + ["alpha", "E_replica"], rep_rows)
    sim_rows = []
    for ci, c in enumerate(curves):
        by_alpha = {}
        for p, r, o in zip(sim_pts, sim_res, owners):
            if o == ci:
                by_alpha.setdefault(p["alpha"], []).append(r["E"])
        c["sim"] = []
        for a in sim["alphas"]:
            m, se = _mean_se(by_alpha[a])
            c["sim"].append((a, m, se))
            sim_rows.append(idrow(c) + [int(sim["D"]), a, len(by_alpha[a]), m, se])
    _write_csv(Path(opts.out) / "results" / f"{stem}_simulation.csv",
               ident + ["D", "alpha", "n_seeds", "E_mean", "E_se"], sim_rows)
    return curves, have_replica


def _plot_curves(ax, curves, colors=None):
    """Replica line and +-2 SE simulation points per curve; a curve's ``color`` (index) and ``style``
    (0 solid/circles, 1 dashed/open squares, 2 dotted/open triangles, then cycling) override the defaults."""
    for i, c in enumerate(curves):
        col = (colors or {}).get(c.get("regime")) or f"C{c.get('color', i)}"
        style = int(c.get("style", 0)) % 3
        if c.get("replica_E") is not None:
            ax.plot(c["replica_alpha"], c["replica_E"], color=col, lw=1.6, ls=["-", "--", ":"][style], label=c["label"])
        a, m, se = (np.array(x) for x in zip(*c["sim"]))
        ax.errorbar(a, m, yerr=2 * se, fmt=["o", "s", "^"][style], ms=4, color=col, capsize=2,
                    mfc=[col, "none", "none"][style], label=None if c.get("replica_E") is not None else c["label"])
    ax.set_xlabel(r"$\alpha_{FT} = N_{FT} / D$")
    ax.set_ylabel(r"relative error $\|\hat\beta-\beta^*\|^2 / \|\beta^*\|^2$")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)


def figure3(opts: RunOptions, config_dir=None) -> list[Path]:
    """Error vs alpha_FT, replica lines and simulation points, six panels."""
    cfg = load_config("fig3", opts.quick, config_dir)
    curves = []
    for pi, panel in enumerate(cfg["panels"]):
        variants = panel.get("tasks") or [{"label": None, "task": {}}]  # one curve per (task variant, curve)
        for vi, var in enumerate(variants):
            for ci, cur in enumerate(panel["curves"]):
                init = {**cfg["baseline"]["init"], **cur.get("init", {})}
                task = {**cfg["baseline"]["task"], **var["task"], **cur.get("task", {})}
                Init(**init), Task(**task)  # validate the recorded config early
                label = cur["label"] if var["label"] is None else f"{cur['label']}, {var['label']}"
                curves.append({"panel": pi, "label": label, "init": init, "task": task, "color": ci,
                               "style": vi, "scheme": cur.get("scheme", cfg["scheme"])})
    curves, have_replica = _curve_grid(cfg, opts, curves, "fig3", "fig3")
    gd = _gd_points(cfg, opts, curves) if cfg.get("gd") else []
    plt = _plt()
    n = len(cfg["panels"])
    ncol = 3
    nrow = -(-n // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, 4.0 * nrow), squeeze=False)
    for pi, panel in enumerate(cfg["panels"]):
        ax = axes.flat[pi]
        _plot_curves(ax, [c for c in curves if c["panel"] == pi])
        for gi, g_ in enumerate(x for x in gd if x["panel"] == pi):
            ax.errorbar([g_["alpha"]], [g_["E_mean"]], yerr=[2 * g_["E_se"]], fmt="x", ms=8, mew=2,
                        color=f"C{g_['color']}", capsize=3,
                        label=None if gi else f"x: paper's GD protocol, D = {g_['D']} (same colours)")
        ax.set_title(panel["title"], fontsize=10)
        ax.legend(fontsize=7.5)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    b = cfg["baseline"]
    sub = (f"baseline: c_PT = {b['init']['c_pt']:g}, lambda_PT = {b['init']['lambda_pt']:g}, gamma_FT = "
           f"{b['init']['gamma_ft']:g}, rho_PT = {b['task']['rho_pt']:g}, rho_shared = {b['task']['rho_shared']:g}, "
           f"rho_new = {b['task']['rho_new']:g} unless a panel says otherwise; scheme {cfg['scheme']}. Lines: replica"
           f"{'' if have_replica else ' (NOT AVAILABLE: ptft_theory.replica missing)'}; points: simulations, "
           f"D = {cfg['sim']['D']}, {cfg['sim']['seeds']} seeds, +-2 SE")
    fig.suptitle(cfg["title"] + "\n" + sub, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    paths = _save(fig, opts.out, "fig3_error_curves")
    plt.close(fig)
    res = Path(opts.out) / "results"
    return paths + [res / "fig3_simulation.csv"] + ([res / "fig3_replica.csv"] if have_replica else []) + \
        ([res / "fig3_gd_protocol.csv"] if gd else [])


def _gd_points(cfg, opts, curves) -> list[dict]:
    """A few points of the paper's GD protocol (``[gd]`` of fig3.toml), batched over seeds."""
    g = cfg["gd"]
    D, base = int(g["D"]), int(cfg["sim"]["base_seed"])
    pts, meta = [], []
    for c in curves:
        if c["label"] not in g["curves"] or c["panel"] != int(g.get("panel", 0)):
            continue
        color = c.get("color", [x for x in curves if x["panel"] == c["panel"]].index(c))
        for a in g["alphas"]:
            N = max(1, int(round(a * D)))
            draws = [{"base_seed": base, "D": D, "task": c["task"], "rep": rep, "protocol": "gd"}
                     for rep in range(int(g["seeds"]))]
            pts.append({"kind": "gd_error", "code": code_hash("gd_error"), "D": D, "N": N, "N_pt": int(g["n_pt_factor"] * D), "alpha": a,
                        "task": c["task"], "init": c["init"], "scheme": c["scheme"], "max_steps": int(g["max_steps"]),
                        "seeds_teacher": [derive_seed(d) for d in draws],
                        "seeds_pt": [derive_seed({**d, "phase": "pt"}) for d in draws],
                        "seeds_data": [derive_seed({**d, "N": N}) for d in draws]})
            meta.append((c, color, a))
    res = opts.sweep(pts, f"fig3 GD protocol (D={D})")
    out, rows = [], []
    for (c, color, a), r in zip(meta, res):
        m, se = _mean_se(r["E_gd"])
        mi, sei = _mean_se(r["E_implicit_bias"])
        conv = all(r["pt_converged"]) and all(r["ft_converged"])
        out.append({"panel": c["panel"], "color": color, "alpha": a, "E_mean": m, "E_se": se, "D": D,
                    "all_converged": conv})
        rows.append([c["panel"], c["label"], c["scheme"], c["init"]["c_pt"], c["init"]["lambda_pt"],
                     c["init"]["gamma_ft"], D, a, len(r["E_gd"]), m, se, mi, sei,
                     sum(r["pt_converged"]), sum(r["ft_converged"]), r["steps_pt"], r["steps_ft"]])
    _write_csv(Path(opts.out) / "results" / "fig3_gd_protocol.csv",
               ["panel", "label", "scheme", "c_pt", "lambda_pt", "gamma_ft", "D", "alpha", "n_seeds", "E_gd_mean",
                "E_gd_se", "E_implicit_bias_mean", "E_implicit_bias_se", "n_pt_converged", "n_ft_converged",
                "steps_pt", "steps_ft"], rows)
    return out


def fig5_curves(cfg: dict, name: str = "fig5") -> list[dict]:
    """One curve per (task, init) of a Fig. 5 config, all on the config's one ``scheme``.

    With ``check_regimes`` (the paper's figure) each init's label must be what :func:`regime` gives on
    every task (a mismatch is an error); without it (the readout companion) the label regime() gives
    is recorded as ``regime_found``.  ``regime`` is always the init's name (I-IV): colour and ranking key.
    """
    from .regime import regime
    scheme, check = cfg["scheme"], bool(cfg.get("check_regimes", True))
    curves = []
    for ti, t in enumerate(cfg["tasks"]):
        task = Task(**t["task"])
        for it in cfg["inits"]:
            init = Init(**it["init"])
            got = regime(init, task, scheme).regime.value
            if check and got != it["regime"]:
                raise ParameterError(f"{name} init {it['label']!r} is regime {got} on task {t['name']!r} under "
                                 f"{scheme!r}, not {it['regime']}: fix validation/configs/{name}.toml")
            label = it["label"] if check else f"{it['label']}: regime {got}"
            curves.append({"panel": ti, "label": label, "regime": it["regime"], "regime_found": got,
                           "task_name": t["name"], "init": dict(it["init"]), "task": dict(t["task"]), "scheme": scheme})
    return curves


def fig5_ordering(curves: list[dict], key: str = "replica_E") -> dict[str, dict[str, float]]:
    """Mean error over the alpha grid per (task name, regime): the ranking metric of Fig. 5."""
    table: dict[str, dict[str, float]] = {}
    for c in curves:
        vals = c[key] if key == "replica_E" else [m for _, m, _ in c["sim"]]
        if vals is None:
            continue
        table.setdefault(c["task_name"], {})[c["regime"]] = float(np.mean(vals))
    return table


def figure5(opts: RunOptions, config_dir=None, name: str = "fig5") -> list[Path]:
    """The four regime initialisations on three FT tasks, one scheme; writes the ordering table as well.

    ``name="fig5_readout"`` is the companion: the same inits under the "readout" scheme."""
    cfg = load_config(name, opts.quick, config_dir)
    curves, have_replica = _curve_grid(cfg, opts, fig5_curves(cfg, name), name, name)
    found = {(c["task_name"], c["regime"]): c["regime_found"] for c in curves}
    rows = []
    for key in (["replica_E"] if have_replica else []) + ["sim"]:
        table = fig5_ordering(curves, key)
        for t in cfg["tasks"]:
            vals = table[t["name"]]
            best = min(vals, key=vals.get)
            for reg, v in sorted(vals.items(), key=lambda kv: kv[1]):
                rows.append([key.replace("_E", ""), cfg["scheme"], t["name"], reg, found[(t["name"], reg)], v, best,
                             t["expected_best"], best == t["expected_best"]])
    res = Path(opts.out) / "results"
    _write_csv(res / f"{name}_ordering.csv", ["source", "scheme", "task", "init", "regime_found", "mean_E_over_alpha",
                                              "best", "expected_best", "matches_paper"], rows)
    plt = _plt()
    fig, axes = plt.subplots(1, len(cfg["tasks"]), figsize=(5.4 * len(cfg["tasks"]), 4.4), squeeze=False)
    for ti, t in enumerate(cfg["tasks"]):
        ax = axes[0, ti]
        _plot_curves(ax, [c for c in curves if c["panel"] == ti], REGIME_COLORS)
        ax.set_title(t["title"] + f"\npaper: regime {t['expected_best']} best", fontsize=10)
        if ti == 0:
            ax.legend(fontsize=7)
    fig.suptitle(cfg["title"] + f" (lines: replica{'' if have_replica else ' NOT AVAILABLE'}; points: simulations, "
                 f"D = {cfg['sim']['D']}, {cfg['sim']['seeds']} seeds, +-2 SE)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    paths = _save(fig, opts.out, "fig5_regimes" if name == "fig5" else f"{name}_regimes")
    plt.close(fig)
    return paths + [res / f"{name}_simulation.csv", res / f"{name}_ordering.csv"] + \
        ([res / f"{name}_replica.csv"] if have_replica else [])


def _advantage_map(opts, config_dir=None):
    from .advantage_map import figure  # the advisor's regime-advantage map (issue 15)
    return figure(opts, config_dir)


BUILDERS = {"fig2": figure2, "fig3": figure3, "fig5": figure5,
            "fig5_readout": functools.partial(figure5, name="fig5_readout"),
            "advantage_map": _advantage_map}


def make_figures(opts: RunOptions, which=FIGURES, config_dir=None) -> list[Path]:
    """Build the named figures; returns every file written."""
    V.positive_int("workers", opts.workers)
    paths = []
    for name in which:
        if name not in BUILDERS:
            raise ParameterError(f"figure={name!r} is invalid; valid: {', '.join(FIGURES)}")
        paths += BUILDERS[name](opts, config_dir)
    return paths


# ------------------------------------------------------------------------------------------ CLI
def writable_dir(flag: str, path) -> Path:
    """Create ``path`` (a folder) if needed and check that a file can be written in it.

    Raises :class:`ParameterError` naming ``flag`` otherwise, before any work is done (the CLI
    prints it on one line, exit 2).
    """
    import tempfile
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path, prefix=".tmp-probe-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise ParameterError(f"{flag}={str(path)!r} is not a writable folder ({e.strerror or e}); "
                             "valid: a folder you can write to") from None
    return path


def register_figures(sub):
    """``ptft figures``: regenerate the paper's figures from the recorded configs (fig2/3/5.toml)."""
    p = sub.add_parser("figures", help="regenerate the paper's figures (Figs. 2, 3, 5) from recorded configs",
                       description="Regenerate Figs. 2, 3 and 5 of arXiv 2602.20062 from the recorded configs "
                                   "fig2/3/5.toml (shipped with the package; --configs DIR reads others): "
                                   "PNG+PDF into OUT/figures, data as CSV into OUT/results. Points are cached in "
                                   "OUT/cache (or --cache-dir) by a hash of their config and of all the package's "
                                   "code: an interrupted run resumes, a code change recomputes. Every file is "
                                   "written atomically, so concurrent runs into one OUT are safe.",
                       epilog="example: ptft figures --quick --out /tmp/figs --workers 2")
    p.add_argument("--quick", action="store_true", help="small sizes (about a minute)")
    p.add_argument("--out", default=str(DEFAULT_OUT),
                   help="output folder (default: ./validation, relative to the current directory; in a "
                        "checkout's root that is the checkout's validation/)")
    p.add_argument("--configs", default=None, metavar="DIR",
                   help="folder holding fig2.toml, fig3.toml, fig5.toml (default: the configs shipped with "
                        "the package)")
    p.add_argument("--cache-dir", default=None, help="sweep cache (default OUT/cache)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="local processes or a Ray cluster (needs ptft-theory[ray]; RAY_ADDRESS picks the cluster)")
    p.add_argument("--only", nargs="+", choices=list(FIGURES), default=list(FIGURES), help="build only these figures")
    p.add_argument("--no-progress", action="store_true", help="no progress lines on stderr")
    p.add_argument("--json", action="store_true", help="print the written files as JSON")
    p.set_defaults(func=_cmd_figures)


def _cmd_figures(args):
    import time

    from .cli import dump_json
    workers = V.positive_int("workers", args.workers)
    if args.backend == "ray":
        from .sweep import ray_module
        ray_module()
    config_dir = Path(args.configs) if args.configs else None
    if config_dir is not None and not config_dir.is_dir():
        raise ParameterError(f"--configs={args.configs!r} is not a folder; valid: a folder holding "
                             f"{', '.join(n + '.toml' for n in args.only)}")
    for name in args.only:  # every config first: a missing or malformed one fails before any work
        load_config(name, args.quick, config_dir)
    out = writable_dir("--out", args.out)
    cache_dir = writable_dir("--cache-dir", args.cache_dir) if args.cache_dir else None
    from .sweep import limit_blas_threads
    limit_blas_threads(int(os.environ.get("PTFT_BLAS_THREADS", "1")))  # see limit_blas_threads: one point per core
    opts = RunOptions(out=out, cache_dir=cache_dir, workers=workers, backend=args.backend,
                      progress=not args.no_progress, quick=args.quick)
    t0 = time.perf_counter()
    paths = make_figures(opts, args.only, config_dir)
    wall = time.perf_counter() - t0
    if args.json:
        print(dump_json({"files": [str(p) for p in paths], "seconds": wall, "replica": replica_available()}))
    else:
        for p_ in paths:
            print(p_)
        print(f"done in {wall:.1f} s" + ("" if replica_available() else " (replica lines missing: no ptft_theory.replica)"))
