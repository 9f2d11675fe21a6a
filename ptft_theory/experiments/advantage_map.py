"""The regime-advantage map (``ptft figures --only advantage_map``): a continuous version of Fig. 5.

For each (overlap fraction f = rho_shared / rho_FT, alpha_FT) of ``advantage_map.toml``, one
:func:`ptft_theory.advisor.best_init` (cached per cell by :func:`ptft_theory.experiments.sweep.run_sweep`, keyed by
the cell's config and a hash of all the package's code) gives the best init of each regime's region.
Panel (a): the regime of the overall best, with its margin in dB over the runner-up regime; panels
(b)-(e): per regime, how much its best init loses to the overall best, ``10 log10(E_regime / E_best)``.
Data: ``results/advantage_map.csv``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..advisor import RESOLUTION
from ..config import Task
from ..fileio import write_csv_atomic
from .points import load_config
from .style import REGIME_COLORS, mark_quick, new_figure, save_figure, tex
from .sweep import code_fingerprint, run_sweep

REGIMES = ("I", "II", "III", "IV")
COLORS = REGIME_COLORS  # the paper's palette (experiments/style.py)
FIELDS = ["overlap", "rho_pt", "rho_shared", "rho_new", "alpha", "scheme", "best_regime", "E_best", "E_I", "E_II",
          "E_III", "E_IV", "margin_dB", "runner_up", "c_pt", "lambda_pt", "gamma_ft", "evaluations", "failures",
          "converged"]


def cell_task(rho_pt: float, rho_ft: float, overlap: float) -> dict:
    """The task of overlap fraction ``overlap`` (rho_shared = overlap * rho_ft)."""
    rs = round(overlap * rho_ft, 12)
    return {"rho_pt": rho_pt, "rho_shared": rs, "rho_new": round(rho_ft - rs, 12)}


def advice_cell(cfg: dict) -> dict:
    """One cell: the advisor's optimum and best E per regime (a sweep point; JSON in, JSON out)."""
    from ..advisor import best_init
    adv = best_init(Task(**cfg["task"]), cfg["alpha"], cfg["scheme"], grid=cfg.get("grid"))
    d = adv.as_dict()
    return {"E": d["E"], "regime": d["regime"], "init": d["init"], "evaluations": adv.evaluations,
            "failures": adv.failures, "converged": adv.converged,
            "E_by_regime": {k: v["E"] for k, v in d["best_by_regime"].items()}}


def code_hash() -> str:
    """Hash of all code a cell can run (package sources, the compiled replica library, versions)."""
    from ..replica.compiled import library_fingerprint
    return code_fingerprint(Path(__file__).resolve().parents[1], (library_fingerprint(),))


def cell_row(cfg: dict, res: dict) -> list:
    """CSV row of a cell (FIELDS)."""
    Eb = res["E_by_regime"]
    ranked = sorted((v, k) for k, v in Eb.items() if v is not None)
    best = res["regime"]
    runner = next((k for v, k in ranked if k != best), None)
    # below the advisor's resolution floor (exact recovery) E values are equal: floor both (0 dB between two
    # recovered regimes; before, the least extreme recovered answer showed "-0.8 dB" against a lower E)
    margin = (10 * math.log10(max(Eb[runner], RESOLUTION) / max(res["E"], RESOLUTION))
              if runner and res["E"] is not None and Eb[runner] is not None else None)
    t, i = cfg["task"], res["init"]
    return [cfg["overlap"], t["rho_pt"], t["rho_shared"], t["rho_new"], cfg["alpha"], cfg["scheme"], best, res["E"],
            *[Eb.get(k) for k in REGIMES], margin, runner, i["c_pt"], i["lambda_pt"], i["gamma_ft"],
            res["evaluations"], res["failures"], res["converged"]]


def figure(opts, config_dir=None) -> list[Path]:
    """Build the map (the figures module's builder signature: RunOptions, config folder)."""
    cfg = load_config("advantage_map", opts.quick, config_dir)
    code = code_hash()
    grid = {k: int(v) for k, v in cfg.get("grid", {}).items()}
    cells = [{"kind": "advice_cell", "code": code, "overlap": float(f), "alpha": float(a), "scheme": cfg["scheme"],
              "grid": grid, "task": cell_task(float(cfg["rho_pt"]), float(cfg["rho_ft"]), float(f))}
             for f in cfg["overlap"] for a in cfg["alphas"]]
    cache = Path(opts.cache_dir) if opts.cache_dir is not None else Path(opts.out) / "cache"
    results = run_sweep(advice_cell, cells, cache, workers=opts.workers, backend=opts.backend,
                        progress=opts.progress, desc="advantage map (advisor per cell)")
    rows = [cell_row(c, r) for c, r in zip(cells, results)]
    csv_path = write_csv_atomic(Path(opts.out) / "results" / "advantage_map.csv", FIELDS, rows)
    fig = draw(cfg, rows, quick=opts.quick)
    return save_figure(fig, Path(opts.out) / "figures", "advantage_map") + [csv_path]


