"""Figure "How much pretraining data is enough" (beyond the paper; docs/design.md section 3.1).

Config ``fig_finite_pt.toml``.  Top row: the FT error vs alpha_FT of the four regime
initialisations of Fig. 5 on one FT task, one line per alpha_PT (the last, ``None``, is perfect PT,
the paper's assumption), with simulation points (PT solve on N_PT samples, then FT from the learned
beta_PT; D, seeds from ``[sim]``, +-2 SE) on the ``sim_alpha_pt`` cuts.  Bottom: the FT error (dB)
over (alpha_PT, alpha_FT) for one init, with the Donoho-Tanner threshold alpha_c(rho_PT) marked.

Point kinds (:mod:`.finite_pt_points`, run through :func:`ptft_theory.experiments.sweep.run_sweep`,
cached by config hash with the code hash inside): ``two_stage_curve`` (replica over an alpha grid at
one alpha_PT) and ``two_stage_sim`` (one seed: one PT solve, then FT at every alpha of the cut).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import Task
from ..fileio import write_csv_atomic
from ..replica import rich_limit_threshold
from ..simulate import mean_se
from . import points as F
from .style import REFERENCE_COLOR, mark_quick, new_figure, save_figure, tex

NAME = "fig_finite_pt"


def _configs(cfg, fig_mod):
    task, scheme = cfg["task"], cfg["scheme"]
    rep = cfg["replica"]
    alphas = [float(a) for a in np.linspace(rep["alpha_min"], rep["alpha_max"], int(rep["n_alpha"]))]
    aps = [None if a == "none" else float(a) for a in cfg["alpha_pt"]]
    curves, sims = [], []
    for it in cfg["inits"]:
        for ap in aps:
            curves.append({"kind": "two_stage_curve", "code": fig_mod.code_hash("two_stage_curve"), "task": task,
                           "init": it["init"], "scheme": scheme, "alpha_pt": ap, "alphas": alphas,
                           "regime": it["regime"]})
        for ap in cfg["sim_alpha_pt"]:
            for s in range(int(cfg["sim"]["seeds"])):
                sims.append({"kind": "two_stage_sim", "code": fig_mod.code_hash("two_stage_sim"), "task": task,
                             "init": it["init"], "scheme": scheme, "alpha_pt": float(ap), "D": int(cfg["sim"]["D"]),
                             "alphas": [float(a) for a in cfg["sim"]["alphas"]],
                             "seed": int(cfg["sim"]["base_seed"]) + s, "regime": it["regime"]})
    hm = cfg["heatmap"]
    hm_aps = [float(a) for a in np.linspace(hm["alpha_pt_min"], hm["alpha_pt_max"], int(hm["n_alpha_pt"]))]
    hm_alphas = [float(a) for a in np.linspace(hm["alpha_min"], hm["alpha_max"], int(hm["n_alpha"]))]
    heat = [{"kind": "two_stage_curve", "code": fig_mod.code_hash("two_stage_curve"), "task": task, "init": hm["init"],
             "scheme": scheme, "alpha_pt": ap, "alphas": hm_alphas, "regime": hm["regime"]} for ap in hm_aps]
    return alphas, curves, sims, hm_aps, hm_alphas, heat


def figure(opts, config_dir=None) -> list[Path]:
    """Build the figure and its CSVs (``results/fig_finite_pt_{replica,simulation}.csv``)."""
    cfg = F.load_config(NAME, opts.quick, config_dir)
    alphas, curves, sims, hm_aps, hm_alphas, heat = _configs(cfg, F)
    rc = opts.sweep(curves + heat, NAME + " replica")
    rs = opts.sweep(sims, NAME + " simulation")
    res = Path(opts.out) / "results"
    rows = []
    for c, r in zip(curves + heat, rc):
        for a, e in zip(c["alphas"], r["E"] or [None] * len(c["alphas"])):
            rows.append([c["regime"], c["init"]["c_pt"], c["init"]["lambda_pt"], c["init"]["gamma_ft"],
                         "none" if c["alpha_pt"] is None else c["alpha_pt"], a, e, r.get("E_pt"),
                         r.get("error", "")])
    write_csv_atomic(res / f"{NAME}_replica.csv", ["regime", "c_pt", "lambda_pt", "gamma_ft", "alpha_pt", "alpha",
                                                   "E_replica", "E_pt_replica", "error"], rows)
    cuts = {}
    for s, r in zip(sims, rs):
        cuts.setdefault((s["regime"], s["alpha_pt"]), []).append(r["E"])
    srows = []
    for (reg, ap), E in cuts.items():
        E = np.array(E, float)
        for j, a in enumerate(cfg["sim"]["alphas"]):
            m, se = mean_se(E[:, j])
            srows.append([reg, ap, a, cfg["sim"]["D"], E.shape[0], m, se])
    write_csv_atomic(res / f"{NAME}_simulation.csv", ["regime", "alpha_pt", "alpha", "D", "seeds", "E_mean", "E_se"],
                     srows)
    fig = draw(cfg, alphas, curves, rc, cuts, hm_aps, hm_alphas, quick=opts.quick)
    return save_figure(fig, Path(opts.out) / "figures", NAME) + [res / f"{NAME}_replica.csv",
                                                                res / f"{NAME}_simulation.csv"]


def draw(cfg, alphas, curves, rc, cuts, hm_aps, hm_alphas, *, quick=False, fig=None):
    """The figure from the computed replica results ``rc`` and simulation ``cuts`` on ``fig`` (new if
    None); returns it."""
    from matplotlib import colormaps
    n = len(cfg["inits"])
    fig = new_figure(fig, (4.2 * n, 8.4))
    gs = fig.add_gridspec(2, n)
    aps = [c["alpha_pt"] for c in curves[: len(cfg["alpha_pt"])]]
    shades = colormaps["viridis"](np.linspace(0.0, 0.85, len(aps)))
    for i, it in enumerate(cfg["inits"]):
        ax = fig.add_subplot(gs[0, i])
        for j, ap in enumerate(aps):
            r = rc[i * len(aps) + j]
            if r["E"] is not None:
                ax.plot(alphas, 10 * np.log10(np.maximum(r["E"], 1e-12)), color=shades[j],
                        label="perfect PT" if ap is None else rf"$\alpha_{{\mathrm{{PT}}}}$ = {ap:g}", lw=1.6)
        for j, ap in enumerate(cfg["sim_alpha_pt"]):
            E = np.array(cuts[(it["regime"], float(ap))], float)
            m, se = E.mean(0), E.std(0, ddof=1) / np.sqrt(E.shape[0])
            col = shades[aps.index(float(ap))] if float(ap) in aps else "k"
            lo, hi = np.maximum(m - 2 * se, 1e-12), m + 2 * se
            ax.errorbar(cfg["sim"]["alphas"], 10 * np.log10(np.maximum(m, 1e-12)),
                        yerr=[10 * np.log10(np.maximum(m, 1e-12) / lo), 10 * np.log10(hi / np.maximum(m, 1e-12))],
                        fmt="o", ms=4, color=col, capsize=2)
        ax.set_title(tex(it["label"]), fontsize=9)
        ax.set_xlabel(r"$\alpha_{\mathrm{FT}} = N_{\mathrm{FT}} / D$")
        if i == 0:
            ax.set_ylabel(r"FT error $E$ (dB)")
            ax.legend(fontsize=7)
    ax = fig.add_subplot(gs[1, : max(1, n // 2)])
    Z = np.array([[np.nan] * len(hm_alphas) if r["E"] is None else r["E"] for r in rc[len(curves):]], float)
    im = ax.pcolormesh(hm_alphas, hm_aps, 10 * np.log10(np.maximum(Z, 1e-12)), shading="nearest", cmap="magma_r")
    fig.colorbar(im, ax=ax, label=r"FT error $E$ (dB)")
    a_c = rich_limit_threshold(Task(**cfg["task"]).rho_pt)
    ax.axhline(a_c, color="w", ls="--", lw=1.5)
    ax.annotate(rf"$\alpha_c(\rho_{{\mathrm{{PT}}}})$ = {a_c:.3f}", (hm_alphas[0], a_c), xytext=(3, 3),
                textcoords="offset points", color="w", fontsize=8, va="bottom")
    ax.set_xlabel(r"$\alpha_{\mathrm{FT}}$")
    ax.set_ylabel(r"$\alpha_{\mathrm{PT}} = N_{\mathrm{PT}} / D$")
    ax.set_title(tex(cfg["heatmap"]["label"]), fontsize=9)
    ax = fig.add_subplot(gs[1, max(1, n // 2):])
    E_pt = [r.get("E_pt") for r in rc[len(curves):]]
    ok = [i for i, e in enumerate(E_pt) if e is not None]
    ax.semilogy([hm_aps[i] for i in ok], [max(E_pt[i], 1e-16) for i in ok], "o-", color="k", ms=3,
                label=r"PT error $E_{\mathrm{PT}}$ (two-stage replica)")
    ax.axvline(a_c, color=REFERENCE_COLOR, ls="--", lw=1.2, label=r"$\alpha_c(\rho_{\mathrm{PT}})$ (Donoho-Tanner)")
    ax.set_xlabel(r"$\alpha_{\mathrm{PT}} = N_{\mathrm{PT}} / D$")
    ax.set_ylabel(r"$E_{\mathrm{PT}}$")
    ax.set_title(tex(f"what PT learned (c_PT = {cfg['heatmap']['init']['c_pt']:g})") + ": tiny PT errors still move the FT "
                 "scales", fontsize=9)
    ax.legend(fontsize=7)
    fig.suptitle(tex(cfg["title"] + f" (lines: two-stage replica; points: PT + FT convex solves, D = {cfg['sim']['D']}, "
                     f"{cfg['sim']['seeds']} seeds, +-2 SE)"), fontsize=10)
    fig.tight_layout()   # leaves room for the suptitle itself
    if quick:
        mark_quick(fig)
    return fig
