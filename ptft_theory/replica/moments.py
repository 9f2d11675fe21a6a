"""The one moment interface of the replica solvers, for every precision and quadrature.

A moment evaluator is called as ``mom(tau, zeta)`` and returns ``(E[eta'], E[(eta - beta*)^2])``
summed over the coordinate classes with their weights, in its number type:

=====================================================  =========  ===============================
evaluator                                              numbers    rule
=====================================================  =========  ===============================
:class:`~ptft_theory.replica.hermite.HermiteMoments`   float64    Gauss-Hermite in z (C or numpy;
                                                                  ``jac=True`` adds derivatives)
:class:`~ptft_theory.replica.panels.PanelMoments`      float64    Gauss-Legendre panels in s
:class:`~ptft_theory.replica.mp_moments.ArbMoments`    ``mpf``    panels in s, arb kernels
:class:`~ptft_theory.replica.mp_moments.MpmathMoments` ``mpf``    panels in s, mpmath kernels
=====================================================  =========  ===============================
"""

from __future__ import annotations

from typing import Protocol


class Moments(Protocol):
    """``(E[eta'], E[(eta - beta*)^2])`` at ``(tau, zeta)``."""

    def __call__(self, tau, zeta) -> tuple: ...


class CachedMoments:
    """Moments at the last (tau, zeta) asked for, reused: they do not depend on alpha, so nearby alphas
    of a boundary search (and the Newton's re-evaluations) share them.  Subclasses set ``_cache`` to
    ``(None, None)`` and define ``_evaluate(tau, zeta)``."""

    def __call__(self, tau, zeta):
        key = (tau, zeta)
        if self._cache[0] == key:  # the moments do not depend on alpha: reused across nearby alphas
            return self._cache[1]
        val = self._evaluate(tau, zeta)
        self._cache = (key, val)
        return val
