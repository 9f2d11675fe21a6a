"""Gauss-Hermite moments of the prox over z ~ N(0, 1), float64: compiled (C) or numpy.

:class:`HermiteMoments` is the float64 :class:`~ptft_theory.replica.moments.Moments` of the
Gauss-Hermite rule; it runs the compiled library (:mod:`ptft_theory.replica.compiled`) when one is
available, else numpy (``backend`` says which).
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.special

from .. import kernels
from ..errors import ReplicaError
from . import compiled as C  # the module, so that its library() is looked up at call time
from .classes import ClassModel
from .prox import prox

#: Gauss-Hermite weights below this are dropped (see ``hermite_rule``).
HERMITE_WEIGHT_CUTOFF = 1e-30
#: Gauss-Hermite nodes; the result is recomputed with twice as many to estimate the quadrature error.
QUAD_NODES = 161


@functools.lru_cache(maxsize=16)
def hermite_rule(n_nodes: int):
    """Gauss-Hermite nodes and weights for E over z ~ N(0, 1), without the nodes whose weight is below
    ``HERMITE_WEIGHT_CUTOFF``: their terms (weight times an integrand that grows at most like
    (|beta*| + tau |z|)^2 out there, |z| > 11) stay below 1e-25 relative, far under every tolerance,
    and dropping them halves the work (91 of 161 nodes kept, 130 of 322)."""
    z, wq = scipy.special.roots_hermitenorm(n_nodes)  # robust for large n (numpy's overflows > ~300)
    q = wq / np.sqrt(2 * np.pi)
    keep = q > HERMITE_WEIGHT_CUTOFF
    return z[keep][None, :], q[keep][None, :]


class HermiteMoments:
    """E[eta'] and E[(eta - beta*)^2] for given (tau, zeta), with warm starts of the prox; with
    ``jac=True`` also their derivatives in (tau, zeta) (generated kernels eta'', d eta/d zeta,
    d eta'/d zeta; d eta/d tau = eta' z since x = beta* + tau z)."""

    def __init__(self, cls: ClassModel, n_nodes: int, compiled: bool = True):
        self.z, self.q = hermite_rule(n_nodes)
        self.cls = cls
        self.s = None
        self.lib = C.library() if compiled else None
        #: "c" or "numpy": which path evaluates these moments
        self.backend = "numpy" if self.lib is None else "c"
        if self.lib is None:
            self.bstar = cls.beta_star[:, None]
            self.m = cls.m[:, None]
            self.b0 = cls.b0[:, None]
            self.wq = cls.weight[:, None] * self.q
        else:
            # the C warm-start state [s | ds/dx | ds/dzeta | (tau, zeta) of the last call]; NaN = cold
            n_el = cls.weight.size * self.z.shape[1]
            self._c_state = np.full(3 * n_el + 2, np.nan)
            self._c_s = self._c_state[:n_el].reshape(cls.weight.size, self.z.shape[1])  # a view
            self._c_out = np.zeros(6)
            # the arrays above (and self.z, self.q, cls) live as long as this object: pass their
            # addresses, once computed
            self._c_ptrs = tuple(C.pointer(a) for a in (*cls.c_arrays, self.z.reshape(-1), self.q.reshape(-1)))
            self._c_s_ptr, self._c_out_ptr = C.pointer(self._c_state), C.pointer(self._c_out)

    def seed_from(self, other: "HermiteMoments"):
        """Warm-start a cold instance from another rule's prox points (s is monotone in
        x = beta* + tau z).  Compiled: the whole C state, at the other's last (tau, zeta)
        (``ptft_seed_state``: s cubic Hermite in z, linear beyond the other rule's nodes).  numpy: s
        linearly, constant beyond.  No-op when this one is warm, the other is cold, or only one of
        them is compiled."""
        if self.lib is None:
            src = other._c_s if other.lib is not None else other.s
            if self.s is None and src is not None and not np.isnan(src).any():
                self.s = np.stack([np.interp(self.z[0], other.z[0], row) for row in src])
        elif (other.lib is not None and other._c_s.shape[1] >= 2 and np.isnan(self._c_s).all()
              and not np.isnan(other._c_state[-2:]).any()):  # (interpolation needs two nodes)
            self.lib.ptft_seed_state(self._c_s.shape[0], other._c_s.shape[1], other._c_ptrs[4], other._c_s_ptr,
                                     self._c_s.shape[1], self._c_ptrs[4], self._c_s_ptr)

    @property
    def c_problem(self):
        """The compiled path's view of these moments, for a solver that runs on their warm-start state (the
        compiled Newton of :mod:`.fixed_point`): ``(leading arguments, state pointer, output pointer,
        output array)``, the leading arguments being (classes, nodes, addresses of the class and rule
        arrays).  Only with ``lib``."""
        return (self._c_s.shape[0], self._c_s.shape[1], *self._c_ptrs), self._c_s_ptr, self._c_out_ptr, self._c_out

    def __call__(self, tau, zeta, jac=False):
        if self.lib is not None:
            c_s, out = self._c_s, self._c_out
            err = self.lib.ptft_replica_moments(c_s.shape[0], c_s.shape[1], *self._c_ptrs, float(tau), float(zeta),
                                                int(jac), self._c_s_ptr, self._c_out_ptr)
            if err:
                raise ReplicaError(f"proximal Newton did not converge (compiled path, element {err - 1}, "
                                   f"tau={tau:.6g}, zeta={zeta:.6g})")
            return (out[0], out[1], tuple(out[2:])) if jac else (out[0], out[1])
        x = self.bstar + tau * self.z
        self.s, eta, d1 = prox(x, zeta, self.m, self.b0, self.s)
        r = eta - self.bstar
        mean_d1 = float(np.sum(self.wq * d1))
        mse = float(np.sum(self.wq * r**2))
        if not jac:
            return mean_d1, mse
        K = kernels.np
        with np.errstate(over="ignore", invalid="ignore"):
            e2 = K.eta_second_derivative(self.s, zeta, self.m, self.b0)
            e1z = K.eta_prime_zeta_derivative(self.s, zeta, self.m, self.b0)
            ez = K.eta_zeta_derivative(self.s, zeta, self.m, self.b0)
        # Where b'(s) overflows (|s| ~ S_MAX) eta' = 1 exactly and these derivatives vanish; they
        # only enter the Newton Jacobian, never the equations themselves.
        e2, e1z, ez = (np.where(np.isfinite(a), a, 0.0) for a in (e2, e1z, ez))
        grads = (float(np.sum(self.wq * e2 * self.z)), float(np.sum(self.wq * e1z)),
                 float(np.sum(self.wq * 2 * r * d1 * self.z)), float(np.sum(self.wq * 2 * r * ez)))
        return mean_d1, mse, grads
