"""The two integrators behind :func:`ptft_theory.simulate_gradient_flow`, on torch: the accurate
gradient-flow ODE (Radau IIA with the exact Jacobian, finished exactly where X has full column rank)
and the paper's gradient descent; each trains one phase (PT or FT) of a batch and returns a
:class:`Phase`.  The modes, tolerances and their reasons are described in :mod:`ptft_theory.simulate`.
"""

from __future__ import annotations

import dataclasses
import enum
import time

import numpy as np

from .. import _validate as V
from ..errors import SimulationError

#: Default stop of the accurate mode: relative residual ``||X beta - y|| / ||y||``.
RESIDUAL_TOL = 1e-11
#: Radau tolerances.  rtol 1e-11 keeps the ODE error well below the 1e-6 agreement we test.
ODE_RTOL = 1e-11
ODE_ATOL = 1e-14
#: Paper protocol: stop at MSE < 1e-10.
MSE_TOL = 1e-10
#: Full column rank X (accurate mode): the ODE runs until ||beta - beta_ls|| <= FINISH_RTOL ||beta_ls||,
#: then the flow is finished exactly (see :mod:`ptft_theory.simulate`).
FINISH_RTOL = 1e-3


class Mode(enum.StrEnum):
    """The integrator of :func:`ptft_theory.simulate_gradient_flow` (the plain strings work too)."""

    ACCURATE = "accurate"
    GD = "gd"


@dataclasses.dataclass(frozen=True)
class AccurateOptions:
    """Options of ``mode="accurate"`` (the ODE, Radau, float64); the defaults are the keywords'."""

    residual_tol: float = RESIDUAL_TOL
    rtol: float = ODE_RTOL
    atol: float = ODE_ATOL
    max_time: float = 1e14
    max_evals: int = 200_000


@dataclasses.dataclass(frozen=True)
class GDOptions:
    """Options of ``mode="gd"`` (the paper's full-batch GD); the defaults are the keywords'."""

    lr: float | None = None
    mse_tol: float = MSE_TOL
    max_steps: int = 1_000_000


@dataclasses.dataclass
class Phase:
    """Outcome of one training phase (PT or FT), batched over B examples.

    Attributes:
        beta: (B, D) end point.
        weights: dict of (B, D) arrays ``u_plus, v_plus, u_minus, v_minus`` at the end.
        weights_init: same, at the start of the phase.
        integrated_gradient: (B, D) ``s`` at the end (accurate mode; zeros in gd mode).
        converged: (B,) bool.
        final_residual: (B,) relative residual ``||X beta - y|| / ||y||``.
        final_mse: (B,) ``mean((X beta - y)^2)``.
        steps: ODE steps (accurate) or GD steps (gd).
        seconds: wall time of the phase.
        trajectory: optional dict with ``t`` (T,), ``beta`` (T, B, D) and ``s`` (T, B, D).
    """

    beta: np.ndarray
    weights: dict
    weights_init: dict
    integrated_gradient: np.ndarray
    converged: np.ndarray
    final_residual: np.ndarray
    final_mse: np.ndarray
    steps: int
    seconds: float
    trajectory: dict | None = None


def torch_module():
    from ..extras import require
    return require("torch", "simulate_gradient_flow")


def loss_and_beta(weights, X, y):
    """The network's forward pass: ``beta = u+ v+ - u- v-`` and ``L = ||X beta - y||^2 / (2N)`` per example."""
    up, vp, um, vm = weights
    beta = up * vp - um * vm
    r = (X @ beta.unsqueeze(-1)).squeeze(-1) - y
    return 0.5 * (r * r).sum(-1) / X.shape[-2], beta


def weights_dict(ws):
    return dict(zip(("u_plus", "v_plus", "u_minus", "v_minus"), ws))


def residuals(beta, X, y):
    r = np.einsum("bnd,bd->bn", X, beta) - y
    y_norm = np.maximum(np.linalg.norm(y, axis=1), np.finfo(float).tiny)
    return np.linalg.norm(r, axis=1) / y_norm, np.mean(r * r, axis=1)


# --------------------------------------------------------------------------------- accurate mode
class _BudgetExceeded(Exception):
    pass


class _Stalled(Exception):
    pass


