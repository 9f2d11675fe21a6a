"""The points of the paper's theory figures (arXiv 2602.20062, Figs. 2, 3 and 5): configs and point kinds.

The figure builders are in :mod:`ptft_theory.experiments.figures`; this module holds what a point
needs (so a worker process imports only this).

``ptft figures [--quick] [--out DIR] [--configs DIR] [--workers N] [--backend local|ray]`` reads
``fig{2,3,5}.toml`` (shipped with the package as ``ptft_theory/configs/``, a link to the checkout's
``ptft_theory/configs/``), evaluates every point through :func:`ptft_theory.experiments.sweep.run_sweep` (cached
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
from pathlib import Path

import numpy as np

from ..config import Init, Task
from ..errors import ParameterError
from ..fileio import read_toml_config
from . import finite_pt_points
from .sweep import code_fingerprint
from .style import REGIME_COLORS  # noqa: F401  (the paper's palette; re-exported for figures)

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # ptft_theory/
ROOT = PACKAGE_DIR.parent  # the checkout, for an editable install (site-packages for a wheel: never written)
#: The recorded figure and network configs, shipped with the package (the only copy).
CONFIG_DIR = PACKAGE_DIR / "configs"
#: Default output folder: relative to the current directory, never inside the installed package.
DEFAULT_OUT = Path("validation")
FIGURES = ("fig2", "fig3", "fig5", "fig5_readout", "advantage_map", "fig_finite_pt", "ft_dynamics", "ft_dynamics_readout",
           "ft_dynamics_finite")
REGIME_NAMES = {"I": "I rich, less PT-dep.", "II": "II lazy, PT-dep.", "III": "III lazy, PT-indep.",
                "IV": "IV rich, PT-dep."}


# ------------------------------------------------------------------------------------- configs
def load_config(name: str, quick: bool = False, config_dir=None) -> dict:
    """Load ``<config_dir>/<name>.toml``; with ``quick`` its ``[quick]`` table is merged over it."""
    if name not in FIGURES:
        raise ParameterError(f"figure={name!r} is invalid; valid: {', '.join(FIGURES)}")
    return read_toml_config(Path(config_dir or CONFIG_DIR) / f"{name}.toml", quick)


#: Point kinds that may run the compiled replica moments (their key also hashes the built library).
_USES_C = ("replica_curve", "two_stage_curve")


@functools.lru_cache(maxsize=None)
def code_hash(kind: str) -> str:
    """Short SHA-256 of all code a point of ``kind`` can run: part of every point's config.

    Computed, not listed by hand (:func:`ptft_theory.experiments.sweep.code_fingerprint`): every ``*.py``,
    ``*.c`` and ``*.h`` file of the installed package, the Python/numpy/scipy/mpmath/sympy/torch
    versions, and for replica points the bytes of the C library compiled at run time (or "none" when
    the numpy path runs).  Any edit recomputes every point, a failed point included.
    """
    if kind not in POINT_KINDS:
        raise ParameterError(f"kind={kind!r} is invalid; valid: {', '.join(POINT_KINDS)}")
    extra = ()
    if kind in _USES_C:
        from ..replica.compiled import library_fingerprint
        extra = (library_fingerprint(),)
    return code_fingerprint(PACKAGE_DIR, extra)


def alpha_grid(rep: dict) -> list[float]:
    return [float(a) for a in np.linspace(rep["alpha_min"], rep["alpha_max"], int(rep["n_alpha"]))]


# ---------------------------------------------------------------------------------- point kinds
def regime_slice(cfg: dict) -> dict:
    """Regime descriptors over a cell-centred (log10 c_PT, lambda_PT / c_PT) grid at one gamma_FT."""
    from ..regime import regime
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
                # thousands of cells: the potential-ratio descriptor (the calibrated delta_S solves the replica)
                res = regime(task, Init(c, float(r) * c, cfg["gamma_ft"]), cfg["scheme"], definition="potential")
                rows.append([c, float(r), res.l_order, res.pt_dependence, res.k_pt, res.k_new, res.regime.value])
            except ValueError:  # every coordinate frozen: no regime defined
                rows.append([c, float(r), None, None, None, None, "undefined"])
    return {"rows": rows}


def sim_error(cfg: dict) -> dict:
    """Relative FT error of one seeded problem (implicit-bias end point, beta_PT = PT teacher)."""
    from ..scales import ft_scales
    from ..solver import implicit_bias_solution
    from ..simulate import make_teachers, relative_error, sample_data
    task, init = Task(**cfg["task"]), Init(**cfg["init"])
    T = make_teachers(task, cfg["D"], cfg["seed_teacher"])
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

    from ..scales import ft_scales
    from ..simulate import simulate_gradient_flow
    from ..solver import implicit_bias_solution
    from ..simulate import make_teachers, relative_error, sample_data
    torch.set_num_threads(1)
    task, init = Task(**cfg["task"]), Init(**cfg["init"])
    Xp, yp, Xf, yf, Ts = [], [], [], [], []
    for st, sp, sf in zip(cfg["seeds_teacher"], cfg["seeds_pt"], cfg["seeds_data"]):
        T = make_teachers(task, cfg["D"], st)
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
    """Replica relative error of one (task, init, scheme) on ``cfg["alphas"]``."""
    if not replica_available():
        from ..errors import ReplicaError
        raise ReplicaError("ptft_theory.replica is not part of this checkout")
    from ..replica import generalization_error
    try:
        res = generalization_error(Task(**cfg["task"]), Init(**cfg["init"]), np.asarray(cfg["alphas"], dtype=float),
                                   scheme=cfg["scheme"], sigma=cfg.get("sigma", 0.0))
    except (ValueError, RuntimeError, ArithmeticError) as e:
        # recorded (the figure omits this line and says so); the source hash in the config makes a
        # fixed replica solver recompute it
        return {"E": None, "error": f"{type(e).__name__}: {e}"}
    return {"E": [float(x) for x in np.asarray(getattr(res, "E", res), dtype=float).ravel()]}


def evaluate_point(cfg: dict) -> dict:
    """Dispatch on ``cfg["kind"]`` (the function a sweep runs)."""
    return POINT_KINDS[cfg["kind"]](cfg)


POINT_KINDS = {"regime_slice": regime_slice, "sim_error": sim_error, "replica_curve": replica_curve, "gd_error": gd_error,
               "two_stage_curve": finite_pt_points.two_stage_curve, "two_stage_sim": finite_pt_points.two_stage_sim}


def replica_available() -> bool:
    """True when this package's own ``replica/`` provides ``generalization_error``.

    Checks the file next to this module first: an editable install of another checkout can
    otherwise satisfy ``import ptft_theory.replica`` with that checkout's file.
    """
    if not (PACKAGE_DIR / "replica" / "__init__.py").exists():
        return False
    try:
        from .. import replica
    except ImportError:
        return False
    return hasattr(replica, "generalization_error")
