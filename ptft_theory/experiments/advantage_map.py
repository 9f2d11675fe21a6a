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

from ..config import Task
from ..fileio import savefig_atomic, write_csv_atomic
from .points import load_config
from .sweep import code_fingerprint, run_sweep

REGIMES = ("I", "II", "III", "IV")
COLORS = {"I": "#1b9e77", "II": "#d95f02", "III": "#7570b3", "IV": "#e7298a"}
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
    margin = (10 * math.log10(Eb[runner] / res["E"])) if runner and res["E"] and res["E"] > 0 else None
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
    paths = _plot(cfg, rows, opts.out)
    return paths + [csv_path]


def _plot(cfg, rows, out) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    f = np.array(cfg["overlap"], float)
    a = np.array(cfg["alphas"], float)
    n_f, n_a = f.size, a.size
    lab = np.array([REGIMES.index(r[6]) for r in rows], float).reshape(n_f, n_a)
    Eb = np.array([r[7] for r in rows], float).reshape(n_f, n_a)
    Er = {k: np.array([np.nan if r[8 + j] is None else r[8 + j] for r in rows], float).reshape(n_f, n_a)
          for j, k in enumerate(REGIMES)}
    margin = np.array([np.nan if r[12] is None else r[12] for r in rows], float).reshape(n_f, n_a)
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.6))
    ax = axes[0, 0]
    cmap = ListedColormap([COLORS[k] for k in REGIMES])
    ax.pcolormesh(f, a, lab.T, cmap=cmap, vmin=-0.5, vmax=3.5, shading="nearest")
    rec = float(cfg["recovery_E"])
    for i in range(n_f):
        for j in range(n_a):
            ax.text(f[i], a[j], f"{REGIMES[int(lab[i, j])]}\n{margin[i, j]:.1f}" if np.isfinite(margin[i, j])
                    else REGIMES[int(lab[i, j])], ha="center", va="center", fontsize=6.5, color="white")
            if Eb[i, j] < rec:
                ax.add_patch(plt.Rectangle((f[i] - _half(f, i), a[j] - _half(a, j)), 2 * _half(f, i),
                                           2 * _half(a, j), fill=False, hatch="///", ec="white", lw=0))
    ax.set_title("(a) regime of the best init; number: dB margin over the runner-up regime\n"
                 f"hatched: best E < {rec:g} (near exact recovery)", fontsize=9)
    handles = [plt.Line2D([], [], ls="", marker="s", ms=9, color=COLORS[k], label=k) for k in REGIMES]
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4, frameon=False)
    for k, axk in zip(REGIMES, [axes[0, 1], axes[0, 2], axes[1, 0], axes[1, 1]]):
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = 10 * np.log10(Er[k] / Eb)
        m = axk.pcolormesh(f, a, np.ma.masked_invalid(loss).T, shading="nearest", cmap="magma_r", vmin=0,
                           vmax=max(1.0, float(np.nanpercentile(loss, 95)) if np.isfinite(loss).any() else 1.0))
        fig.colorbar(m, ax=axk, label="dB")
        axk.set_title(f"({'bcde'[REGIMES.index(k)]}) regime {k}: loss of its best init vs the overall best "
                      "(dB; 0 = it is the best)", fontsize=9)
    for axk in list(axes.flat)[:5]:
        axk.set_xlabel(r"overlap $\rho_{shared} / \rho_{FT}$")
        axk.set_ylabel(r"$\alpha_{FT} = N_{FT} / D$")
    axes[1, 2].axis("off")
    axes[1, 2].text(0, 0.5, f"rho_PT = {cfg['rho_pt']:g}, rho_FT = {cfg['rho_ft']:g}, scheme {cfg['scheme']}\n"
                    "each cell: best_init (grid + polish) over\nlog10 c_PT in [-4, 2], lambda/c in [-1, 1], "
                    "gamma_FT in [0, 1]\nFig. 5 at this rho_FT: overlap 0 -> I best,\noverlap 1 -> II best",
                    fontsize=9, va="center")
    fig.suptitle(cfg["title"], fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    paths = []
    for ext in ("png", "pdf"):
        p = Path(out) / "figures" / f"advantage_map.{ext}"
        savefig_atomic(fig, p, dpi=130, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None)
        paths.append(p)
    plt.close(fig)
    return paths


def _half(v, i):
    if v.size == 1:
        return 0.5
    return (v[min(i + 1, v.size - 1)] - v[max(i - 1, 0)]) / (2 if 0 < i < v.size - 1 else 1) / 2
