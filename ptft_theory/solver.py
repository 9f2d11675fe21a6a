"""Convex implicit-bias solver: ``argmin sum_d D_{k_d}(b_d, b0_d)  s.t.  X b = y``.

The solution is the end point of gradient flow (docs/design.md section 2.3), so this is the fast way to
get what a fully trained diagonal network would learn.  We solve the dual

    min_nu  F(nu) = sum_d G_d((X^T nu)_d) - nu^T y,    G_d(w) = int_0^w b_d,

by Newton's method with a backtracking (Armijo) line search, in float64.  The primal point is
``b_d = b(w_d; k_d, b0_d)`` (the mirror flow's ``beta(s)``, generated kernel ``beta_of_s``), the
gradient is the constraint residual ``X b - y`` and the Hessian ``X diag(b'(w)) X^T``.

Exact special cases, from the same kernels: ``k = b0 = 0`` freezes a coordinate at 0 (``b == 0``
for every ``w``); ``k = 0 != b0`` confines it to the half-line of ``b0``.  If frozen coordinates
make ``X b = y`` infeasible, :class:`InfeasibleError` says so.

Numerics: ``b(w) = 2 m sinh 2w + b0 exp(2 sign(b0) w)`` with ``m = min(P, M)`` computed by a
quotient (kernels ``minor_coefficient``, ``beta_of_s_stable``): the textbook form
``sqrt(k^2+b0^2) sinh 2w + b0 cosh 2w`` loses every digit when ``k << |b0|``, and
``P e^{2w} - M e^{-2w}`` loses digits at small ``w`` in the lazy regime.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.linalg

from . import _validate as V
from . import kernels

#: Default relative tolerance on the constraint residual ``||X b - y|| / ||y||``.
RESIDUAL_RTOL = 1e-12
#: Newton iteration cap.  Tiny k (rich, l1-like) needs O(log(1/k)) damped steps before the
#: quadratic phase; 500 leaves a wide margin.
MAX_ITER = 500
_ARMIJO = 1e-4
#: Data scales max(max|y|, max|X| max|b0|) outside this range are solved rescaled (exactly, by a power of 2).
SCALE_RANGE = (1e-6, 1e6)
#: Least-squares residual, relative to ||y||, above which ``X b = y`` counts as inconsistent.
INFEASIBLE_RTOL = 1e-9
#: The residual ``X b - y`` cannot be evaluated more accurately than ~eps ||(|X| |b| + |y|)|| (each entry
#: is a sum of D products): below ``ROUNDING_FLOOR`` times that an iterate is exact to working precision
#: and counts as converged whatever rtol asks (y = 0 or tiny with b0 != 0, where rtol ||y|| is below it).
ROUNDING_FLOOR = 16 * np.finfo(float).eps


from .errors import ConvergenceError, InfeasibleError, ParameterError  # noqa: E402  (re-exported: the solver's errors)


@dataclasses.dataclass(frozen=True)
class SolverResult:
    """Outcome of :func:`implicit_bias_solve`.

    Attributes:
        beta: the minimiser, shape (D,).
        nu: the dual variable, shape (N,).
        residual: ``||X beta - y|| / max(||y||, floor / rtol)``, ``floor = ROUNDING_FLOOR *
            ||(|X| |beta| + |y|)||`` the rounding level of the residual (so ``y = 0`` is solvable); equal to
            ``||X beta - y|| / ||y||`` unless ``rtol ||y||`` is below that floor.
        iterations: Newton iterations taken (also ``nit``, scipy's name).
        converged: whether ``residual <= rtol`` (also ``success``, scipy's name).
        message: a human-readable status.
    """

    beta: np.ndarray
    nu: np.ndarray
    residual: float
    iterations: int
    converged: bool
    message: str

    def as_dict(self) -> dict:
        """Plain, strict-JSON-ready dict of the fields, and scipy's ``success``, ``nit``."""
        from .results import plain
        return plain({**dataclasses.asdict(self), "success": self.success, "nit": self.nit})

    @property
    def success(self) -> bool:
        """scipy's name (``OptimizeResult.success``) for :attr:`converged`."""
        return self.converged

    @property
    def nit(self) -> int:
        """scipy's name (``OptimizeResult.nit``) for :attr:`iterations`."""
        return self.iterations

    def __repr__(self) -> str:  # short: the arrays by shape, not in full
        return (f"SolverResult(success={self.converged}, nit={self.iterations}, residual={self.residual:.3g}, "
                f"beta=<array {np.shape(self.beta)}>, message={self.message!r})")


def _check_inputs(X, y, k, b0):
    X = V.finite_array("X", X, ndim=2)
    y = V.finite_array("y", y, ndim=1)
    N, D = X.shape
    if y.shape != (N,):
        raise ParameterError(f"y must have shape (N,) = ({N},) to match X of shape {X.shape}; got {y.shape}")
    k = np.broadcast_to(V.nonnegative_array("k", k), (D,)).astype(float) if np.ndim(k) == 0 else V.nonnegative_array("k", k)
    if k.shape != (D,):
        raise ParameterError(f"k must be a scalar or have shape (D,) = ({D},); got {k.shape}")
    b0 = V.finite_array("b0", b0)
    b0 = np.broadcast_to(b0, (D,)).astype(float) if b0.ndim == 0 else b0
    if b0.shape != (D,):
        raise ParameterError(f"b0 must be a scalar or have shape (D,) = ({D},); got {b0.shape}")
    return X, y, k, b0


def check_feasible(X, y, k, b0) -> None:
    """Raise :class:`~ptft_theory.errors.InfeasibleError` when frozen coordinates (``k = 0`` and ``b0 = 0``)
    leave ``X b = y`` without a solution: what gradient flow from those scales can never reach
    (:func:`ptft_theory.simulate_gradient_flow` checks it before fine-tuning)."""
    X, y, k, b0 = _check_inputs(X, y, k, b0)
    _check_feasible(X, y, k, b0)


def _check_feasible(X, y, k, b0, force=False):
    """Raise InfeasibleError when the non-frozen columns cannot reproduce y.

    Checked up front when coordinates are frozen or there are more equations than free coordinates;
    otherwise (a generic X has full row rank) only with ``force``, which the solver sets when its
    Hessian ``X diag(b') X^T`` turns out singular or Newton fails.  The test is the least-squares
    residual of the free columns: a consistent system leaves rounding, ~eps cond(X) ||y||, far below
    ``INFEASIBLE_RTOL * ||y||``; an inconsistent one (duplicate rows with different labels, N > D
    with generic y) leaves a residual of the order of ||y||."""
    frozen = (k == 0) & (b0 == 0)
    Xa = X[:, ~frozen]
    if not force and not frozen.any() and Xa.shape[1] >= X.shape[0]:
        return
    # consistency is invariant under scaling X and y: normalise both (by powers of 2, exactly) so
    # that the rank test and the least squares see neither overflow nor underflow
    for_scale = [np.max(np.abs(a), initial=0.0) for a in (Xa, y)]
    Xa = Xa / (2.0 ** round(math.log2(for_scale[0]))) if for_scale[0] > 0 else Xa
    y = y / (2.0 ** round(math.log2(for_scale[1]))) if for_scale[1] > 0 else y
    if Xa.shape[1] >= X.shape[0] and np.linalg.matrix_rank(Xa) == X.shape[0]:
        return
    if Xa.shape[1] == 0:
        resid = np.linalg.norm(y)
    else:
        sol, *_ = np.linalg.lstsq(Xa, y, rcond=None)
        resid = _norm(Xa @ sol - y)
    if resid > INFEASIBLE_RTOL * max(_norm(y), 1e-300):
        rel = resid / max(_norm(y), 1e-300)  # scale-free: the caller may have rescaled X and y
        if frozen.any():
            raise InfeasibleError(
                f"{int(frozen.sum())} of {X.shape[1]} coordinates are frozen (k = 0 and b0 = 0) and the remaining "
                f"{Xa.shape[1]} cannot fit y (relative least-squares residual {rel:.3g}): gradient flow sits at a saddle. "
                "For fine-tuning this happens e.g. with scheme='merged', lambda_pt = -c_pt and gamma_ft = 0; "
                "use gamma_ft > 0 or lambda_pt > -c_pt.")
        raise InfeasibleError(
            f"X b = y has no solution: X of shape {X.shape} (rank {np.linalg.matrix_rank(X)}) leaves a least-squares "
            f"residual {rel:.3g} relative to ||y||, e.g. more samples than coordinates with noisy "
            "labels, or equal rows with different labels; there is no interpolator to converge to.")


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # non-finite values are checked, not warned
def implicit_bias_solve(X, y, k, b0=0.0, *, rtol=RESIDUAL_RTOL, max_iter=MAX_ITER,
                        raise_on_failure=True) -> SolverResult:
    """Solve ``min sum_d D_{k_d}(b_d, b0_d) s.t. X b = y`` and return a :class:`SolverResult`.

    Parameters
    ----------
    X : (N, D) array
    y : (N,) array
    k : scalar or (D,) array, ``k >= 0``
        Per-coordinate scale of the potential (``k = 0``: frozen or half-line coordinate).
    b0 : scalar or (D,) array
        Reference point (the FT start ``beta_FT(0)``).
    rtol : float
        Tolerance on ``||X b - y|| / ||y||`` (default 1e-12); a residual at the rounding level of
        evaluating ``X b`` (``ROUNDING_FLOOR``) is accepted whatever ``||y||`` is (``y = 0`` with
        ``b0 != 0`` is a legal problem: the Bregman projection of b0 onto ``X b = 0``).
    max_iter : int
        Newton iteration cap.
    raise_on_failure : bool
        Raise :class:`ConvergenceError` if the tolerance is not met (default); otherwise return
        the result with ``converged=False``.

    Raises
    ------
    ParameterError
        Bad shapes or values (naming the parameter and its valid range); a ValueError.
    InfeasibleError
        ``X b = y`` has no solution on the free coordinates (frozen coordinates, or an inconsistent
        system such as N > D with generic y, or equal rows with different labels).
    ConvergenceError
        Tolerance not reached within ``max_iter``.
    """
    X, y, k, b0 = _check_inputs(X, y, k, b0)
    rtol = V.positive("rtol", rtol)
    max_iter = V.positive_int("max_iter", max_iter)
    raise_on_failure = V.boolean("raise_on_failure", raise_on_failure)
    _check_feasible(X, y, k, b0)
    # Exact rescaling for extreme data scales: Q_k(s b) = s Q_{k/s}(b) (and so for the Bregman
    # divergence), so b solves (y, k, b0) iff b/s solves (y/s, k/s, b0/s).  s is a power of 2 (the
    # scaling itself rounds nothing) and used only outside [SCALE_RANGE], where Newton would
    # overflow (||y|| ~ 1e100 and beyond) or underflow; problems inside it are solved as they are.
    y_max, xb_max = np.max(np.abs(y), initial=0.0), np.max(np.abs(X), initial=0.0) * np.max(np.abs(b0), initial=0.0)
    s_ref = max(y_max, xb_max)
    if s_ref > 0 and not SCALE_RANGE[0] <= s_ref <= SCALE_RANGE[1]:
        log2_ref = math.log2(y_max) if y_max > 0 else -math.inf
        if xb_max > 0:  # the product may overflow: add the logs
            log2_ref = max(log2_ref, math.log2(np.max(np.abs(X))) + math.log2(np.max(np.abs(b0))))
        if not -1000 <= log2_ref <= 1000:  # X b0 itself overflows (or all data underflow): nothing to solve
            raise ParameterError(
                f"the data scale max(|y|, |X| |b0|) ~ 2^{log2_ref:.0f} is beyond float64 (X b0 overflows or "
                "underflows); valid range: max|y| and max|X| * max|b0| between about 1e-300 and 1e300")
        s = 2.0 ** round(log2_ref)
        ys, ks, b0s = y / s, k / s, b0 / s
        tiny = np.finfo(float).tiny
        for name, a, a_s in (("y", y, ys), ("k", k, ks), ("b0", b0, b0s)):
            if np.any((a != 0) & (np.abs(a_s) < tiny)):  # would underflow: its information is lost
                raise ParameterError(
                    f"{name} spans too many orders of magnitude against the data scale max(|y|, |X| |b0|) ~ "
                    f"2^{log2_ref:.0f}: {name} / scale underflows float64; valid range: non-zero entries of y, k "
                    "and b0 within about 1e300 of that scale")
        r = implicit_bias_solve(X, ys, ks, b0s, rtol=rtol, max_iter=max_iter, raise_on_failure=raise_on_failure)
        beta = r.beta * s
        if r.converged and np.any((r.beta != 0) & ~(np.abs(beta) >= np.finfo(float).tiny) | ~np.isfinite(beta)):
            raise ParameterError(
                f"the solution is not representable in float64: its entries times the data scale 2^{log2_ref:.0f} "
                "under- or overflow (X and y differ by more than ~1e300 in scale); valid range: rescale X or y")
        return dataclasses.replace(r, beta=beta)
    K = kernels.np
    N, _ = X.shape
    m = minor_coefficient(k, b0)
    y_norm = _norm(y)
    X_abs, y_abs = np.abs(X), np.abs(y)

    def relative_residual(b_, grad_):
        """``||X b - y||`` over ``max(||y||, floor / rtol)``, floor the rounding level of the residual
        (ROUNDING_FLOOR): equal to ``||X b - y|| / ||y||`` unless ``rtol ||y||`` is below the floor."""
        floor = ROUNDING_FLOOR * _norm(X_abs @ np.abs(b_) + y_abs)
        return _norm(grad_) / max(y_norm, floor / rtol, np.finfo(float).tiny)

    nu = np.zeros(N)
    checked = False

    def objective(nu_):
        w_ = X.T @ nu_
        with np.errstate(over="ignore", invalid="ignore"):
            val = np.sum(K.dual_potential_stable(w_, m, b0)) - nu_ @ y
        return val if np.isfinite(val) else np.inf, w_

    F, w = objective(nu)
    resid = np.inf
    it = 0
    message = ""
    for it in range(1, max_iter + 1):
        b = K.beta_of_s_stable(w, m, b0)
        grad = X @ b - y
        resid = relative_residual(b, grad)
        if resid <= rtol:
            it -= 1
            message = "converged"
            break
        db = K.beta_of_s_stable_derivative(w, m, b0)
        Xs = X * np.sqrt(db)
        H = Xs @ Xs.T
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(grad))):
            message = (f"the Newton system overflowed float64 at iteration {it} (residual {resid:.3g}): an extreme "
                       "ratio of the data scale to k")
            break
        step, singular = _newton_direction(H, grad)
        if singular and not checked:  # X rank-deficient: is X b = y consistent at all?
            _check_feasible(X, y, k, b0, force=True)
            checked = True
        slope = grad @ step
        if not slope < 0:  # numerically flat: fall back to steepest descent
            step, slope = -grad, -(grad @ grad)
        t = 1.0
        g_norm = np.linalg.norm(grad)
        while True:
            F_new, w_new = objective(nu + t * step)
            if F_new <= F + _ARMIJO * t * slope or t < 1e-12:
                break
            # Near the optimum the decrease of F (~|grad|^2) drowns in F's rounding error
            # (~eps |F|); there the residual itself is the merit: accept a step that halves it.
            if np.isfinite(F_new) and abs(slope) < 1e3 * np.finfo(float).eps * max(abs(F), 1.0):
                g_new = np.linalg.norm(X @ K.beta_of_s_stable(w_new, m, b0) - y)
                if g_new <= 0.5 * g_norm:
                    break
            t *= 0.5
        if t < 1e-12 and not F_new <= F:
            message = f"line search failed at iteration {it} (residual {resid:.3g})"
            break
        nu, F, w = nu + t * step, F_new, w_new
    else:
        b = K.beta_of_s_stable(w, m, b0)
        resid = relative_residual(b, X @ b - y)
        message = f"not converged after max_iter={max_iter} Newton iterations (residual {resid:.3g} > rtol {rtol:.3g})"
    b = K.beta_of_s_stable(w, m, b0)
    resid = relative_residual(b, X @ b - y)
    converged = bool(resid <= rtol)
    if converged:
        message = "converged"
    elif not checked:
        _check_feasible(X, y, k, b0, force=True)  # an inconsistent X b = y: say so, not "more iterations"
    if not converged and raise_on_failure:
        raise ConvergenceError(
            f"implicit_bias_solution: {message}; relative constraint residual {resid:.3g} > rtol={rtol:.3g}. "
            "Try a larger max_iter or rtol; a k that is tiny on many coordinates makes the problem l1-like "
            "and ill-conditioned.")
    return SolverResult(beta=b, nu=nu, residual=float(resid), iterations=it, converged=converged, message=message)


