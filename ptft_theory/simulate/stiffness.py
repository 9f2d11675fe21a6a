"""The accurate mode's up-front stiffness check: refuse a phase whose limit Radau cannot reach in float64.

Near the limit ``beta*`` of a phase (the implicit-bias solution from the phase's scales ``k``, ``b0``) the
residual ``r = X beta - y`` obeys ``dr/dt = -X W X^T r / N`` with ``W = diag(2 sqrt(k^2 + beta*^2))`` (per
coordinate ``d beta / dt = -2 sqrt(k^2 + beta^2) g``).  Its eigenvalues span ``[lambda_min, lambda_max]``;
coordinates the limit leaves near 0 have ``W ~ k``, so a tiny scale makes ``lambda_min`` tiny (``~ c_pt^0.6`` at
D = 20, N = 10: 7.8e-9 at c_pt = 1e-12, where ``lambda_max`` = 12).  The ratio ``stiffness = lambda_max /
lambda_min`` decides whether Radau at the accurate mode's tolerances gets there.  Measured on that problem
(PT, rho_pt = 0.1, merged, rtol = residual_tol = 1e-11), numpy replica of the ODE and the simulator itself:

    c_pt     stiffness   outcome
    1e-5     7.3e4       converged (~33 000 evaluations)
    1e-6     3.1e5       converged (~61 000 evaluations; 5.4e-11 at 60 000)
    1e-8     5.4e6       steps collapse at t ~ 1.5e5, residual 3e-6 (h 1000 -> 2, Jacobian re-evaluated
                         every ~40 evaluations: Newton failures); 12.3 e-folds from the stop after 80 000
    1e-12    1.5e9       steps collapse at t ~ 5e4, residual 8e-6 (h 173 -> 1.3); the runtime stall test
                         fired only after ~41 000 evaluations (15 min on a loaded machine, ~90 s idle)

Not float64 underflow (the smallest weight is 2.8e-13 at c_pt = 1e-12, products ~1e-25) and not the escape from
the small start (done by t ~ 10): the collapse comes ~2500x before the slowest mode's time 1/lambda_min, in the
power-law approach.  The check refuses where ``stiffness > STIFFNESS_MAX`` with the accurate mode's tight
tolerances (``rtol <= 1e-9``, where rtol = 1e-9 was seen to stall too, and ``residual_tol < 1e-4``: the stalls
set in at relative residuals 3e-6 to 8e-6, so a looser stop is met before them); the runtime stall test stays
for whatever this misses.  Hypothesis-drawn
test problems (c_pt in [1e-3, 10], lambda_pt near +-c_pt, both schemes, 392 draws) reach 3.6e4 at most.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..solver import implicit_bias_solution

#: Largest stiffness of a phase's limit the accurate mode runs (module docstring: 3.1e5 converged, 5.4e6 stalled).
STIFFNESS_MAX = 1e6
#: The check applies at tolerances this tight or tighter (module docstring).
CHECKED_RTOL = 1e-9
CHECKED_RESIDUAL_TOL = 1e-4


def limit_stiffness(X, y, k, b0) -> tuple[float, float]:
    """``(lambda_min, lambda_max)`` of ``X W X^T / N`` at the limit of one phase (``N < D``; frozen coordinates,
    ``k = b0 = 0``, left out: they do not move)."""
    N, D = X.shape
    beta = implicit_bias_solution(X, y, k, b0)
    k, b0 = np.broadcast_to(np.asarray(k, float), (D,)), np.broadcast_to(np.asarray(b0, float), (D,))
    live = ~((k == 0) & (b0 == 0))
    w = 2 * np.hypot(k[live], beta[live])
    ev = np.linalg.eigvalsh((X[:, live] * w) @ X[:, live].T / N)
    return float(ev[0]), float(ev[-1])


def _stiff(X, y, k, b0):
    try:
        lo, hi = limit_stiffness(X, y, k, b0)
    except Exception:  # noqa: BLE001 - the check is advisory: a limit the solver cannot find is left to the ODE
        return None
    return (lo, hi) if not lo * STIFFNESS_MAX >= hi else None


def check_pt(X, y, c, rtol, residual_tol):
    """ParameterError naming c_pt and its valid range for these data when PT from scale ``c`` (``k = c``,
    ``b0 = 0``) is too stiff for the accurate mode (module docstring); no-op otherwise."""
    if not _applies(X, rtol, residual_tol):
        return
    bad = _stiff(X, y, c, 0.0)
    if bad is None:
        return
    lo, hi = bad
    c_min = _smallest_valid_c(X, y, c)
    where = f"c_pt >= {c_min:.2g}" if c_min is not None else "a larger c_pt"
    raise ParameterError(
        f"c_pt={c!r} is too small for mode='accurate' on these data; valid range here: {where}. The flow's "
        f"limit is too stiff for Radau in float64: its slowest mode is {hi / lo:.2g} times slower than its fastest "
        f"(rates {lo:.2g} and {hi:.2g} of X diag(2 sqrt(c^2 + beta^2)) X^T / N; coordinates the limit leaves near 0 "
        f"move at ~c_pt), and above {STIFFNESS_MAX:g} the steps collapse long before residual_tol is met. "
        "Or loosen residual_tol (from 1e-4 on it is not refused: the collapses measured set in at relative "
        "residuals 3e-6 to 8e-6).")


def check_ft(X, y, k, b0, rtol, residual_tol):
    """As :func:`check_pt` for fine-tuning from the scales ``(k, b0)`` PT left (they come from c_pt, lambda_pt
    and gamma_ft)."""
    if not _applies(X, rtol, residual_tol):
        return
    bad = _stiff(X, y, k, b0)
    if bad is None:
        return
    lo, hi = bad
    raise ParameterError(
        f"c_pt, lambda_pt, gamma_ft give FT scales k down to {np.min(k):.2g}, too small for mode='accurate' on these "
        f"data: the FT limit's slowest mode is {hi / lo:.2g} times slower than its fastest (valid range: at most "
        f"{STIFFNESS_MAX:g}; rates {lo:.2g} and {hi:.2g}), where Radau's steps collapse in float64. Raise gamma_ft or "
        "c_pt, or loosen residual_tol (from 1e-4 on it is not refused).")


def _applies(X, rtol, residual_tol):
    N, D = X.shape
    return N < D and rtol <= CHECKED_RTOL and residual_tol < CHECKED_RESIDUAL_TOL


def _smallest_valid_c(X, y, c, steps=12):
    """The smallest c_pt (to ~25%) whose PT limit passes, by bisection in log c_pt between ``c`` and the first
    passing power of ten above it (stiffness falls as c_pt grows); None when none up to 1e12 c_pt."""
    lo = math.log10(c)
    hi = lo
    while True:
        hi += 1
        if hi > lo + 12:
            return None
        if _stiff(X, y, 10.0**hi, 0.0) is None:
            break
    for _ in range(steps):
        if hi - lo < 0.1:
            break
        mid = 0.5 * (lo + hi)
        if _stiff(X, y, 10.0**mid, 0.0) is None:
            hi = mid
        else:
            lo = mid
    return 10.0**hi
