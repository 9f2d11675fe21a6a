"""The exact gradient-flow time course of PT and FT on whitened data (docs/design.md section 6).

With ``X^T X / N = I`` (the population limit) the loss is ``L = 1/2 sum_d (beta_d - beta*_d)^2`` and
every coordinate follows ``dbeta/dt = 2 sqrt(k^2 + beta^2) (beta* - beta)`` from its start ``b0``,
with ``t`` the time of ``d theta/dt = -grad L`` over all weights of both branches.  Its closed form
(:mod:`ptft_theory.symbolic.trajectory`, generated kernels) is ``e^{2 s(t)} = (a tau + E)/(b tau + E)``,
``E = e^{-2At}``, ``tau = (1 - E)/(2A)``, ``A = sqrt(beta*^2 + k^2)``, and ``beta = P e^{2s} - M e^{-2s}``.

Numerics (no NaN, no overflow for any finite input in range): the sign symmetry puts ``beta* >= 0``,
where ``a, b >= 0`` are sums of nonnegative terms; the increment ``w = e^{2s} - 1 = 2 (beta* - b0) tau /
(b tau + E)`` gives ``beta = b0/(1+w) + P w (1 + 1/(1+w))`` (rational: two transcendentals per entry,
``exp`` and ``expm1``; relative accuracy in the rich start, absolute ``~eps max(|b0|, |beta*|, k)``
everywhere).  Where ``E`` underflowed with ``b = 0`` (``P = 0``: a coordinate escaping to ``s -> oo``)
``2s`` is a difference of ``logaddexp``'s and ``beta = exp(log P + 2s) - exp(log M - 2s)`` (a frozen
branch is ``log 0 = -inf``, an exact 0).  ``k = 0`` is exact: ``b0 = 0`` stays 0, ``b0 != 0`` moves on
its half-line.  ``A = 0`` (``k = 0 = beta*``) is exact: ``tau = t``.
"""

from __future__ import annotations

import numpy as np

from . import _validate as V
from ._argorder import legacy_order
from . import kernels
from .config import DEFAULT_SCHEME, as_scheme
from .config import Init
from .errors import ParameterError, ParameterTypeError
from .scales import ft_scales
from .solver import minor_coefficient

#: Largest |beta*|, k, |b0| accepted: k^2 and beta*^2 in the rate stay far from overflow.
VALUE_MAX = 1e100
#: Smallest nonzero k accepted: the minor coefficient m ~ k^2 / (4 |b0|) >= 2.5e-301 stays a normal
#: float64 for every |b0| <= VALUE_MAX (an underflowed m would turn a crossing coordinate into a half-line).
K_MIN = 1e-100
#: Increments w = e^{2s} - 1 beyond this take the log path (only where e^{-2At} underflowed with P = 0).
W_MAX = 1e300
#: Time rows evaluated per block (bounds the temporaries to a few times this many doubles times D).
_BLOCK = 2**18


def _times(times) -> np.ndarray:
    t = V.finite_array("times", times)
    if t.ndim != 1:
        raise ParameterError(f"times must be a 1-D array of times; got shape {t.shape}")
    if t.size and not np.min(t) >= 0:
        raise ParameterError(f"times has a negative entry {float(np.min(t))!r}; valid range: times >= 0 (finite)")
    return t


def _values(name, value, shape=None) -> np.ndarray:
    v = V.finite_array(name, value)
    if v.ndim > 1:
        raise ParameterError(f"{name} must be a scalar or a 1-D array over coordinates; got shape {v.shape}")
    v = np.atleast_1d(v)
    if shape is not None and v.shape != shape:
        raise ParameterError(f"{name} has shape {v.shape}; it must match beta_pt's shape {shape}")
    if v.size and not np.max(np.abs(v)) <= VALUE_MAX:
        raise ParameterError(f"{name} has an entry of magnitude {float(np.max(np.abs(v)))!r}; valid range: "
                             f"|{name}| <= {VALUE_MAX:g}")
    return v


def _scales(k, b0, shape):
    k = _values("k", k)
    b0 = _values("b0", b0)
    try:
        k, b0 = np.broadcast_to(k, shape), np.broadcast_to(b0, shape)
    except ValueError:
        raise ParameterError(f"k and b0 must be scalars or match beta_star's shape {shape}") from None
    if k.size and not np.min(k) >= 0:
        raise ParameterError(f"k has a negative entry {float(np.min(k))!r}; valid range: k = 0 or "
                             f"{K_MIN:g} <= k <= {VALUE_MAX:g}")
    tiny = (k > 0) & (k < K_MIN)
    if np.any(tiny):
        raise ParameterError(f"k has an entry {float(k[tiny][0])!r} below {K_MIN:g}; valid range: k = 0 (frozen) "
                             f"or {K_MIN:g} <= k <= {VALUE_MAX:g}")
    return k, b0


