"""The advisor's plot (``ptft advise --plot FILE``): E over (log10 c_PT, lambda_PT / c_PT) at the
optimal gamma_FT, with the regime boundaries (the l-order and PT-dependence thresholds), the optimum
and the reference init marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..fileio import savefig_atomic
from ..config import Init
from ..errors import PTFTError
from ..regime import DEFAULT_THRESHOLDS, regime
from ..replica import error_sweep, generalization_error

#: Plot grid: points in log10 c_PT and in lambda_PT / c_PT.
PLOT_GRID = (25, 21)


def error_surface(advice, n_c: int = PLOT_GRID[0], n_r: int = PLOT_GRID[1], thresholds=DEFAULT_THRESHOLDS):
    """(log10 c, ratio, E, l_order, pt_dependence) over the advice's c range (one decade either side
    of a fixed c) and lambda/c in [-1, 1], at the optimum's gamma_FT; E is the advice's objective (the
    mean over an alpha interval; with ``advice.alpha_pt``, the two-stage replica of finite PT data, point by
    point), NaN where the replica fails."""
    from .space import alpha_nodes
    alphas, weights, _ = alpha_nodes(advice.alpha)
    lo, hi = advice.bounds["log10_c_pt"]
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    log_c = np.linspace(lo, hi, n_c)
    ratio = np.linspace(1.0, -1.0, n_r)  # solved from a larger first layer down (warm starts)
    g = advice.init.gamma_ft
    E = np.full((n_c, n_r), np.nan)
    lo_, de_ = np.full((n_c, n_r), np.nan), np.full((n_c, n_r), np.nan)
    for i, lc in enumerate(log_c):
        c = 10.0**lc
        rs = ratio if g > 0 else ratio[:-1]  # lambda = -c with gamma = 0 is infeasible (all frozen)
        if advice.alpha_pt is None:  # perfect PT: warm-started along lambda
            try:
                res = error_sweep(advice.task, Init(c, rs[0] * c, g), "lambda_pt", rs * c, alphas, advice.scheme,
                                  advice.sigma)
                E[i, :rs.size] = [float(np.dot(weights, np.asarray(r))) for r in res]
            except PTFTError:
                pass  # left NaN (masked in the plot)
        else:  # finite PT data: the two-stage replica has no lambda sweep
            for j, r in enumerate(rs):
                try:
                    res = generalization_error(advice.task, Init(c, float(np.clip(r * c, -c, c)), g), alphas,
                                               advice.scheme, advice.sigma, alpha_pt=advice.alpha_pt,
                                               sigma_pt=advice.sigma_pt)
                    E[i, j] = float(np.dot(weights, np.asarray(res)))
                except PTFTError:
                    pass
        for j, r in enumerate(ratio):
            try:
                d = regime(advice.task, Init(c, float(np.clip(r * c, -c, c)), g), advice.scheme, thresholds,
                           definition="potential")  # 525 cells: the cheap descriptor (the search's regions)
                lo_[i, j], de_[i, j] = d.l_order, d.pt_dependence
            except PTFTError:
                pass
    return log_c, ratio, E, lo_, de_


def plot_advice(advice, path, thresholds=DEFAULT_THRESHOLDS) -> Path:
    """Write the plot (:func:`draw_advice`) to ``path`` (format from its suffix: .png, .pdf, .svg),
    atomically; returns the path."""
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend
    fig = draw_advice(advice, ax=Figure(figsize=(6.4, 4.8)).subplots(), thresholds=thresholds)
    return savefig_atomic(fig, Path(path), dpi=130)


def draw_advice(advice, ax=None, thresholds=DEFAULT_THRESHOLDS):
    """Draw E over (log10 c_PT, lambda_PT / c_PT) at the optimum's gamma_FT into ``ax`` (default: a new
    figure) and return the Figure; nothing is saved (:func:`plot_advice` writes a file).  Composes in a
    notebook: ``fig, axes = plt.subplots(1, 2); draw_advice(adv, ax=axes[0])``."""
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(6.4, 4.8))
    fig = ax.figure
    log_c, ratio, E, lo_, de_ = error_surface(advice, thresholds=thresholds)
    with np.errstate(divide="ignore", invalid="ignore"):
        Edb = 10 * np.log10(E)
    m = ax.pcolormesh(log_c, ratio, np.ma.masked_invalid(Edb).T, shading="nearest", cmap="viridis")
    fig.colorbar(m, ax=ax, label="E (dB)" + (" mean over the alpha interval" if isinstance(advice.alpha, tuple) else ""))
    if np.nanmin(lo_) < thresholds.l_order < np.nanmax(lo_):
        ax.contour(log_c, ratio, lo_.T, [thresholds.l_order], colors="w", linestyles="--", linewidths=1.2)
    if np.nanmin(de_) < thresholds.pt_dependence < np.nanmax(de_):
        ax.contour(log_c, ratio, de_.T, [thresholds.pt_dependence], colors="w", linestyles=":", linewidths=1.4)
    i = advice.init
    ax.plot([np.log10(i.c_pt)], [i.lambda_pt / i.c_pt], "r*", ms=16, mec="k",
            label=f"optimum: E = {advice.E:.3g}, regime {advice.regime.regime.value}")
    r = advice.reference
    ax.plot([np.log10(r.c_pt)], [r.lambda_pt / r.c_pt], "wX", ms=11, mec="k",
            label=f"reference (gamma_FT = {r.gamma_ft:g}): E = "
                  + ("failed" if advice.E_default is None else f"{advice.E_default:.3g}"))
    for lab, b in advice.best_by_regime.items():
        if b.init != i:
            ax.plot([np.log10(b.init.c_pt)], [b.init.lambda_pt / b.init.c_pt], "o", mfc="none", mec="w", ms=8)
            ax.annotate(lab, (np.log10(b.init.c_pt), b.init.lambda_pt / b.init.c_pt), color="w", fontsize=9,
                        xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel(r"$\log_{10} c_{PT}$")
    ax.set_ylabel(r"$\lambda_{PT} / c_{PT}$")
    t = advice.task
    a = advice.alpha
    ax.set_title(f"E at gamma_FT = {i.gamma_ft:.3g} ({advice.scheme}); rho = ({t.rho_pt:g}, {t.rho_shared:g}, "
                 f"{t.rho_new:g}), alpha = {a if not isinstance(a, tuple) else f'{a[0]:g}..{a[1]:g}'}"
                 + ("" if advice.alpha_pt is None else f", alpha_PT = {advice.alpha_pt:g}") + "\n"
                 "dashed: l-order threshold, dotted: PT-dependence threshold; circles: best of other regimes",
                 fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig
