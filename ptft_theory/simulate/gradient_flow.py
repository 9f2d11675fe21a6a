"""Gradient-flow ground truth: train the diagonal network itself, PT then FT (docs/design.md section 1).

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

import numpy as np

from .. import _validate as V
from ..config import DEFAULT_SCHEME, Scheme, as_scheme
from .flow import (FINISH_RTOL, MSE_TOL, ODE_ATOL, ODE_RTOL, RESIDUAL_TOL, AccurateOptions, GDOptions,  # noqa: F401
                   Mode, Phase, default_learning_rate, loss_and_beta, run_accurate, run_gd, torch_module)



from ..levers import split_levers  # noqa: E402
from ..errors import BackendUnavailableError, ParameterError, ParameterTypeError, SimulationError  # noqa: E402,F401  (SimulationError re-exported)
from ..scales import ft_scales  # noqa: E402
from ..solver import check_feasible  # noqa: E402
from . import stiffness  # noqa: E402


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

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready summary: end points, convergence, residuals, steps and seconds."""
        from ..results import plain
        return plain({"scheme": self.scheme.value, "beta_pt": self.beta_pt, "beta_ft": self.beta_ft,
                      "converged": self.converged, **{f"{k}_{name}": getattr(ph, k) for name, ph in
                                                      (("pt", self.pt), ("ft", self.ft)) for k in
                                                      ("final_residual", "final_mse", "steps", "seconds")},
                      "success": self.success, "nit": self.nit, "message": self.message})

    @property
    def success(self) -> bool:
        """scipy's name: every batch member of both phases converged."""
        return bool(np.all(self.converged))

    @property
    def nit(self) -> int:
        """scipy's name: steps of both phases together (ODE steps, or GD steps with ``mode="gd"``)."""
        return int(self.pt.steps) + int(self.ft.steps)

    @property
    def message(self) -> str:
        parts = []
        for name, ph in (("PT", self.pt), ("FT", self.ft)):
            ok = np.asarray(ph.converged)
            state = "converged" if ok.all() else f"did NOT converge ({int((~ok).sum())} of {ok.size})"
            parts.append(f"{name} {state} in {ph.steps} steps, residual {float(np.max(ph.final_residual)):.2g}")
        return "; ".join(parts)

    def __repr__(self) -> str:  # short: shapes and status, never the full arrays
        return (f"GFResult(scheme={self.scheme.value!r}, success={self.success}, beta_ft=<array "
                f"{np.shape(self.beta_ft)}>, steps_pt={self.pt.steps}, steps_ft={self.ft.steps}, "
                f"seconds={self.pt.seconds + self.ft.seconds:.3g})")


def _resolve_device(device):
    torch = torch_module()
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


def simulate_gradient_flow(X_pt, y_pt, X_ft, y_ft, c_pt, lambda_pt=None, gamma_ft=None, scheme=DEFAULT_SCHEME, *,
                           mode=None, residual_tol=RESIDUAL_TOL, rtol=ODE_RTOL, atol=ODE_ATOL,
                           max_time=1e14, max_evals=200_000, lr=None, mse_tol=MSE_TOL, max_steps=1_000_000, dtype=None,
                           device=None, record_trajectory=False, raise_on_failure=True,
                           options: AccurateOptions | GDOptions | None = None, progress: bool | None = False) -> GFResult:
    """Pretrain on ``(X_pt, y_pt)``, re-initialise by ``scheme``, fine-tune on ``(X_ft, y_ft)``.

    Parameters
    ----------
    X_pt, y_pt, X_ft, y_ft : arrays, shapes (N, D) / (N,) or batched (B, N, D) / (B, N)
    c_pt, lambda_pt, gamma_ft : float or (B,) arrays
        Initialisation levers (``c_pt > 0``, ``|lambda_pt| <= c_pt``, ``gamma_ft >= 0``); or an
        :class:`~ptft_theory.Init` in place of ``c_pt`` (``simulate_gradient_flow(X_pt, y_pt, X_ft, y_ft, init)``).
    scheme : {"readout", "merged"}
    mode : {"accurate", "gd"} or :class:`Mode`
        ``"accurate"`` (the default): the ODE (Radau, float64) to ``residual_tol``; ``"gd"``: the
        paper's full-batch GD with step ``lr`` until ``MSE < mse_tol`` or ``max_steps``.
    residual_tol, rtol, atol, max_time, max_evals, lr, mse_tol, max_steps
        The mode's options as keywords (see below), or grouped in ``options``.
    options : AccurateOptions or GDOptions, optional
        The mode's options as one record; it sets the mode (``mode``, if given, must agree) and
        replaces that mode's keywords.
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
    progress : bool or None
        A tqdm bar on stderr over the two phases (PT, FT) with the elapsed time: False (default) none, True
        always, None when stderr is a terminal (what ``ptft simulate`` does).

    Returns
    -------
    GFResult
        ``.beta_pt``, ``.beta_ft``, and ``.pt`` / ``.ft`` :class:`Phase` records.

    Raises
    ------
    ParameterError, ParameterTypeError
        Before any simulation, for an invalid array, lever or option (the message names it and its
        range: ``0 < residual_tol < 1``, ``1e-13 <= rtol < 1``, ``atol > 0``, ``max_time > 0``, a torch
        device ``"cpu"``/``"cuda[:N]"``/``"auto"``, at least one sample, ...).  In accurate mode also a
        phase whose limit is too stiff for Radau in float64 (tiny ``c_pt`` or FT scales: the message names
        the lever and, for ``c_pt``, its valid range on these data; :mod:`ptft_theory.simulate.stiffness`).
    SimulationError
        A phase did not converge (with ``raise_on_failure``).
    """
    c_pt, lambda_pt, gamma_ft, scheme = split_levers(c_pt, lambda_pt, gamma_ft, scheme, "simulate_gradient_flow")
    torch = torch_module()
    scheme = as_scheme(scheme)
    mode = _as_mode(mode)
    if options is not None:
        if not isinstance(options, (AccurateOptions, GDOptions)):
            raise ParameterTypeError(f"options={options!r} is invalid; valid: an AccurateOptions or GDOptions")
        opt_mode = Mode.ACCURATE if isinstance(options, AccurateOptions) else Mode.GD
        if mode is not None and mode != opt_mode:
            raise ParameterError(f"mode={mode.value!r} contradicts options={options!r}; valid: omit mode, or the "
                                 f"mode {opt_mode.value!r} of the options")
        mode = opt_mode
        if mode is Mode.ACCURATE:
            residual_tol, rtol, atol, max_time, max_evals = dataclasses.astuple(options)
        else:
            lr, mse_tol, max_steps = dataclasses.astuple(options)
    mode = Mode.ACCURATE if mode is None else mode
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
    V.boolean("record_trajectory", record_trajectory)
    V.boolean("raise_on_failure", raise_on_failure)
    runner = run_accurate if mode == "accurate" else run_gd
    if mode == "accurate":
        # rtol below ~1e-13 is raised by scipy to 100 eps with a warning; 0, negative or NaN values
        # made it fail obscurely or run for a minute
        opts = dict(residual_tol=_open_unit("residual_tol", residual_tol), rtol=_open_unit("rtol", rtol, low=1e-13),
                    atol=V.positive("atol", atol), max_time=V.positive("max_time", max_time),
                    max_evals=V.positive_int("max_evals", max_evals))
    else:
        opts = dict(lr=None if lr is None else V.positive("lr", lr), mse_tol=V.positive("mse_tol", mse_tol),
                    max_steps=V.positive_int("max_steps", max_steps))

    # --- levers that freeze every FT coordinate whatever PT learns (k = b0 = 0 at beta_pt = 0 and 1: merged,
    # lambda_pt = -c_pt, gamma_ft = 0) cannot fit nonzero FT labels: InfeasibleError before PT runs at all
    for b in range(B):
        k, b0 = ft_scales(np.array([0.0, 1.0]), c[b], lam[b], gam[b], scheme)
        if not (np.any(k) or np.any(b0)):
            check_feasible(Xf[b], yf[b], np.zeros(D), np.zeros(D))

    # --- accurate mode: a phase whose limit is too stiff for Radau in float64 (tiny c_pt) is refused now, not
    # after tens of thousands of evaluations (stiffness.py)
    if mode == "accurate":
        for b in range(B):
            stiffness.check_pt(Xp[b], yp[b], float(c[b]), opts["rtol"], opts["residual_tol"])

    # --- PT: u = sqrt((c+lam)/2), v = sqrt((c-lam)/2) in both branches (clip exact -0.0 rounding)
    u0 = np.sqrt(np.maximum((c + lam) / 2, 0.0))[:, None] * np.ones((1, D))
    v0 = np.sqrt(np.maximum((c - lam) / 2, 0.0))[:, None] * np.ones((1, D))
    w_pt = [u0, v0, u0.copy(), v0.copy()]
    from tqdm.auto import tqdm
    bar = tqdm(total=2, desc=f"simulate ({mode.value}): PT", unit="phase", leave=False,
               disable=(not progress) if progress is not None else None)
    try:
        pt = runner(w_pt, Xp, yp, dev, dtype, record_trajectory, c, **opts)
        _check(pt, "PT", raise_on_failure)
        # FT: frozen coordinates that cannot fit the FT data are a saddle gradient flow never leaves (e.g.
        # merged, lambda_pt = -c_pt, gamma_ft = 0): say so now (InfeasibleError, as the solver and the
        # replica do) instead of running into the time or step limit
        for b in range(B):
            k, b0 = ft_scales(np.asarray(pt.beta[b], dtype=float), c[b], lam[b], gam[b], scheme)
            check_feasible(Xf[b], yf[b], k, b0)
            if mode == "accurate":
                stiffness.check_ft(Xf[b], yf[b], k, b0, opts["rtol"], opts["residual_tol"])
        bar.set_description(f"simulate ({mode.value}): FT")
        bar.update()
        ft = _fine_tune(pt, scheme, gam, D, runner, Xf, yf, dev, dtype, record_trajectory, c, opts)
        _check(ft, "FT", raise_on_failure)
        bar.update()
    finally:
        bar.close()
    return GFResult(pt=pt, ft=ft, scheme=scheme, squeeze=squeeze)


def _fine_tune(pt, scheme, gam, D, runner, Xf, yf, dev, dtype, record_trajectory, c, opts):
    """Re-initialise from the PT end point by ``scheme`` and run FT."""
    up, um = pt.weights["u_plus"], pt.weights["u_minus"]
    if scheme is Scheme.MERGED:
        a_plus = a_minus = up + um
    else:
        a_plus, a_minus = up, um
    g = gam[:, None] * np.ones((1, D))
    w_ft = [a_plus.copy(), g, a_minus.copy(), g.copy()]
    return runner(w_ft, Xf, yf, dev, dtype, record_trajectory, c, **opts)


def _as_mode(mode):
    """``mode`` as a :class:`Mode` (None stays None); ParameterError naming the valid values otherwise."""
    if mode is None or isinstance(mode, Mode):
        return mode
    try:
        return Mode(mode)
    except (ValueError, TypeError):
        raise ParameterError(f"mode={mode!r} is invalid; valid: 'accurate', 'gd'") from None


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