def _block(t, bs, b0, A, two_A, A_pos, a, bcoef, P, logP, logM):
    """beta(t) (gauge beta* >= 0) for times t (T, 1) and per-coordinate constants (D,)."""
    K = kernels.np
    two_At = two_A * t
    E = np.exp(-two_At)
    tau = np.where(A_pos, np.expm1(-two_At) / -np.where(A_pos, two_A, 1.0), t)
    w = K.trajectory_increment(tau, E, bs, b0, bcoef)
    beta = K.beta_of_increment(w, P, b0)
    bad = ~(w <= W_MAX)  # inf/nan where b tau + E underflowed (P ~ 0, escaping to s -> oo): rare
    if np.any(bad):
        i, j = np.nonzero(bad)
        tj, taub = two_At[i, j], tau[i, j]
        # log x = log(a tau + E) - log(b tau + E), each a logaddexp: finite where E = 0 and b = 0
        ltau = np.log(taub)  # log(a tau) as a sum of logs: b tau underflows for b ~ 1e-300, tau ~ 1e-100
        ell = np.logaddexp(np.log(a[j]) + ltau, -tj) - np.logaddexp(np.log(bcoef[j]) + ltau, -tj)
        # 2At = inf (t ~ 1e300) with P = 0 gives ell = inf: e^{+-ell} is 0/inf alike at 1e300, and
        # log P + ell must not be -inf + inf
        ell = np.clip(ell, -1e300, 1e300)
        beta[i, j] = K.beta_of_log_x(ell, logP[j], logM[j])
    return beta


