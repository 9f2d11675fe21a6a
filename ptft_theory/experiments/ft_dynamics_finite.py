"""FT time course on finite data (alpha = N/D < 1): gradient flow integrated exactly, and its early-time
expansion (derivations/09_early_time.md).

With ``L = ||X beta - y||^2 / (2N)`` the coordinates no longer decouple, but each coordinate's four
weights still rotate hyperbolically by its integrated gradient ``s_d = -int dL/dbeta_d dt``, so
``beta_d = P_d e^{2 s_d} - M_d e^{-2 s_d}`` (docs/design.md section 1; ``P, M`` from the FT scale and
start ``(k, b0)``), and ``s = X^T lambda`` with ``lambda`` in R^N:

    d lambda / dt = (y - X beta(X^T lambda)) / N,     lambda(0) = 0.

This is gradient flow on the network itself, written in the N dual coordinates (the weights at any
time are the rotations by ``s``): a stiff ODE of size N instead of 4D, integrated by scipy's Radau with
its exact Jacobian ``-X diag(K) X^T / N``, ``K = 2 sqrt(k^2 + beta^2)`` (the per-coordinate NTK).  It is
checked against the package's simulator on the weights (:func:`ptft_theory.simulate.flow.run_accurate`)
along the whole trajectory (tests/experiments/test_ft_dynamics_finite.py); the simulator itself costs
minutes per run at D = 200 (its Radau factorises 5D x 5D matrices), this form milliseconds.

Early time (:mod:`ptft_theory.symbolic.early_time`): the Taylor coefficients ``beta_j = d^j beta/dt^j(0)``
and the linearised (NTK) flow ``beta' = K(b0) X^T (y - X beta) / N`` in closed form.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..config import Init, Task
from ..errors import ParameterError
from ..kernels import np as K
from ..scales import ft_scales
from ..simulate.tasks import make_teachers, relative_error, sample_data
from ..solver import implicit_bias_solution, minor_coefficient

#: Radau tolerances of the dual ODE (lambda ~ t |r| / N; atol below any lambda that moves beta).
RTOL = 1e-9
ATOL = 1e-13


def branch_coefficients(k, b0):
    """``(P, M)`` with ``beta(s) = P e^{2s} - M e^{-2s}``, ``P - M = b0``, ``4 P M = k^2`` (no cancellation)."""
    k, b0 = np.asarray(k, dtype=float), np.asarray(b0, dtype=float)
    m = minor_coefficient(k, b0)
    return K.branch_coefficient_P(m, b0), K.branch_coefficient_M(m, b0)


def ft_start(beta_pt, init: Init, scheme="merged"):
    """``(k, b0, P, M)`` of the FT re-initialisation after PT converged on ``beta_pt``."""
    k, b0 = ft_scales(np.asarray(beta_pt, dtype=float), init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    P, M = branch_coefficients(k, b0)
    return k, b0, P, M


def flow_trajectory(times, X, y, P, M, *, rtol=RTOL, atol=ATOL):
    """``beta(t)`` (len(times), D) of gradient flow on ``||X beta - y||^2/(2N)`` from ``beta = P - M``.

    ``times`` nondecreasing, ``>= 0``.  Returns ``(beta, info)``; ``info`` has ``steps``, ``nfev``,
    ``njev`` and the final relative residual.
    """
    from scipy.integrate import solve_ivp
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or t[0] < 0 or np.any(np.diff(t) < 0):
        raise ParameterError("times must be a nonempty 1-D array of finite, nondecreasing times >= 0")
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    N = X.shape[0]
    P, M = np.asarray(P, dtype=float), np.asarray(M, dtype=float)

    def beta_kern(lam):
        s2 = 2.0 * (X.T @ lam)
        ep, em = P * np.exp(s2), M * np.exp(-s2)
        return ep - em, 2.0 * (ep + em)

    def rhs(_, lam):
        return (y - X @ beta_kern(lam)[0]) / N

    def jac(_, lam):
        return -(X * beta_kern(lam)[1]) @ X.T / N

    with np.errstate(over="raise", invalid="raise"):
        if t[-1] > 0:
            sol = solve_ivp(rhs, (0.0, t[-1]), np.zeros(N), method="Radau", jac=jac, t_eval=t, rtol=rtol, atol=atol)
            if sol.status != 0:
                raise RuntimeError(f"dual gradient-flow ODE failed: {sol.message}")
            lams, info = sol.y.T, {"steps": int(sol.t.size), "nfev": int(sol.nfev), "njev": int(sol.njev)}
        else:
            lams, info = np.zeros((t.size, N)), {"steps": 0, "nfev": 0, "njev": 0}
        beta = np.array([beta_kern(lam)[0] for lam in lams])
    info["residual"] = float(np.linalg.norm(X @ beta[-1] - y) / max(np.linalg.norm(y), np.finfo(float).tiny))
    return beta, info


# ------------------------------------------------------------------------------------------ early time
def kernel_derivatives(beta, k):
    """``K, K', K''`` of the per-coordinate NTK ``K(beta) = 2 sqrt(k^2 + beta^2)`` (the rate ``dbeta/ds``;
    :func:`ptft_theory.symbolic.early_time.kernel_derivatives` derives them)."""
    r = np.hypot(k, beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = np.where(r > 0, 2.0 * beta / np.where(r > 0, r, 1.0), 0.0)
        d2 = np.where(r > 0, 2.0 * k * k / np.where(r > 0, r, 1.0) ** 3, 0.0)
    return 2.0 * r, d1, d2


def taylor_coefficients(X, y, k, b0, order=3):
    """``[beta(0), beta'(0), beta''(0), beta'''(0)][:order + 1]`` of the flow ``beta' = K(beta) (c - H beta)``,
    ``H = X^T X / N``, ``c = X^T y / N`` (the recursion of derivations/09_early_time.md)."""
    if order not in (1, 2, 3):
        raise ParameterError(f"order={order!r} is invalid; valid: 1, 2 or 3")
    X = np.asarray(X, dtype=float)
    N = X.shape[0]

    def H(v):
        return X.T @ (X @ v) / N

    b0 = np.asarray(b0, dtype=float)
    g0 = X.T @ (np.asarray(y, dtype=float) - X @ b0) / N
    K0, K1, K2 = kernel_derivatives(b0, np.asarray(k, dtype=float))
    b1 = K0 * g0
    out = [b0, b1]
    if order >= 2:
        g1 = -H(b1)
        b2 = K1 * b1 * g0 + K0 * g1
        out.append(b2)
    if order >= 3:
        g2 = -H(b2)
        b3 = K2 * b1 * b1 * g0 + K1 * b2 * g0 + 2.0 * K1 * b1 * g1 + K0 * g2
        out.append(b3)
    return out


def taylor_beta(times, coefficients):
    """``sum_j beta_j t^j / j!`` at each time: (len(times), D)."""
    t = np.asarray(times, dtype=float)[:, None]
    out = np.zeros((t.shape[0], coefficients[0].size))
    fact = 1.0
    for j, c in enumerate(coefficients):
        fact *= max(j, 1)
        out += c[None, :] * t**j / fact
    return out


def ntk_trajectory(times, X, y, k, b0):
    """``beta(t)`` of the linearised (NTK, lazy) flow ``beta' = K(b0) X^T (y - X beta)/N`` in closed form:
    ``beta = b0 + K0 X^T lambda``, ``lambda = U diag((1 - e^{-g t})/g) U^T r0 / N`` with
    ``U diag(g) U^T = X diag(K0) X^T / N`` and ``r0 = y - X b0`` (``t`` where ``g = 0``)."""
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    t = np.asarray(times, dtype=float)[:, None]
    K0 = kernel_derivatives(np.asarray(b0, dtype=float), np.asarray(k, dtype=float))[0]
    g, U = np.linalg.eigh((X * K0) @ X.T / N)
    g = np.maximum(g, 0.0)
    r0 = U.T @ (np.asarray(y, dtype=float) - X @ b0) / N
    with np.errstate(divide="ignore", invalid="ignore"):
        gt = g[None, :] * t
        w = np.where(gt > 0, -np.expm1(-gt) / np.where(g > 0, g, 1.0)[None, :], t)
    lam = (w * r0[None, :]) @ U.T
    return b0[None, :] + K0[None, :] * (lam @ X)


# ------------------------------------------------------------------------------------------ one run
INITS_KEYS = ("c_pt", "lambda_pt", "gamma_ft")


def draw(D: int, task: Task, alpha: float, seed: int, base_seed: int):
    """Teachers and FT data of one paired draw (the same for every init): ``SeedSequence([base_seed, seed,
    D])`` spawned into (teachers, data); ``N = round(alpha D)``."""
    N = int(round(alpha * D))
    if N < 1 or N >= D:
        raise ParameterError(f"alpha={alpha!r} gives N={N} at D={D}; valid range: 1 <= alpha D < D (alpha < 1)")
    ss = np.random.SeedSequence([int(base_seed), int(seed), int(D)]).spawn(2)
    T = make_teachers(task, D, ss[0])
    X, y = sample_data(N, T.beta_ft, seed=ss[1])
    return T, X, y


def time_scale(X, y, k, b0) -> float:
    """``tau0 = min(1/(max K0 lambda_max(H)), 1/max|g0|)``: the fastest linear relaxation time and the time
    after which the kernel has changed (its second derivative times ``beta'^2``); early = ``t << tau0``."""
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    K0 = kernel_derivatives(np.asarray(b0, dtype=float), np.asarray(k, dtype=float))[0]
    g0 = X.T @ (np.asarray(y, dtype=float) - X @ b0) / N
    lam_max = np.linalg.norm(X, 2) ** 2 / N
    return float(min(1.0 / max(K0.max() * lam_max, 1e-300), 1.0 / max(np.abs(g0).max(), 1e-300)))


def run_point(cfg: dict) -> dict:
    """One (task, init, alpha, seed) run: E(t) on ``cfg["times"]``, the convex end point's E on the same
    draw, the linearised (NTK) E(t), and at the early times ``cfg["early_fractions"]`` x :func:`time_scale`
    the flow's, the Taylor orders' 1-3 and the NTK's E."""
    task, init = Task(**cfg["task"]), Init(**cfg["init"])
    T, X, y = draw(int(cfg["D"]), task, float(cfg["alpha"]), int(cfg["seed"]), int(cfg["base_seed"]))
    k, b0, P, M = ft_start(T.beta_pt, init, cfg.get("scheme", "merged"))
    times = np.asarray(cfg["times"], dtype=float)
    beta, info = flow_trajectory(times, X, y, P, M)
    E = relative_error(beta, T.beta_ft)
    end = implicit_bias_solution(X, y, k, b0)
    tau0 = time_scale(X, y, k, b0)
    te = tau0 * np.asarray(cfg["early_fractions"], dtype=float)
    beta_e, _ = flow_trajectory(te, X, y, P, M)
    coef = taylor_coefficients(X, y, k, b0, 3)
    move = np.maximum(np.linalg.norm(beta_e - b0, axis=1), np.finfo(float).tiny)

    def rel(approx):  # distance to the flow relative to how far the flow moved: the Taylor remainder's scale
        return [float(v) for v in np.linalg.norm(approx - beta_e, axis=1) / move]

    return {"E": [float(v) for v in E], "E_convex": float(relative_error(end, T.beta_ft)),
            "end_gap": float(np.max(np.abs(beta[-1] - end))), "residual": info["residual"], "nfev": info["nfev"],
            "tau0": tau0, "early_times": [float(v) for v in te],
            "E_early": [float(v) for v in relative_error(beta_e, T.beta_ft)],
            "E_taylor": [[float(v) for v in relative_error(taylor_beta(te, coef[:n + 1]), T.beta_ft)] for n in (1, 2, 3)],
            "E_ntk_early": [float(v) for v in relative_error(ntk_trajectory(te, X, y, k, b0), T.beta_ft)],
            "beta_err_taylor": [rel(taylor_beta(te, coef[:n + 1])) for n in (1, 2, 3)],
            "beta_err_ntk": rel(ntk_trajectory(te, X, y, k, b0)),
            "E_ntk": [float(v) for v in relative_error(ntk_trajectory(times, X, y, k, b0), T.beta_ft)]}


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """Fingerprint of the code a run executes (this module's import closure) and numpy/scipy versions:
    part of every run's key, so editing the figure or the study driver keeps finished runs."""
    import hashlib
    from .hashing import code_fingerprint
    from .nonlinear.protocol import PACKAGE, import_closure
    h = hashlib.sha256()
    # the generated kernels are imported by attribute (kernels.np), which the closure cannot see
    files = set(import_closure(Path(__file__))) | set((PACKAGE / "kernels").rglob("*.py"))
    for f in sorted(files):
        # the fingerprint helpers this function imports (and what they import) do not touch a run's numbers
        rel = f.relative_to(PACKAGE).as_posix()
        if f.name != "__init__.py" and "__pycache__" not in rel and not rel.startswith(
                ("experiments/nonlinear/", "experiments/resnet/", "experiments/hashing.py")):
            h.update(rel.encode() + b"\0" + f.read_bytes() + b"\0")
    return code_fingerprint(PACKAGE / "_none_", extra=(h.hexdigest(),), distributions=("numpy", "scipy"))
