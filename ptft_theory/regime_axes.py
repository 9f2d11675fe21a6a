"""The two axes of the regime label as signed functions of the levers, at three precisions.

On a (log10 c_PT, lambda_PT / c_PT) plane at fixed gamma_FT, task and scheme, each axis of
:func:`ptft_theory.regime` is a signed function ``f`` whose zero set is a regime boundary:

* ``"l_order"``: ``f = threshold - p`` (> 0: rich).  ``p = p(amp_ft / k_pt)`` for the definitions
  "samples" and "potential" (they share this axis), the authors' ``p(amp_ft / (2 k_pt))`` for "paper";
* ``"pt_dependence"``: ``f = delta_S - threshold`` ("samples"), ``delta - threshold`` ("potential") or
  ``threshold - (1 - p) e`` ("paper"), > 0: PT-dependent.

The point is ``(c, u)`` with ``u = 1 + lambda_PT / c_PT`` in (0, 2] (the distance from the frozen
corner lambda = -c, resolved relatively).  Precisions: :meth:`Axis.f64` (float64, with an absolute
error bound), :meth:`Axis.fmp` (mpmath at ``dps`` digits: the generated kernels with ``c``, ``u`` as
mpf, never rounded to float64) and :meth:`Axis.farb` (arb balls, the generated arb kernels: a proof of
the sign).  The "samples" axis needs the replica at the levers as an :class:`~ptft_theory.Init`, whose
fields are float64: it has the float64 precision only.
"""

from __future__ import annotations

import enum
import math

import mpmath
import numpy as np

from . import kernels
from .config import Init, Task, as_scheme
from .errors import BracketError, ParameterError

#: Absolute error bound of a float64 descriptor from the generated kernels (p in [1, 2], delta in
#: [-1, 1]): a closed form of ~20 roundings of 1.1e-16 each, conditioning <= ~10 away from z = 0 and oo.
KERNEL_ERROR64 = 1e-13


class RegimeAxis(enum.StrEnum):
    """Which axis of the regime label a boundary separates (the plain strings work too)."""

    L_ORDER = "l_order"  # rich | lazy
    PT_DEPENDENCE = "pt_dependence"  # PT-dependent | PT-independent


def _amplitudes(task: Task, f, sqrt):
    """(a_pt, a_ft) with the number type ``f``: the given amplitudes, or the defaults 1/sqrt(rho) computed
    in that type (as the mpmath and arb replica paths do), never rounded to float64 first."""
    a_pt = f(task.amp_pt) if task.amp_pt is not None else 1 / sqrt(f(task.rho_pt))
    a_ft = f(task.amp_ft) if task.amp_ft is not None else 1 / sqrt(f(task.rho_shared) + f(task.rho_new))
    return a_pt, a_ft


