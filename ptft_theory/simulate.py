"""Gradient-flow ground truth: train the diagonal network itself, PT then FT (DESIGN.md section 1).

The network is ``beta = u+ * v+ - u- * v-`` and the loss ``L = ||X beta - y||^2 / (2N)``; its
gradient is taken by torch autograd from this forward pass, so the simulator shares no formula
with the theory it checks.  Alongside the weights we integrate ``s' = -dL/dbeta`` (the integrated
gradient), which lets tests verify the mirror map ``beta(s)`` along the trajectory.

Two modes:

* ``mode="accurate"`` (default): the gradient-flow ODE, integrated by scipy's Radau IIA
  (implicit, order 5, adaptive, L-stable, so the stiff late phase of a rich flow costs few steps)
  with the exact Jacobian from ``torch.func`` (block diagonal over the batch), float64, until the
  relative residual ``||X beta - y|| / ||y||`` falls below ``residual_tol``.  Where X has full column
  rank (N >= D), the limit of the flow is the unique least-squares point ``beta_ls`` (the interpolator
  when the labels are noiseless), but its approach is slow: the last digits decay at the rate
  ``c * sigma_min(X)^2 / N``, and Radau needs ~1e5 flow time and over 2e5 gradient evaluations at
  D = N = 8 (the flow took 78 s and did not finish).  There the ODE runs until ``||beta - beta_ls||``
  is below ``FINISH_RTOL`` of ``||beta_ls||``, and the rest of the flow is done exactly: each coordinate's
  branches are hyperbolic rotations by the integrated gradient ``sigma_d`` (``(u+, v+)`` by
  ``sigma_d``, ``(u-, v-)`` by ``-sigma_d``, the exact solution of the flow for any gradient history), so
  ``beta_d = A_d sinh(2 sigma) + beta_d(now) cosh(2 sigma)`` with ``A_d`` the mean of the branches'
  ``u^2 + v^2``, and ``sigma_d`` is the root of ``beta_d = beta_ls_d`` (monotone).  A noisy N > D
  problem then counts as converged at the least-squares point (``final_residual`` is its residual).
* ``mode="gd"``: the paper's protocol, full-batch gradient descent with learning rate ``lr`` in
  ``dtype`` (float32 allowed) on ``device`` (CUDA when asked), until ``MSE < mse_tol`` (1e-10),
  with a step cap ``max_steps`` that reports non-convergence.

Everything is batched: ``X_pt`` of shape (B, N, D) (or (N, D)) and per-example levers.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from . import _validate as V
from ._schemes import DEFAULT_SCHEME, Scheme, as_scheme

#: Default stop of the accurate mode: relative residual ``||X beta - y|| / ||y||``.
RESIDUAL_TOL = 1e-11
#: Radau tolerances.  rtol 1e-11 keeps the ODE error well below the 1e-6 agreement we test.
ODE_RTOL = 1e-11
ODE_ATOL = 1e-14
#: Paper protocol: stop at MSE < 1e-10.
MSE_TOL = 1e-10
#: Full column rank X (accurate mode): the ODE runs until ||beta - beta_ls|| <= FINISH_RTOL ||beta_ls||,
#: then the flow is finished exactly (module docstring).
FINISH_RTOL = 1e-3


from .errors import BackendUnavailableError, ParameterError, ParameterTypeError, SimulationError  # noqa: E402,F401  (SimulationError re-exported)


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


@dataclasses.dataclass
class GFResult:
    """PT and FT phases of :func:`simulate_gradient_flow`; ``beta_pt`` / ``beta_ft`` are the end points.

    Batched arrays have a leading batch axis B; if the inputs had none it is squeezed away.
    """

    pt: Phase
    ft: Phase
    scheme: Scheme
    squeeze: bool

    @property
    def beta_pt(self) -> np.ndarray:
        return self.pt.beta[0] if self.squeeze else self.pt.beta

    @property
    def beta_ft(self) -> np.ndarray:
        return self.ft.beta[0] if self.squeeze else self.ft.beta

    @property
    def converged(self) -> np.ndarray:
        return self.pt.converged & self.ft.converged


def _torch():
    try:
        import torch
    except ImportError as e:  # pragma: no cover - torch is a declared extra
        raise ImportError("simulate_gradient_flow needs torch: pip install 'ptft-theory[torch]'") from e
    return torch


def _resolve_device(device):
    torch = _torch()
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ParameterError(f"device={device!r} is invalid; valid: 'cpu', 'cuda', 'cuda:N', 'auto' or None") from None
    if dev.type not in ("cpu", "cuda"):
        raise ParameterError(f"device={device!r} is invalid; valid: 'cpu', 'cuda', 'cuda:N', 'auto' or None")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise BackendUnavailableError(f"device={device!r}: CUDA is not available on this machine; valid: 'cpu' or 'auto'")
    return dev


def _batched(name, X, y):
    X = V.finite_array(name[0], X)
    y = V.finite_array(name[1], y)
    if X.ndim == 2:
        X = X[None]
    if y.ndim == 1:
        y = y[None]
    if X.ndim != 3 or y.ndim != 2 or y.shape != X.shape[:2]:
        raise ParameterError(f"{name[0]} must have shape (N, D) or (B, N, D) and {name[1]} shape (N,) or (B, N); "
                         f"got {X.shape} and {y.shape}")
    if X.shape[1] == 0 or X.shape[2] == 0 or X.shape[0] == 0:
        raise ParameterError(f"{name[0]} has shape {X.shape}; valid range: at least one sample (N >= 1), one "
                             "coordinate (D >= 1) and one batch entry")
    return X, y


def _lever(name, value, B, check):
    arr = np.atleast_1d(V.finite_array(name, value))
    arr = np.broadcast_to(arr, (B,)) if arr.shape == (1,) and np.ndim(value) == 0 else arr
    if arr.shape != (B,):
        raise ParameterError(f"{name} must be a scalar or have shape (B,) = ({B},); got {arr.shape}")
    for v in arr:
        check(v)
    return arr.copy()


def loss_and_beta(weights, X, y):
    """The network's forward pass: ``beta = u+ v+ - u- v-`` and ``L = ||X beta - y||^2 / (2N)`` per example."""
    up, vp, um, vm = weights
    beta = up * vp - um * vm
    r = (X @ beta.unsqueeze(-1)).squeeze(-1) - y
    return 0.5 * (r * r).sum(-1) / X.shape[-2], beta


