"""Closed-form limits of the replica prediction: alpha at or beyond the non-frozen fraction (the
interpolator beta*, or least squares with noise) and the Donoho-Tanner threshold (the rich limit).
"""

from __future__ import annotations

import numpy as np

from .. import _validate as V
from .. import kernels
from ..errors import InfeasibleError, ParameterError
from .classes import ClassModel


def overdetermined_mse(cls: ClassModel, a, sigma, K=kernels.np):
    """The MSE per coordinate where ``a`` is at or beyond the fraction of non-frozen coordinates (no
    fixed point to solve), None below it; raises where GF has no interpolator to go to.

    Noiseless with no signal on frozen coordinates: the interpolator is beta* (0).  Noisy with
    nothing frozen and ``a > 1``: GF goes to least squares (kernel ``least_squares_mse`` of ``K``,
    whose number type ``a`` and ``sigma`` carry)."""
    if not cls.saturated(a):
        return None
    frozen_signal = bool(np.any(cls.beta_star[~cls.active] != 0))
    if sigma == 0 and not frozen_signal:
        return 0 * a
    if sigma > 0 and cls.active.all() and a > 1:
        return K.least_squares_mse(sigma, a)
    if sigma > 0 and cls.active.all():
        raise ParameterError(f"alpha={float(a)!r} with sigma={float(sigma)!r}: noisy interpolation at alpha = 1 has "
                         "unbounded error; valid range: alpha != 1 when sigma > 0")
    raise InfeasibleError(f"alpha={float(a)!r} exceeds the fraction of non-frozen coordinates ({cls.active_fraction:.6g}) "
                     "while the frozen ones carry signal or there is noise: X b = y has no solution (GF sits "
                     "at a saddle). Use gamma_ft > 0 or lambda_pt > -c_pt.")


def rich_limit_threshold(rho: float, dps=None, certify: bool = False):
    """Donoho-Tanner threshold ``alpha_c(rho) = min_t rho(1+t^2) + 2(1-rho)[(1+t^2) Phi(-t) - t phi(t)]``.

    The exact-recovery threshold of l1 minimisation (the k -> 0 limit from scratch), for every
    ``0 < rho < 1`` (``alpha_c ~ 2 rho log(1/rho)`` as rho -> 0).  Float64 by default; ``dps``
    evaluates with mpmath at that many digits (returns an ``mpf``).  ``certify=True`` returns a
    :class:`ptft_theory.replica.certify.CertifiedInterval` proved with ball arithmetic, of relative width
    <= 10^-dps (dps default 30; :func:`ptft_theory.replica.certify.certified_rich_limit_threshold`).

    Examples
    --------
    >>> round(rich_limit_threshold(0.1), 12)
    0.328793505454
    """
    if V.boolean("certify", certify):
        from .certify import certified_rich_limit_threshold
        return certified_rich_limit_threshold(rho, 30 if dps is None else dps)
    rho = V.unit_interval("rho", rho)
    if not 0 < rho < 1:
        raise ParameterError(f"rho={rho!r} is invalid; valid range: 0 < rho < 1")
    import mpmath
    dps_ = 20 if dps is None else V.dps("dps", dps)
    K = kernels.mp  # generated from symbolic.replica.donoho_tanner_objective / _stationarity
    with mpmath.workdps(dps_ + 10):
        r = mpmath.mpf(rho)
        # The minimiser t* grows like sqrt(2 log(1/rho)) as rho -> 0, where Newton from t = 1 fails
        # (rho <= 1e-10): bracket it ([0, hi], the stationarity is negative at 0 and positive for large
        # t), narrow by 60 bisections, then polish by secant.  The stationarity is divided by rho (its
        # terms are ~rho t at the root) so that findroot's absolute tolerance means the same at every rho.
        def g(t):
            return K.donoho_tanner_stationarity(t, r) / r
        lo, hi = mpmath.mpf(0), (mpmath.sqrt(2 * mpmath.log(1 / r)) + 1 if rho < 0.5 else mpmath.mpf(2))
        while g(hi) < 0:
            lo, hi = hi, 2 * hi
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if g(mid) < 0 else (lo, mid)
        t_star = mpmath.findroot(g, (lo, hi))
        val = K.donoho_tanner_objective(t_star, r)
    if dps is None:
        return float(val)
    with mpmath.workdps(dps_):
        return +val