def _norm(v):
    """Euclidean norm without underflow or overflow of the squares: numpy's where that is safe
    (bit-identical results there), scaled by the largest entry where the squares would leave the
    float64 range (|v| ~ 1e-162 has squares that underflow to 0, and a 'converged' residual)."""
    n = np.linalg.norm(v)
    if 1e-140 < n < 1e140:
        return n
    m = np.max(np.abs(v), initial=0.0)
    return float(m * np.linalg.norm(v / m)) if m > 0 and np.isfinite(m) else float(n)


def minor_coefficient(k, b0):
    """``m = min(P, M)`` per coordinate; a frozen coordinate (k = b0 = 0) gets 0 (the quotient is 0/0)."""
    frozen = (k == 0) & (b0 == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(frozen, 0.0, kernels.np.minor_coefficient(k, b0))


def _newton_direction(H, grad):
    """Solve ``H step = -grad`` by Cholesky; fall back to least squares if H is singular.
    Returns (step, whether H was singular)."""
    try:
        c = scipy.linalg.cho_factor(H, check_finite=False)
        step = scipy.linalg.cho_solve(c, -grad, check_finite=False)
        if np.all(np.isfinite(step)):
            return step, False
    except np.linalg.LinAlgError:
        pass
    step, *_ = np.linalg.lstsq(H, -grad, rcond=None)
    return step, True


def implicit_bias_solution(X, y, k, b0=0.0, **options) -> np.ndarray:
    """The end point of gradient flow: ``argmin sum_d D_{k_d}(b_d, b0_d) s.t. X b = y``.

    Convenience wrapper returning only ``beta`` (see :func:`implicit_bias_solve` for the options,
    the result object and the errors).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 1.0]]); y = np.array([2.0])
    >>> implicit_bias_solution(X, y, k=[1.0, 1.0]).round(12)   # symmetric: splits evenly
    array([1., 1.])
    >>> implicit_bias_solution(X, y, k=[1.0, 0.0]).round(12)   # second coordinate frozen
    array([2., 0.])
    """
    return implicit_bias_solve(X, y, k, b0, **options).beta
