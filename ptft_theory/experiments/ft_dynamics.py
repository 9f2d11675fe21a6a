"""Time to a given FT error for the four regimes' inits on Fig. 5's tasks, exactly.

In the population / whitened limit every init reaches the FT teacher; the regimes differ only in how
fast.  ``E(t) = sum_c w_c (beta_c(t) - beta*_c)^2 / sum_c w_c beta*_c^2`` over the coordinate classes
of :func:`ptft_theory.replica.classes.class_layout` (exact: each class is one coordinate's closed form).
The command is ``ptft figures --only ft_dynamics``; the config ``ft_dynamics.toml`` names the source
figure config (inits, tasks, scheme) and the time grid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import Init, Task
from ..fileio import write_csv_atomic
from ..replica.classes import P_EQUAL_SIGN, class_layout
from ..scales import ft_scales
from ..trajectory import coordinate_trajectory
from .style import REGIME_COLORS, mark_quick, new_figure, save_figure, tex

NAME = "ft_dynamics"
#: Line styles: curves that coincide (e.g. II and IV on the readout scheme's PT-feature tasks) stay visible.
_STYLES = {"II": "--", "IV": (0, (1, 1.5))}


def _classes(task: Task, init: Init, scheme):
    w, bpt, bstar = map(np.array, class_layout(task.rho_pt, task.rho_shared, task.rho_new, task.a_pt, task.a_ft,
                                              P_EQUAL_SIGN[task.shared_signs]))
    keep = w > 0
    k, b0 = ft_scales(bpt[keep], init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    return w[keep], bstar[keep], k, b0


def error_curve(times, task: Task, init: Init, scheme="merged") -> np.ndarray:
    """Relative FT error ``E(t)`` on whitened data for ``task`` from ``init`` (exact, per class)."""
    w, bstar, k, b0 = _classes(task, init, scheme)
    beta = coordinate_trajectory(times, bstar, k, b0)
    return (beta - bstar) ** 2 @ w / float(w @ bstar**2)


def stable_rate(task: Task, init: Init, scheme="merged") -> float:
    """Largest per-coordinate NTK eigenvalue ``2 sqrt(k^2 + beta^2)`` along the FT run (beta between b0
    and beta*, monotone): GD at a stable learning rate takes ``t * stable_rate`` steps for flow time t."""
    _, bstar, k, b0 = _classes(task, init, scheme)
    return float(np.max(2 * np.sqrt(k**2 + np.maximum(bstar**2, b0**2))))


def time_to_error(target, task: Task, init: Init, scheme="merged", t_max=1e12) -> float:
    """First time at which ``E(t) <= target`` (E is nonincreasing: each |beta - beta*| is); ``inf`` if E
    stays above it up to ``t_max`` (a frozen coordinate with a nonzero target)."""
    if error_curve([t_max], task, init, scheme)[0] > target:
        return float("inf")
    lo, hi = -12.0, np.log10(t_max)
    if error_curve([10.0**lo], task, init, scheme)[0] <= target:
        return 10.0**lo
    for _ in range(60):  # bisection in log10 t to ~1e-16 relative in log t
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if error_curve([10.0**mid], task, init, scheme)[0] <= target else (mid, hi)
    return 10.0**hi


#: Errors below this count as converged (ties): E is exact only to ~1e-30 (rounding of beta - beta*).
E_FLOOR = 1e-12


def rankings(times, curves: dict) -> list[str]:
    """At each time, the regimes ordered best (lowest E) first, as 'IV<I<II<III' strings ('=' for ties,
    e.g. every regime below :data:`E_FLOOR`)."""
    names = list(curves)
    E = np.maximum(np.array([curves[n] for n in names]), E_FLOOR)
    out = []
    for j in range(E.shape[1]):
        order = np.argsort(E[:, j], kind="stable")
        out.append("".join((("=" if E[order[i], j] == E[order[i - 1], j] else "<") if i else "") + names[order[i]]
                           for i in range(len(order))))
    return out


def compute(cfg: dict, source: dict):
    """(times, {task: {regime: E(t)}}, rows of the time-to-error table)."""
    times = np.logspace(np.log10(cfg["t_min"]), np.log10(cfg["t_max"]), int(cfg["n_times"]))
    scheme = source.get("scheme", "merged")
    curves, rows = {}, []
    for t in source["tasks"]:
        task = Task(**t["task"])
        curves[t["name"]] = {}
        for i in source["inits"]:
            init = Init(**i["init"])
            curves[t["name"]][i["regime"]] = error_curve(times, task, init, scheme)
            lam = stable_rate(task, init, scheme)
            for target in cfg["targets"]:
                tt = time_to_error(target, task, init, scheme)
                rows.append([t["name"], i["regime"], target, tt, tt * lam])
    return times, curves, rows


def figure(opts, config_dir=None, name: str = NAME) -> list[Path]:
    """Build ``figures/<name>.{png,pdf}`` and ``results/<name>_{times,curves}.csv`` (``name``: the config,
    ``ft_dynamics`` for Fig. 5's merged network or ``ft_dynamics_readout`` for its readout companion)."""
    from . import points as F
    NAME = name  # noqa: N806  (the file stem, as the module constant names the default)
    cfg = F.load_config(NAME, opts.quick, config_dir)
    source = F.load_config(cfg["source"], opts.quick, config_dir)
    times, curves, rows = compute(cfg, source)
    res = Path(opts.out) / "results"
    write_csv_atomic(res / f"{NAME}_times.csv", ["task", "regime", "target_E", "time", "gd_steps"],
                     [[a, b, c, d if np.isfinite(d) else "inf", e if np.isfinite(e) else "inf"] for a, b, c, d, e in rows])
    crow = []
    for tn, cs in curves.items():
        rk = rankings(times, cs)
        for j, t in enumerate(times):
            crow.append([tn, t, *(cs[r][j] for r in cs), rk[j]])
    regs = list(next(iter(curves.values())))
    write_csv_atomic(res / f"{NAME}_curves.csv", ["task", "time", *(f"E_{r}" for r in regs), "ranking"], crow)
    fig = draw(cfg, source, times, curves, quick=opts.quick)
    return save_figure(fig, Path(opts.out) / "figures", NAME) + [res / f"{NAME}_times.csv", res / f"{NAME}_curves.csv"]


def draw(cfg, source, times, curves, *, quick=False, fig=None):
    """E(t) per task and regime (flow time, and GD steps at a stable rate) on ``fig`` (new if None); returns it."""
    fig = new_figure(fig, (4.6 * len(curves), 7.6))
    axes = fig.subplots(2, len(curves), squeeze=False)
    lam = {(t["name"], i["regime"]): stable_rate(Task(**t["task"]), Init(**i["init"]), source.get("scheme", "merged"))
           for t in source["tasks"] for i in source["inits"]}
    for j, (t, (tn, cs)) in enumerate(zip(source["tasks"], curves.items())):
        for row, clock in enumerate((r"flow time $t$", "GD steps at a stable rate")):
            ax = axes[row, j]
            for r, E in cs.items():
                x = times * (lam[(tn, r)] if row else 1.0)
                ax.loglog(x, np.maximum(E, 1e-16), color=REGIME_COLORS[r], lw=2, ls=_STYLES.get(r, "-"),
                          label=f"regime {r}")
            ax.set_xlabel(clock)
            ax.set_ylabel(r"FT error $E(t)$")
            ax.set_ylim(1e-4, max(1.5, 1.2 * max(float(np.max(E)) for E in cs.values())))
            ax.grid(True, which="major", alpha=0.3)
            if row == 0:
                ax.set_title(tex(t["title"]), fontsize=10)
            if j == 0:
                ax.legend(fontsize=8)
    fig.suptitle(tex(cfg["title"]) + " (scheme " + source.get("scheme", "merged") + ")", fontsize=11)
    fig.tight_layout()   # leaves room for the suptitle itself
    if quick:
        mark_quick(fig)
    return fig