def simulate_gradient_flow(X_pt, y_pt, X_ft, y_ft, c_pt, lambda_pt, gamma_ft, scheme=DEFAULT_SCHEME, *,
                           mode="accurate", residual_tol=RESIDUAL_TOL, rtol=ODE_RTOL, atol=ODE_ATOL,
                           max_time=1e14, max_evals=200_000, lr=None, mse_tol=MSE_TOL, max_steps=1_000_000, dtype=None,
                           device=None, record_trajectory=False, raise_on_failure=True) -> GFResult:
    """Pretrain on ``(X_pt, y_pt)``, re-initialise by ``scheme``, fine-tune on ``(X_ft, y_ft)``.

    Parameters
    ----------
    X_pt, y_pt, X_ft, y_ft : arrays, shapes (N, D) / (N,) or batched (B, N, D) / (B, N)
    c_pt, lambda_pt, gamma_ft : float or (B,) arrays
        Initialisation levers (``c_pt > 0``, ``|lambda_pt| <= c_pt``, ``gamma_ft >= 0``).
    scheme : {"readout", "merged"}
    mode : {"accurate", "gd"}
        ``"accurate"``: the ODE (Radau, float64) to ``residual_tol``; ``"gd"``: the paper's
        full-batch GD with step ``lr`` until ``MSE < mse_tol`` or ``max_steps``.
    max_time, max_evals : float, int
        Accurate mode: the flow time and the number of gradient evaluations after which a run that
        has not reached ``residual_tol`` is reported as not converged (instead of running on).
    lr : float, optional
        GD learning rate; default ``0.2 / (lambda_max(X^T X / N) * w2)`` with ``w2`` the larger of
        ``2 c_pt`` and twice the largest coefficient of the minimum-norm interpolator (a bound on
        the per-coordinate kernel ``u^2 + v^2`` along the run).
    dtype : torch dtype, optional
        float64 by default (``mode="gd"`` accepts float32, as in the paper).
    device : str, optional
        ``"cpu"``, ``"cuda"`` or ``"auto"`` (CUDA when available).  In accurate mode the ODE's
        linear algebra is scipy's (CPU); the network's gradients and Jacobian run on ``device``.
    record_trajectory : bool
        Keep ``beta`` and ``s`` at every accepted step (accurate) or every 1000 steps (gd).
    raise_on_failure : bool
        Raise :class:`SimulationError` if a phase does not converge (default).

    Returns
    -------
    GFResult
        ``.beta_pt``, ``.beta_ft``, and ``.pt`` / ``.ft`` :class:`Phase` records.

    Raises
    ------
    ParameterError, ParameterTypeError
        Before any simulation, for an invalid array, lever or option (the message names it and its
        range: ``0 < residual_tol < 1``, ``1e-13 <= rtol < 1``, ``atol > 0``, ``max_time > 0``, a torch
        device ``"cpu"``/``"cuda[:N]"``/``"auto"``, at least one sample, ...).
    SimulationError
        A phase did not converge (with ``raise_on_failure``).
    """
    torch = _torch()
    scheme = as_scheme(scheme)
    if mode not in ("accurate", "gd"):
        raise ParameterError(f"mode={mode!r} is invalid; valid: 'accurate', 'gd'")
    squeeze = np.ndim(X_pt) == 2
    Xp, yp = _batched(("X_pt", "y_pt"), X_pt, y_pt)
    Xf, yf = _batched(("X_ft", "y_ft"), X_ft, y_ft)
    B, _, D = Xp.shape
    if Xf.shape[0] != B or Xf.shape[2] != D:
        raise ParameterError(f"X_ft shape {Xf.shape} does not match X_pt shape {Xp.shape} (same B and D needed)")
    c = _lever("c_pt", c_pt, B, lambda v: V.positive("c_pt", v))
    lam = _lever("lambda_pt", lambda_pt, B, lambda v: V.finite_scalar("lambda_pt", v))
    gam = _lever("gamma_ft", gamma_ft, B, lambda v: V.nonnegative("gamma_ft", v))
    for ci, li in zip(c, lam):
        V.init_levers(ci, li, 0.0)
    dev = _resolve_device(device)
    if dtype is None:
        dtype = torch.float64
    if mode == "accurate" and dtype != torch.float64:
        raise ParameterError(f"dtype={dtype} is invalid for mode='accurate'; valid: torch.float64")
    if mode == "gd" and dtype not in (torch.float64, torch.float32):
        raise ParameterError(f"dtype={dtype} is invalid for mode='gd'; valid: torch.float64, torch.float32")
    for name, flag in (("record_trajectory", record_trajectory), ("raise_on_failure", raise_on_failure)):
        if not isinstance(flag, (bool, np.bool_)):
            raise ParameterTypeError(f"{name}={flag!r} is invalid; valid: True or False")
    runner = _run_accurate if mode == "accurate" else _run_gd
    if mode == "accurate":
        # rtol below ~1e-13 is raised by scipy to 100 eps with a warning; 0, negative or NaN values
        # made it fail obscurely or run for a minute
        opts = dict(residual_tol=_open_unit("residual_tol", residual_tol), rtol=_open_unit("rtol", rtol, low=1e-13),
                    atol=V.positive("atol", atol), max_time=V.positive("max_time", max_time),
                    max_evals=V.positive_int("max_evals", max_evals))
    else:
        opts = dict(lr=None if lr is None else V.positive("lr", lr), mse_tol=V.positive("mse_tol", mse_tol),
                    max_steps=V.positive_int("max_steps", max_steps))

    # --- PT: u = sqrt((c+lam)/2), v = sqrt((c-lam)/2) in both branches (clip exact -0.0 rounding)
    u0 = np.sqrt(np.maximum((c + lam) / 2, 0.0))[:, None] * np.ones((1, D))
    v0 = np.sqrt(np.maximum((c - lam) / 2, 0.0))[:, None] * np.ones((1, D))
    w_pt = [u0, v0, u0.copy(), v0.copy()]
    pt = runner(w_pt, Xp, yp, dev, dtype, record_trajectory, c, **opts)
    _check(pt, "PT", raise_on_failure)

    # --- FT re-initialisation
    up, um = pt.weights["u_plus"], pt.weights["u_minus"]
    if scheme is Scheme.MERGED:
        a_plus = a_minus = up + um
    else:
        a_plus, a_minus = up, um
    g = gam[:, None] * np.ones((1, D))
    w_ft = [a_plus.copy(), g, a_minus.copy(), g.copy()]
    ft = runner(w_ft, Xf, yf, dev, dtype, record_trajectory, c, **opts)
    _check(ft, "FT", raise_on_failure)
    return GFResult(pt=pt, ft=ft, scheme=scheme, squeeze=squeeze)


