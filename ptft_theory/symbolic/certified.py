"""The replica moments as integrals in the mirror variable s, and their (tau, zeta) derivatives,
for the certified path (ptft_theory.replica.certify; docs/design.md section 3.2).

With ``x = beta* + tau z`` and the prox point ``s`` solving ``r(s) = zeta s + b(s) - x = 0``
(``prox_residual_in_mirror_variable``), ``z(s) = r(s)/tau`` is increasing with
``z'(s) = (zeta + b'(s))/tau`` (``prox_residual_derivative / tau``), so

    E_z[eta'] = int phi(z(s)) eta'(s) z'(s) ds,   E_z[(eta - beta*)^2] = int phi(z(s)) (b(s) - beta*)^2 z'(s) ds,

every factor entire in s.  The integrands below are these, with ``x`` standing for beta*; their
derivatives in tau and zeta at fixed s give the Jacobian of the fixed-point map (differentiation
under the integral; the truncated tails are bounded separately, see ptft_theory.replica.certify).
"""

from __future__ import annotations

import functools

import sympy as sp

from . import potential
from . import replica as R


@functools.lru_cache(maxsize=None)
def moment_integrands():
    """``(f_d1, f_mse)``: the s-integrands of E[eta'] and E[(eta - beta*)^2] (x = beta*)."""
    z = R.prox_residual_in_mirror_variable() / R.tau
    dz = R.prox_residual_derivative() / R.tau
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    eta = potential.beta_of_s_stable()
    return phi * sp.cancel(R.eta_prime() * R.prox_residual_derivative()) / R.tau, phi * (eta - R.x) ** 2 * dz


def moment_integrand_derivatives():
    """``(d f_d1/d tau, d f_d1/d zeta, d f_mse/d tau, d f_mse/d zeta)`` at fixed s."""
    f1, f2 = moment_integrands()
    return tuple(sp.diff(f, v) for f in (f1, f2) for v in (R.tau, R.zeta))