#: Stall test of the accurate mode, every STALL_EVERY gradient evaluations: over the last STALL_WINDOW
#: evaluations the flow time advanced by less than STALL_RTOL (relative) and the residual fell by less than
#: STALL_RTOL (relative).  Radau's steps then have collapsed far from the stop: c_pt = 1e-12 at D = 20, N = 10
#: sat at t ~ 5e4, residual 7e-7, for 150 000 evaluations (89 s) before max_evals; the escape from a tiny
#: start, the slowest legitimate phase seen, advances t by ~40% per 3000 evaluations.
STALL_EVERY = 1000
STALL_WINDOW = 6000
STALL_RTOL = 0.05


def run_accurate(w_init, X, y, dev, dtype, record, c, *, residual_tol, rtol, atol, max_time, max_evals):
    import scipy.integrate
    import scipy.sparse
    torch = torch_module()
    from torch.func import grad, jacrev, vmap  # Jacobian only (called rarely by Radau)

    B, N, D = X.shape
    Xt = torch.as_tensor(X, dtype=dtype, device=dev)
    yt = torch.as_tensor(y, dtype=dtype, device=dev)
    y_norm = np.maximum(np.linalg.norm(y, axis=1), np.finfo(float).tiny)

    def loss_single(theta, Xs, ys):
        ws = theta.reshape(4, D)
        loss, _ = loss_and_beta(ws, Xs, ys)
        return loss

    def loss_of_beta(beta, Xs, ys):
        r = Xs @ beta - ys
        return 0.5 * (r @ r) / N

    def rhs_single(state, Xs, ys):
        theta = state[: 4 * D]
        ws = theta.reshape(4, D)
        beta = ws[0] * ws[1] - ws[2] * ws[3]
        return torch.cat([-grad(loss_single)(theta, Xs, ys), -grad(loss_of_beta)(beta, Xs, ys)])

    jac_b = vmap(jacrev(rhs_single))
    P = 5 * D

    def to_t(x):
        return torch.as_tensor(x.reshape(B, P), dtype=dtype, device=dev)

    budget = {"evals": 0, "last": None, "history": [], "max_evals": max_evals}

    def fun(t, x):
        budget["evals"] += 1
        budget["last"] = x
        if budget["evals"] > max_evals:
            raise _BudgetExceeded
        if budget["evals"] % STALL_EVERY == 0:
            _stall_check(budget, t, progress(x).max())
        # Plain batched autograd (cheaper per call than functorch): one backward pass gives
        # dL/dweights and dL/dbeta.
        st = torch.as_tensor(x.reshape(B, 5, D), dtype=dtype, device=dev)
        ws = [st[:, i].clone().requires_grad_(True) for i in range(4)]
        loss, beta = loss_and_beta(ws, Xt, yt)
        grads = torch.autograd.grad(loss.sum(), ws + [beta])
        return -torch.stack(grads, dim=1).reshape(-1).cpu().numpy()

    def jac(t, x):
        J = jac_b(to_t(x), Xt, yt).cpu().numpy()
        return scipy.sparse.block_diag(list(J), format="csc") if B > 1 else J[0]

    def beta_of(x):
        st = x.reshape(B, 5, D)
        return st[:, 0] * st[:, 1] - st[:, 2] * st[:, 3]

    # Full column rank: the flow's limit is the unique least-squares point; run the ODE to within
    # FINISH_RTOL of it, then finish exactly (_finish_exactly, module docstring).
    full_rank = np.array([N >= D and np.linalg.matrix_rank(X[i]) == D for i in range(B)])
    beta_ls = np.zeros((B, D))
    for i in np.flatnonzero(full_rank):
        beta_ls[i] = np.linalg.lstsq(X[i], y[i], rcond=None)[0]
    ls_norm = np.maximum(np.linalg.norm(beta_ls, axis=1), np.finfo(float).tiny)

    def progress(x):
        """Per entry: log of (distance to the stop) over (its target); <= 0 means done."""
        beta = beta_of(x)
        res, _ = residuals(beta, X, y)
        # Stop a little below the tolerance so that the located event point is safely inside it.
        out = np.log(res + 1e-300) - np.log(0.5 * residual_tol)
        if full_rank.any():
            dist = np.linalg.norm(beta - beta_ls, axis=1) / ls_norm
            out = np.where(full_rank, np.minimum(out, np.log(dist + 1e-300) - np.log(0.5 * FINISH_RTOL)), out)
        return out

    def converged_event(t, x):
        return progress(x).max()

    converged_event.terminal = True
    converged_event.direction = -1

    x0 = np.concatenate([np.stack(w_init, axis=1), np.zeros((B, 1, D))], axis=1).reshape(-1)
    t0 = time.perf_counter()
    if progress(x0).max() <= 0:
        sol_x, steps, traj = x0, 0, None
    else:
        traj = None
        try:
            sol = scipy.integrate.solve_ivp(fun, (0.0, max_time), x0, method="Radau", jac=jac, rtol=rtol,
                                            atol=atol, events=converged_event, dense_output=False)
        except _BudgetExceeded:  # reported as non-convergence by the caller
            sol_x, steps = budget["last"], max_evals
        except _Stalled as e:
            raise SimulationError(str(e)) from None
        else:
            sol_x, steps = sol.y[:, -1], sol.t.size - 1
            if record:
                st = sol.y.T.reshape(-1, B, 5, D)
                traj = {"t": sol.t, "beta": st[:, :, 0] * st[:, :, 1] - st[:, :, 2] * st[:, :, 3], "s": st[:, :, 4]}
            if sol.status == -1:
                raise SimulationError(f"Radau integration failed: {sol.message}")
    st = sol_x.reshape(B, 5, D).copy()
    finished = np.zeros(B, dtype=bool)
    for i in np.flatnonzero(full_rank):
        if np.linalg.norm(st[i, 0] * st[i, 1] - st[i, 2] * st[i, 3] - beta_ls[i]) <= FINISH_RTOL * ls_norm[i]:
            finished[i] = _finish_exactly(st[i], beta_ls[i])
    if finished.any() and traj is not None:
        traj = {"t": np.append(traj["t"], np.inf), "beta": np.concatenate([traj["beta"], beta_of(st)[None]]),
                "s": np.concatenate([traj["s"], st[None, :, 4]])}
    beta = beta_of(st.reshape(-1))
    resid, mse = residuals(beta, X, y)
    # at the least-squares point (noisy N > D) the residual stays: there, converged means X^T r ~ 0
    # to the same relative tolerance
    gnorm = np.linalg.norm(np.einsum("bnd,bn->bd", X, np.einsum("bnd,bd->bn", X, beta) - y), axis=1)
    scale = np.array([np.linalg.norm(X[i], 2) for i in range(B)]) * np.maximum(np.linalg.norm(y, axis=1),
                                                                             np.finfo(float).tiny)
    converged = (resid <= residual_tol) | (finished & (gnorm <= residual_tol * scale))
    return Phase(beta=beta, weights=weights_dict([st[:, i].copy() for i in range(4)]),
                 weights_init=weights_dict([w.copy() for w in w_init]), integrated_gradient=st[:, 4].copy(),
                 converged=converged, final_residual=resid, final_mse=mse,
                 steps=int(steps), seconds=time.perf_counter() - t0, trajectory=traj)