class Axis:
    """One axis (``RegimeAxis``) of one definition at fixed (task, gamma_ft, scheme, thresholds)."""

    def __init__(self, axis, definition, task, gamma_ft, scheme, thresholds, e_star):
        self.axis, self.definition = RegimeAxis(axis), definition
        self.task, self.gamma, self.scheme = task, float(gamma_ft), as_scheme(scheme)
        self.th, self.e_star = thresholds, e_star
        self.evaluations = 0
        if self.axis == "l_order":
            self.threshold = thresholds.paper_l_order if definition == "paper" else thresholds.l_order
        elif definition == "samples":
            self.threshold = thresholds.pt_dependence_samples
        elif definition == "potential":
            self.threshold = thresholds.pt_dependence
        else:
            self.threshold = thresholds.feature_dependence

    @property
    def exact(self) -> bool:
        """Whether ``dps=`` and ``certify=`` are available (the kernel axes; not the replica's delta_S)."""
        return not (self.axis == "pt_dependence" and self.definition == "samples")

    @property
    def what(self) -> str:
        name = {"l_order": "l-order", "pt_dependence": {"samples": "delta_S", "potential": "delta",
                                                        "paper": "feature dependence"}[self.definition]}
        n = name[self.axis] if self.axis == "pt_dependence" else ("paper l-order" if self.definition == "paper"
                                                                  else "l-order")
        return f"{n} - {self.threshold!r}"

    def _sign(self, value):
        """The signed function from the descriptor value: > 0 rich / PT-dependent."""
        flip = self.axis == "l_order" or self.definition == "paper"
        return self.threshold - value if flip else value - self.threshold

    # ----------------------------------------------------------------------------- float64
    def init(self, c, u):
        return Init(float(c), float((u - 1) * c), self.gamma)

    def f64(self, c, u):
        """``(f, absolute error bound)`` in float64 at ``c_pt = c``, ``lambda_pt = (u - 1) c``."""
        from .regime import regime
        from .regime_paper import paper_descriptors
        self.evaluations += 1
        init = self.init(c, u)
        round_lam = 4 * np.finfo(float).eps * (1 + abs(u)) / max(abs(u), 1e-300)  # relative rounding of u in lambda
        if self.definition == "paper":
            pd = paper_descriptors(init, self.task, self.scheme)
            v = pd.l_order if self.axis == "l_order" else pd.feature_dependence
            return self._sign(v), KERNEL_ERROR64 * (1 + round_lam)
        r = regime(self.task, init, self.scheme, self.th, definition="potential")
        if self.axis == "l_order":
            return self._sign(r.l_order), KERNEL_ERROR64 * (1 + round_lam)
        if self.definition == "potential":
            return self._sign(r.pt_dependence), KERNEL_ERROR64 * (1 + round_lam)
        return self._samples64(init, r.k_pt, r.k_new)

    def _samples64(self, init, k_pt, k_new):
        """delta_S - threshold with its error from the two level crossings' error estimates."""
        from .regime_samples import BRACKET, SPLIT
        from .replica.boundaries import level_crossing_alpha
        from .replica.rich_limits import pair_tasks
        if k_pt == 0 and k_new == 0:
            raise ParameterError("every coordinate is frozen (k = 0): no regime is defined")

        def crossing(task):
            try:
                r = level_crossing_alpha(task, init, self.e_star, self.scheme, bracket=(BRACKET[0], SPLIT))
            except BracketError:
                r = level_crossing_alpha(task, init, self.e_star, self.scheme, bracket=(SPLIT, BRACKET[1]))
            return float(r.alpha), float(r.error)

        shared, new = pair_tasks(self.task)
        a_s, e_s = (math.inf, 0.0) if k_pt == 0 else crossing(shared)
        a_n, e_n = (math.inf, 0.0) if k_new == 0 else crossing(new)
        if math.isinf(a_n):
            return self._sign(1.0), 0.0
        if math.isinf(a_s):
            return self._sign(-1.0), 0.0
        d = (a_n - a_s) / (a_n + a_s)
        err = 2 * (a_n * e_s + a_s * e_n) / (a_n + a_s) ** 2  # |d delta / d a_s| e_s + |d delta / d a_n| e_n
        return self._sign(d), err

    # ----------------------------------------------------------------------------- mpmath
    def fmp(self, c, u, dps):
        """``(f, error estimate)`` with the generated mpmath kernels at ``dps + 12`` digits (c, u mpf)."""
        if not self.exact:
            raise ParameterError("dps= for the 'samples' PT-dependence axis: delta_S needs the replica at float64 "
                                 "levers (Init), so it has float64 precision only; valid: dps=None, or "
                                 "definition='potential'/'paper', or axis='l_order'")
        self.evaluations += 1
        K = kernels.mp
        with mpmath.workdps(dps + 12):
            f = mpmath.mpf
            a_pt, a_ft = _amplitudes(self.task, f, mpmath.sqrt)
            c, u, g = f(c), f(u), f(self.gamma)
            v = self._descriptor(K, a_pt, a_ft, c, (u - 1) * c, g, zero=f(0))
            return self._sign(v), f(10) ** -(dps + 8)

    def _descriptor(self, K, a_pt, a_ft, c, lam, g, zero):
        s = self.scheme.value
        k_pt = getattr(K, f"ft_scale_{s}")(a_pt, c, lam, g)
        if k_pt == 0:
            raise ParameterError("a PT feature is frozen (k_pt = 0) at this point: the descriptors are limits there")
        if self.definition == "paper":
            z = a_ft / k_pt
            p = K.paper_l_order(z)
            if self.axis == "l_order":
                return p
            return K.paper_feature_dependence(z, getattr(K, f"elasticity_{s}")(a_pt, c, lam, g))
        if self.axis == "l_order":
            return K.l_order(a_ft / k_pt)
        k_new = getattr(K, f"ft_scale_{s}")(zero, c, lam, g)
        if k_new == 0:
            raise ParameterError("new features are frozen (k_new = 0) at this point: delta = 1 there")
        return K.pt_dependence(a_ft / k_pt, a_ft / k_new)

    # ----------------------------------------------------------------------------- arb
    def farb(self, c, u, bits):
        """``f`` as an arb ball at ``c``, ``u`` (arb balls or exact numbers), ``bits`` of working precision."""
        import flint
        from .kernels._generated import kernels_arb as KA
        if not self.exact:
            raise ParameterError("certify=True for the 'samples' PT-dependence axis: delta_S needs the replica at "
                                 "float64 levers; valid: certify=False, or definition='potential'/'paper', or "
                                 "axis='l_order'")
        with flint.ctx.workprec(bits):
            a_pt, a_ft = _amplitudes(self.task, flint.arb, lambda x: x.sqrt())
            g = flint.arb(self.gamma)
            return self._sign(self._descriptor(KA, a_pt, a_ft, c, (u - 1) * c, g, zero=flint.arb(0)))


__all__ = ["Axis", "KERNEL_ERROR64", "RegimeAxis"]
