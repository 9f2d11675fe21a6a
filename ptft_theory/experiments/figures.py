"""The paper's theory figures (arXiv 2602.20062, Figs. 2, 3 and 5): builders, CSVs and plots.

Each builder reads its recorded config (:func:`ptft_theory.experiments.points.load_config`),
evaluates the points through :func:`ptft_theory.experiments.sweep.run_sweep` (cached under
``OUT/cache/``), writes the data as CSV to ``OUT/results/`` and the figure as PNG and PDF to
``OUT/figures/``.  The command is ``ptft figures`` (:mod:`ptft_theory.cli.figures`).
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from pathlib import Path

import numpy as np

from .. import _validate as V
from ..config import Init, Task
from ..errors import ParameterError
from ..fileio import savefig_atomic, write_csv_atomic
from .style import transition_arrows
from .points import (CONFIG_DIR, DEFAULT_OUT, FIGURES, POINT_KINDS, REGIME_COLORS, REGIME_NAMES, ROOT,  # noqa: F401
                     alpha_grid, code_hash, evaluate_point, gd_error, load_config, regime_slice, replica_available,
                     replica_curve, sim_error)
from . import finite_pt_figure
from .sweep import derive_seed, run_sweep

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
        return run_sweep(evaluate_point, configs, cache, workers=self.workers, backend=self.backend,
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
    from ..regime import DEFAULT_THRESHOLDS as TH
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
                            color="k" if name == "I" else "white")  # white on the paper's yellow is unreadable
            if scheme == "merged" and j == 0:
                transition_arrows(ax, log_c)  # the paper's Fig. 2b: the levers' transitions
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
        ax0.set_ylabel(r"PT dependence $\delta$ (potential ratio)")
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
    alphas_r = alpha_grid(rep)
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
           f"{'' if have_replica else ' (NOT AVAILABLE: ptft_theory.replica missing)'}{_line_panels(cfg, n)}; "
           f"points: simulations, "
           f"D = {cfg['sim']['D']}, {cfg['sim']['seeds']} seeds, +-2 SE")
    fig.suptitle(("QUICK (small sizes, not the paper's figure): " if opts.quick else "") + cfg["title"] + "\n" + sub,
                 fontsize=10, color="firebrick" if opts.quick else "black")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    paths = _save(fig, opts.out, "fig3_error_curves")
    plt.close(fig)
    res = Path(opts.out) / "results"
    return paths + [res / "fig3_simulation.csv"] + ([res / "fig3_replica.csv"] if have_replica else []) + \
        ([res / "fig3_gd_protocol.csv"] if gd else [])


def _line_panels(cfg, n: int) -> str:
    """Which panels have replica lines, when a (quick) config draws them in some panels only."""
    panels = cfg["replica"].get("panels")
    if panels is None or len(panels) >= n:
        return ""
    return f" in panel{'s' if len(panels) > 1 else ''} {', '.join(f'({chr(97 + p)})' for p in sorted(panels))} only"


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
    from ..regime import regime
    scheme, check = cfg["scheme"], bool(cfg.get("check_regimes", True))
    curves = []
    for ti, t in enumerate(cfg["tasks"]):
        task = Task(**t["task"])
        for it in cfg["inits"]:
            init = Init(**it["init"])
            got = regime(init, task, scheme).regime.value
            if check and got != it["regime"]:
                raise ParameterError(f"{name} init {it['label']!r} is regime {got} on task {t['name']!r} under "
                                 f"{scheme!r}, not {it['regime']}: fix ptft_theory/configs/{name}.toml")
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
    from .advantage_map import figure  # the advisor's regime-advantage map
    return figure(opts, config_dir)


def _ft_dynamics(opts, config_dir=None, name="ft_dynamics"):
    from .ft_dynamics import figure  # the exact FT time course of the four regimes (issue 28)
    return figure(opts, config_dir, name)


def _ft_dynamics_finite(opts, config_dir=None):
    from .ft_dynamics_finite_figure import figure  # the FT time course at alpha < 1 (exact flow, seeds)
    return figure(opts, config_dir)


BUILDERS = {"fig2": figure2, "fig3": figure3, "fig5": figure5,
            "fig5_readout": functools.partial(figure5, name="fig5_readout"), "advantage_map": _advantage_map,
            "fig_finite_pt": finite_pt_figure.figure, "ft_dynamics": _ft_dynamics,
            "ft_dynamics_readout": functools.partial(_ft_dynamics, name="ft_dynamics_readout"),
            "ft_dynamics_finite": _ft_dynamics_finite}


def make_figures(opts: RunOptions, which=FIGURES, config_dir=None) -> list[Path]:
    """Build the named figures; returns every file written."""
    from tqdm.auto import tqdm  # noqa: PLC0415
    V.positive_int("workers", opts.workers)
    for name in which:
        if name not in BUILDERS:
            raise ParameterError(f"figure={name!r} is invalid; valid: {', '.join(FIGURES)}")
    paths = []
    # one bar over the figures (each sweep inside reports its own points); stderr, terminals only
    bar = tqdm(list(which), desc="figures", unit="figure", disable=None if opts.progress else True, leave=False)
    for name in bar:
        bar.set_postfix_str(name)
        paths += BUILDERS[name](opts, config_dir)
    return paths
