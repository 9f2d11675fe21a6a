"""The paper's theory figures (arXiv 2602.20062, Figs. 2, 3 and 5) and the others of ``ptft figures``.

Each builder reads its recorded config (:func:`ptft_theory.experiments.points.load_config`),
evaluates the points through :func:`ptft_theory.experiments.sweep.run_sweep` (cached under
``OUT/cache/``), writes the data as CSV to ``OUT/results/`` and the figure as PNG and PDF to
``OUT/figures/``.  The drawing is separate: ``draw_fig2`` here, ``draw_fig3``/``draw_fig5`` in
:mod:`~ptft_theory.experiments.error_curves`, ``draw`` in the other figure modules; each takes the
computed data and ``fig=`` (or ``ax=``) and returns the Figure, saving nothing.  The command is
``ptft figures`` (:mod:`ptft_theory.cli.figures`).
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np

from .. import _validate as V
from ..errors import ParameterError
from ..fileio import write_csv_atomic
from .error_curves import (_sim_configs, draw_fig3, draw_fig5, fig5_curves, fig5_ordering, figure3,  # noqa: F401
                           figure5)
from .style import REFERENCE_COLOR, mark_quick, new_figure, save_figure, tex, transition_arrows
from .points import (CONFIG_DIR, DEFAULT_OUT, FIGURES, POINT_KINDS, REGIME_COLORS, REGIME_NAMES, ROOT,  # noqa: F401
                     alpha_grid, code_hash, evaluate_point, gd_error, load_config, regime_slice, replica_available,
                     replica_curve, sim_error)
from . import finite_pt_figure
from .sweep import run_sweep

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
    """PNG and PDF of ``fig`` under ``out/figures``, each written atomically (a killed or concurrent run
    leaves no torn file)."""
    return save_figure(fig, Path(out) / "figures", stem)


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
    fig = draw_fig2(cfg, points, results, quick=opts.quick)
    return _save(fig, opts.out, "fig2_regime_map") + [Path(opts.out) / "results" / "fig2_regime_map.csv"]


def draw_fig2(cfg, points, results, *, quick=False, fig=None):
    """Fig. 2 from the computed regime slices on ``fig`` (new if None); returns it."""
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from ..regime import DEFAULT_THRESHOLDS as TH
    g = cfg["grid"]
    labels = ["I", "II", "III", "IV"]
    cmap = ListedColormap([REGIME_COLORS[k] for k in labels]).with_extremes(bad="#bbbbbb")
    schemes, gammas = cfg["schemes"], g["gamma_ft"]
    fig = new_figure(fig, (4.2 * (1 + len(gammas)), 3.8 * len(schemes) + 0.6))
    axes = fig.subplots(len(schemes), 1 + len(gammas), squeeze=False)
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
                ax.contour(log_c, ratio, lo_.T, [TH.l_order], colors=REFERENCE_COLOR, linestyles="--", linewidths=1.2)
            if np.nanmin(de_) < TH.pt_dependence < np.nanmax(de_):
                ax.contour(log_c, ratio, de_.T, [TH.pt_dependence], colors=REFERENCE_COLOR, linestyles=":", linewidths=1.5)
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
        ax0.axvline(TH.l_order, color=REFERENCE_COLOR, ls="--", lw=1.2)
        ax0.axhline(TH.pt_dependence, color=REFERENCE_COLOR, ls=":", lw=1.5)
        ax0.set_xlim(0.95, 2.02)
        ax0.set_ylim(-1.02, 1.02)
        for name, (x, y) in {"I": (1.05, -0.9), "II": (1.93, 0.9), "III": (1.93, -0.9), "IV": (1.05, 0.9)}.items():
            ax0.text(x, y, name, fontsize=13, weight="bold", color=REGIME_COLORS[name], ha="center", va="center")
        ax0.set_xlabel(r"l-order $p$ at a PT feature (1 rich, 2 lazy)")
        ax0.set_ylabel(r"PT dependence $\delta$ (potential ratio)")
        ax0.set_title(f"{scheme}: descriptor plane (all grid points)", fontsize=10)
    handles = [Line2D([], [], ls="", marker="s", ms=9, color=REGIME_COLORS[k], label=REGIME_NAMES[k]) for k in labels]
    handles += [Line2D([], [], ls="--", color=REFERENCE_COLOR, label=f"l-order threshold $p$ = {TH.l_order:g}"),
                Line2D([], [], ls=":", color=REFERENCE_COLOR, label=f"PT-dependence threshold $\\delta$ = {TH.pt_dependence:g}")]
    fig.legend(handles=handles, loc="lower center", ncol=6, fontsize=9, frameon=False, bbox_to_anchor=(0.5, -0.03))
    fig.suptitle(tex(cfg["title"] + f" (rho_shared = {cfg['task']['rho_shared']:g}, rho_new = {cfg['task']['rho_new']:g})"))
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    if quick:
        mark_quick(fig)
    return fig


def _advantage_map(opts, config_dir=None):
    from .advantage_map import figure  # the advisor's regime-advantage map
    return figure(opts, config_dir)


def _ft_dynamics(opts, config_dir=None):
    from .ft_dynamics import figure  # the exact FT time course of the four regimes (issue 28)
    return figure(opts, config_dir)


BUILDERS = {"fig2": figure2, "fig3": figure3, "fig5": figure5,
            "fig5_readout": functools.partial(figure5, name="fig5_readout"), "advantage_map": _advantage_map,
            "fig_finite_pt": finite_pt_figure.figure, "ft_dynamics": _ft_dynamics}


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
