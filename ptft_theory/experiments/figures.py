"""The paper's theory figures (arXiv 2602.20062, Figs. 2, 3 and 5) and the others of ``ptft figures``.

Each builder reads its recorded config (:func:`ptft_theory.experiments.points.load_config`),
evaluates the points through :func:`ptft_theory.experiments.sweep.run_sweep` (cached under
``OUT/cache/``), writes the data as CSV to ``OUT/results/`` and the figure as PNG and PDF to
``OUT/figures/``.  The drawing is separate: ``draw`` in
:mod:`~ptft_theory.experiments.fig2_regimes`, ``draw_fig3``/``draw_fig5`` in
:mod:`~ptft_theory.experiments.error_curves`, ``draw`` in the other figure modules; each takes the
computed data and ``fig=`` (or ``ax=``) and returns the Figure, saving nothing.  The command is
``ptft figures`` (:mod:`ptft_theory.cli.figures`).
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from .. import _validate as V
from ..errors import ParameterError
from ..fileio import write_csv_atomic
from .error_curves import (sim_configs, draw_fig3, draw_fig5, fig5_curves, fig5_ordering, figure3,  # noqa: F401
                           figure5)
from .style import save_figure
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
    """Regime map over (c_PT, lambda_PT, gamma_FT) at rho_FT = 0.1, per scheme, drawn from the regime
    boundaries (:mod:`ptft_theory.experiments.fig2_regimes`)."""
    from .fig2_regimes import figure
    return figure(opts, config_dir)


def _advantage_map(opts, config_dir=None):
    from .advantage_map import figure  # the advisor's regime-advantage map
    return figure(opts, config_dir)


def _ft_dynamics(opts, config_dir=None, name="ft_dynamics"):
    from .ft_dynamics import figure  # the exact FT time course of the four regimes
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