def coordinate_trajectory(times, beta_star, k, b0=0.0) -> np.ndarray:
    """``beta_d(t)`` of independent coordinates under ``dbeta/dt = 2 sqrt(k^2+beta^2)(beta* - beta)``.

    Parameters
    ----------
    times : 1-D array, ``t >= 0``
    beta_star, k, b0 : scalars or 1-D arrays over coordinates (``k`` and ``b0`` broadcast to ``beta_star``)
        Target, scale (``k = 0``: frozen branch pair, or ``K_MIN <= k <= VALUE_MAX``) and start.

    Returns
    -------
    ndarray, shape ``(len(times), D)``
    """
    t = _times(times)
    bstar = _values("beta_star", beta_star)
    k, b0 = _scales(k, b0, bstar.shape)
    sg = np.where(bstar < 0, -1.0, 1.0)
    bs, b0g = sg * bstar, sg * b0
    K = kernels.np
    m = minor_coefficient(k, b0g)
    A = K.trajectory_rate(bs, k)
    a = K.trajectory_coefficient_a(bs, A, m, b0g)
    bcoef = K.trajectory_coefficient_b(bs, np.where(A > 0, A, 1.0), k, m, b0g)  # A = 0 only at k = 0: term 0
    P, M = K.branch_coefficient_P(m, b0g), K.branch_coefficient_M(m, b0g)
    with np.errstate(divide="ignore"):
        logP, logM = np.log(P), np.log(M)
    out = np.empty((t.size, bs.size))
    rows = max(1, _BLOCK // max(bs.size, 1))
    consts = (bs, b0g, A, 2.0 * A, A > 0, a, bcoef, P, logP, logM)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        for i in range(0, t.size, rows):
            out[i:i + rows] = _block(t[i:i + rows, None], *consts)
    out *= sg
    if not np.all(np.isfinite(out)):  # pragma: no cover - a bug, never a silent NaN
        raise FloatingPointError("coordinate_trajectory produced a non-finite value; please report the inputs")
    return out


def _init(init) -> Init:
    if not isinstance(init, Init):
        raise ParameterTypeError(f"init must be a ptft_theory.Init; got {type(init).__name__}")
    return init


def _times_first(old_init_index):
    """Old order ``(times, ..., init)``: the Init sits at ``old_init_index``; with ``init=`` a keyword,
    ``times`` positional can only be the old order (in the new one it follows init)."""
    def is_old(args, kwargs):
        for i, a in enumerate(args):
            if isinstance(a, Init):
                return i == old_init_index
        return "init" in kwargs and "times" not in kwargs
    return is_old


@legacy_order(("times", "beta_pt", "init"), _times_first(2))
def pt_trajectory(beta_pt, init, times) -> np.ndarray:
    """PT time course ``(len(times), D)``: gradient flow on ``1/2 sum_d (beta_d - beta_pt_d)^2`` from the
    PT initialisation of ``init`` (``k = c_pt``, ``b0 = 0`` on every coordinate, whatever ``lambda_pt``)."""
    init = _init(init)
    bp = _values("beta_pt", beta_pt)
    if init.c_pt > VALUE_MAX:
        raise ParameterError(f"c_pt={init.c_pt!r} is too large for the time course; valid range: c_pt <= {VALUE_MAX:g}")
    if init.c_pt < K_MIN:
        raise ParameterError(f"c_pt={init.c_pt!r} is too small for the time course; valid range: c_pt >= {K_MIN:g}")
    return coordinate_trajectory(times, bp, np.full(bp.shape, init.c_pt), 0.0)


@legacy_order(("times", "beta_pt", "beta_ft", "init", "scheme"), _times_first(3))
def ft_trajectory(beta_pt, beta_ft, init, times, scheme=DEFAULT_SCHEME) -> np.ndarray:
    """FT time course ``(len(times), D)``: gradient flow on ``1/2 sum_d (beta_d - beta_ft_d)^2`` from the
    FT re-initialisation (``scheme``) of the network PT left at convergence on ``beta_pt``.

    The FT start is ``(k, b0) = ft_scales(beta_pt, ...)``: ``b0 = 0`` (merged) or ``gamma (a+ - a-)``
    (readout).  A frozen coordinate (``k = b0 = 0``) stays at 0 whatever ``beta_ft`` asks.
    """
    init = _init(init)
    scheme = as_scheme(scheme)
    bp = _values("beta_pt", beta_pt)
    bf = _values("beta_ft", beta_ft, bp.shape)
    k, b0 = ft_scales(bp, init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
    return coordinate_trajectory(times, bf, k, b0)


def time_to_reach(value, beta_star, k, b0=0.0) -> np.ndarray:
    """Exact time for a coordinate from ``b0`` to reach ``value`` (between ``b0`` and ``beta*``).

    ``inf`` where the coordinate never gets there (``value == beta*`` with ``b0 != beta*``, or a
    frozen / half-line coordinate that cannot cross 0).  The closed form is the quadrature
    ``int dbeta / (2 sqrt(k^2+beta^2)(beta* - beta))`` (kernel ``time_to_reach``).
    """
    bstar = _values("beta_star", beta_star)
    val = _values("value", value)
    val = np.broadcast_to(val, bstar.shape) if val.size == 1 else val
    if val.shape != bstar.shape:
        raise ParameterError(f"value must be a scalar or match beta_star's shape {bstar.shape}")
    k, b0 = _scales(k, b0, bstar.shape)
    sg = np.where(bstar < 0, -1.0, 1.0)
    bs, b0g, vg = sg * bstar, sg * b0, sg * val
    lo, hi = np.minimum(b0g, bs), np.maximum(b0g, bs)
    if np.any((vg < lo) | (vg > hi)):
        raise ParameterError("value must lie between b0 and beta* for every coordinate (the flow is monotone); "
                             "valid range: min(b0, beta*) <= value <= max(b0, beta*)")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t = kernels.np.time_to_reach(vg, bs, k, b0g)
    t = np.where(vg == b0g, 0.0, t)
    # Unreachable: the target itself; across 0 on a k = 0 half-line; anything when frozen
    never = ((vg == bs) & (b0g != bs)) | ((k == 0) & (np.sign(vg) != np.sign(b0g)) & (vg != b0g))
    t = np.where(never, np.inf, t)
    return np.where(np.isnan(t) | (t < 0), np.inf, t) if np.any(np.isnan(t)) else t


def escape_time(beta_star, k) -> np.ndarray:
    """Time ``t_1/2`` for a coordinate from 0 to reach half its target: ``log(2|beta*|/k)/(2|beta*|)`` for
    ``k << |beta*|`` (rich: it waits, then escapes as a logistic), ``log(2)/(2k)`` for ``k >> |beta*|``
    (lazy: exponential relaxation at rate ``2k``); ``inf`` at ``k = 0`` (frozen)."""
    bstar = _values("beta_star", beta_star)
    if np.any(bstar == 0):
        raise ParameterError("beta_star has a zero entry; valid range: beta_star != 0 (nothing to escape to)")
    k, _ = _scales(k, 0.0, bstar.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = kernels.np.escape_time(np.abs(bstar), k)
    return np.where(k == 0, np.inf, t)


__all__ = ["K_MIN", "VALUE_MAX", "coordinate_trajectory", "escape_time", "ft_trajectory", "pt_trajectory",
           "time_to_reach"]