def draw(cfg, rows, *, quick=False, fig=None):
    """The map from the cells' CSV rows on ``fig`` (new if None); returns it.  Panels (b)-(e) compare the
    regimes, so they share one colour scale (and one colour bar)."""
    from matplotlib.colors import ListedColormap, PowerNorm
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    f = np.array(cfg["overlap"], float)
    a = np.array(cfg["alphas"], float)
    n_f, n_a = f.size, a.size
    lab = np.array([REGIMES.index(r[6]) for r in rows], float).reshape(n_f, n_a)
    Eb = np.array([r[7] for r in rows], float).reshape(n_f, n_a)
    Er = {k: np.array([np.nan if r[8 + j] is None else r[8 + j] for r in rows], float).reshape(n_f, n_a)
          for j, k in enumerate(REGIMES)}
    margin = np.array([np.nan if r[12] is None else r[12] for r in rows], float).reshape(n_f, n_a)
    fig = new_figure(fig, (15, 8.6))
    fig.set_layout_engine("constrained")
    axes = fig.subplots(2, 3)
    ax = axes[0, 0]
    cmap = ListedColormap([COLORS[k] for k in REGIMES])
    ax.pcolormesh(f, a, lab.T, cmap=cmap, vmin=-0.5, vmax=3.5, shading="nearest")
    rec = float(cfg["recovery_E"])
    for i in range(n_f):
        for j in range(n_a):
            ax.text(f[i], a[j], f"{REGIMES[int(lab[i, j])]}\n{margin[i, j]:.1f}" if np.isfinite(margin[i, j])
                    else REGIMES[int(lab[i, j])], ha="center", va="center", fontsize=8,
                    color="k" if REGIMES[int(lab[i, j])] == "I" else "white")  # readable on the paper's yellow
            if Eb[i, j] < rec:
                ax.add_patch(Rectangle((f[i] - _half(f, i), a[j] - _half(a, j)), 2 * _half(f, i),
                                       2 * _half(a, j), fill=False, hatch="///", ec="white", lw=0))
    ax.set_title("(a) regime of the best init\nnumber: dB margin over the runner-up regime\n"
                 f"hatched: best $E$ < {rec:g} (near exact recovery)", fontsize=9)
    handles = [Line2D([], [], ls="", marker="s", ms=9, color=COLORS[k], label=k) for k in REGIMES]
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4, frameon=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = {k: 10 * np.log10(Er[k] / Eb) for k in REGIMES}
    finite = np.concatenate([v[np.isfinite(v)] for v in loss.values()])
    vmax = max(1.0, float(np.percentile(finite, 98))) if finite.size else 1.0   # one scale for (b)-(e)
    panels = [axes[0, 1], axes[0, 2], axes[1, 1], axes[1, 2]]   # the compared panels: a 2 x 2 block
    norm = PowerNorm(0.5, vmin=0, vmax=vmax)   # square-root scale: 1-3 dB stays visible next to 50 dB
    for k, axk in zip(REGIMES, panels):
        m = axk.pcolormesh(f, a, np.ma.masked_invalid(loss[k]).T, shading="nearest", cmap="magma_r", norm=norm)
        axk.set_title(f"({'bcde'[REGIMES.index(k)]}) regime {k}: loss of its best init\nvs the overall best",
                      fontsize=9)
    fig.colorbar(m, ax=panels, label=r"loss $10\,\log_{10}(E_{\mathrm{regime}} / E_{\mathrm{best}})$ [dB], "
                 f"one square-root scale for (b)-(e); beyond {vmax:.1f} dB: darkest", extend="max", shrink=0.85)
    for axk in [axes[0, 0]] + panels:
        axk.set_xlabel(r"overlap $\rho_{\mathrm{shared}} / \rho_{\mathrm{FT}}$")
        axk.set_ylabel(r"$\alpha_{\mathrm{FT}} = N_{\mathrm{FT}} / D$")
    axes[1, 0].axis("off")
    axes[1, 0].text(0, 0.5, tex(f"rho_PT = {cfg['rho_pt']:g}, rho_FT = {cfg['rho_ft']:g}, scheme {cfg['scheme']}\n"
                                "each cell: best_init (grid + polish) over\n") +
                    r"$\log_{10} c_{\mathrm{PT}} \in [-4, 2]$, $\lambda/c \in [-1, 1]$, $\gamma_{\mathrm{FT}} \in [0, 1]$"
                    "\nFig. 5 at this " + r"$\rho_{\mathrm{FT}}$" + ": overlap 0 -> I best,\noverlap 1 -> II best",
                    fontsize=10, va="center")
    fig.suptitle(tex(cfg["title"]), fontsize=12)
    if quick:
        mark_quick(fig)
    return fig


def _half(v, i):
    if v.size == 1:
        return 0.5
    return (v[min(i + 1, v.size - 1)] - v[max(i - 1, 0)]) / (2 if 0 < i < v.size - 1 else 1) / 2