def _stall_check(budget, t, prog):
    """Raise _Stalled when, over the last STALL_WINDOW evaluations, neither the flow time nor the residual
    moved by STALL_RTOL (``prog`` = log(residual / target), > 0 before the stop) and, at the residual's rate
    over the window, the stop lies beyond ``budget["max_evals"]``."""
    hist = budget["history"]
    hist.append((budget["evals"], t, prog))
    old = [h for h in hist if h[0] <= budget["evals"] - STALL_WINDOW]
    if not old:
        return
    e0, t0, p0 = old[-1]
    del hist[:len(old) - 1]
    window = budget["evals"] - e0
    rate = max(p0 - prog, 0.0) / window  # e-folds of the residual per evaluation
    hopeless = rate * (budget.get("max_evals", np.inf) - budget["evals"]) < prog  # the budget ends first
    if t0 > 0 and t < (1 + STALL_RTOL) * t0 and p0 - prog < STALL_RTOL and hopeless:
        raise _Stalled(
            f"the flow stalled: over the last {window} gradient evaluations the flow time went from "
            f"{t0:.4g} to {t:.4g} and the residual fell by {100 * (1 - np.exp(prog - p0)):.2g}% "
            f"({np.exp(prog):.3g} x the stop). Near its limit the flow's slowest mode decays at a rate ~k on "
            "coordinates the limit leaves near 0 (k ~ c_pt: tiny c_pt makes the last digits unreachable). "
            "Loosen residual_tol, raise c_pt, or use mode='gd'.")