def _open_unit(name, value, low=0.0):
    """A tolerance in (low, 1): finite, positive, below 1."""
    x = V.finite_scalar(name, value)
    if not (x > 0 and x >= low and x < 1):
        lo = f"{low:g} <= {name}" if low > 0 else f"0 < {name}"
        raise ParameterError(f"{name}={value!r} is invalid; valid range: {lo} < 1")
    return x


def _check(phase, name, raise_on_failure):
    if raise_on_failure and not phase.converged.all():
        bad = np.flatnonzero(~phase.converged)
        raise SimulationError(
            f"{name} did not converge for batch entries {bad.tolist()} (relative residual "
            f"{phase.final_residual[bad].max():.3g}, MSE {phase.final_mse[bad].max():.3g} after {phase.steps} steps). "
            "Accurate mode: raise max_time or max_evals, or loosen residual_tol; gd mode: raise max_steps or lr. "
            "If some coordinates are frozen (k = 0), the task may be infeasible.")


def _weights_dict(ws):
    return dict(zip(("u_plus", "v_plus", "u_minus", "v_minus"), ws))


def _residuals(beta, X, y):
    r = np.einsum("bnd,bd->bn", X, beta) - y
    y_norm = np.maximum(np.linalg.norm(y, axis=1), np.finfo(float).tiny)
    return np.linalg.norm(r, axis=1) / y_norm, np.mean(r * r, axis=1)