def _finish_exactly(st, target):
    """Move one entry's state ``st`` (5, D: u+, v+, u-, v-, s) to ``beta = target`` along the flow's own
    orbit: per coordinate the branches rotate hyperbolically by the integrated gradient sigma,
    ``(u+, v+) -> R(sigma) (u+, v+)``, ``(u-, v-) -> R(-sigma) (u-, v-)`` with
    ``R(sigma) = [[cosh, sinh], [sinh, cosh]]`` (the exact solution of the flow whatever the gradient
    history), so ``beta(sigma) = P e^{2 sigma} - M e^{-2 sigma}`` with ``P, M = (A +- beta)/2`` and ``A`` the
    mean of the branches' ``u^2 + v^2`` (``A >= |beta|``).  Solves the quadratic for ``e^{2 sigma}``
    without cancellation; returns False (state unchanged) when a coordinate cannot reach its target
    (frozen: P = 0 or M = 0 on the wrong side)."""
    up, vp, um, vm, _ = st
    A = 0.5 * (up * up + vp * vp + um * um + vm * vm)
    b = up * vp - um * vm
    P, M = np.maximum(0.5 * (A + b), 0.0), np.maximum(0.5 * (A - b), 0.0)
    S = np.sqrt(target * target + 4 * P * M)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(target >= 0, (target + S) / (2 * P), 2 * M / (S - target))
    same = target == b
    w = np.where(same, 1.0, w)
    if not np.all(np.isfinite(w) & (w > 0)):
        return False
    sigma = 0.5 * np.log(w)
    ch, sh = np.cosh(sigma), np.sinh(sigma)
    st[0], st[1] = up * ch + vp * sh, up * sh + vp * ch
    st[2], st[3] = um * ch - vm * sh, -um * sh + vm * ch
    st[4] = st[4] + sigma
    return True


# --------------------------------------------------------------------------------------- gd mode
def default_learning_rate(X, y, c):
    """``0.2 / (lambda_max(X^T X / N) * w2)``, ``w2 = max(2 c, 2 max|beta_min_norm|)`` per example."""
    B, N, _ = X.shape
    lrs = np.empty(B)
    for i in range(B):
        lam_max = np.linalg.norm(X[i], 2) ** 2 / N
        beta_mn, *_ = np.linalg.lstsq(X[i], y[i], rcond=None)
        w2 = max(2 * c[i], 2 * np.abs(beta_mn).max(), 1e-12)
        lrs[i] = 0.2 / (lam_max * w2)
    return lrs


def run_gd(w_init, X, y, dev, dtype, record, c, *, lr, mse_tol, max_steps):
    torch = torch_module()
    B, N, D = X.shape
    lrs = default_learning_rate(X, y, c) if lr is None else np.full(B, V.positive("lr", lr))
    max_steps = V.positive_int("max_steps", max_steps)
    Xt = torch.as_tensor(X, dtype=dtype, device=dev)
    yt = torch.as_tensor(y, dtype=dtype, device=dev)
    lr_t = torch.as_tensor(lrs, dtype=dtype, device=dev)[:, None]
    ws = [torch.as_tensor(w, dtype=dtype, device=dev).clone().requires_grad_(True) for w in w_init]
    active = torch.ones(B, dtype=torch.bool, device=dev)
    t0 = time.perf_counter()
    traj = {"t": [], "beta": [], "s": []} if record else None
    step = 0
    check_every = 100
    for step in range(1, max_steps + 1):
        loss, beta = loss_and_beta(ws, Xt, yt)
        grads = torch.autograd.grad(loss.sum(), ws)
        with torch.no_grad():
            for w, gw in zip(ws, grads):
                w -= lr_t * gw * active[:, None]
        if step % check_every == 0 or step == max_steps:
            with torch.no_grad():
                _, beta = loss_and_beta(ws, Xt, yt)
                r = (Xt @ beta.unsqueeze(-1)).squeeze(-1) - yt
                mse = (r * r).mean(-1)
                active &= ~(mse < mse_tol)
                if not torch.isfinite(mse).all():
                    raise SimulationError(f"GD diverged at step {step} (non-finite loss); lower lr (now {lrs.min():.3g})")
            if record and step % 1000 == 0:
                traj["t"].append(step)
                traj["beta"].append(beta.detach().cpu().numpy().astype(float))
            if not active.any():
                break
    with torch.no_grad():
        _, beta_t = loss_and_beta(ws, Xt, yt)
    beta = beta_t.detach().cpu().numpy().astype(float)
    resid, mse = residuals(beta, X, y)
    if record:
        traj = {k: np.asarray(v) for k, v in traj.items()}
    return Phase(beta=beta, weights=weights_dict([w.detach().cpu().numpy().astype(float) for w in ws]),
                 weights_init=weights_dict([np.array(w, dtype=float) for w in w_init]),
                 integrated_gradient=np.zeros((B, D)), converged=~active.cpu().numpy(),
                 final_residual=resid, final_mse=mse, steps=step, seconds=time.perf_counter() - t0,
                 trajectory=traj)