# --------------------------------------------------------------------------------- accurate mode
class _BudgetExceeded(Exception):
    pass


def _run_accurate(w_init, X, y, dev, dtype, record, c, *, residual_tol, rtol, atol, max_time, max_evals):
    import scipy.integrate
    import scipy.sparse
    torch = _torch()
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

    budget = {"evals": 0, "last": None}

    def fun(t, x):
        budget["evals"] += 1
        budget["last"] = x
        if budget["evals"] > max_evals:
            raise _BudgetExceeded
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
        res, _ = _residuals(beta, X, y)
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
    resid, mse = _residuals(beta, X, y)
    # at the least-squares point (noisy N > D) the residual stays: there, converged means X^T r ~ 0
    # to the same relative tolerance
    gnorm = np.linalg.norm(np.einsum("bnd,bn->bd", X, np.einsum("bnd,bd->bn", X, beta) - y), axis=1)
    scale = np.array([np.linalg.norm(X[i], 2) for i in range(B)]) * np.maximum(np.linalg.norm(y, axis=1),
                                                                             np.finfo(float).tiny)
    converged = (resid <= residual_tol) | (finished & (gnorm <= residual_tol * scale))
    return Phase(beta=beta, weights=_weights_dict([st[:, i].copy() for i in range(4)]),
                 weights_init=_weights_dict([w.copy() for w in w_init]), integrated_gradient=st[:, 4].copy(),
                 converged=converged, final_residual=resid, final_mse=mse,
                 steps=int(steps), seconds=time.perf_counter() - t0, trajectory=traj)


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


def _run_gd(w_init, X, y, dev, dtype, record, c, *, lr, mse_tol, max_steps):
    torch = _torch()
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
    resid, mse = _residuals(beta, X, y)
    if record:
        traj = {k: np.asarray(v) for k, v in traj.items()}
    return Phase(beta=beta, weights=_weights_dict([w.detach().cpu().numpy().astype(float) for w in ws]),
                 weights_init=_weights_dict([np.array(w, dtype=float) for w in w_init]),
                 integrated_gradient=np.zeros((B, D)), converged=~active.cpu().numpy(),
                 final_residual=resid, final_mse=mse, steps=step, seconds=time.perf_counter() - t0,
                 trajectory=traj)

